/**
 * The rule side of the SARIF report: one `reportingDescriptor` per rule in
 * the catalogue (src/findings/rules.ts), plus the GitHub code scanning
 * properties the catalogue does not carry (precision, topic tags). See the
 * header of `sarif.ts` for the spec sections this follows.
 */
import { FINDINGS_DOCS_URL, RULES, type Rule } from '../findings/rules.js';
import type { Severity } from '../types.js';

/** GitHub's `properties.precision`: how often a result of the rule is a true positive. */
export type SarifPrecision = 'very-high' | 'high' | 'medium' | 'low';

export type SarifLevel = 'error' | 'warning' | 'note';

interface RuleSarifMeta {
  readonly precision: SarifPrecision;
  /** Topic tags after `security` and `supply-chain`, for filtering in the code scanning UI. */
  readonly topics: readonly string[];
}

/**
 * Per-rule SARIF facts. Every rule in the catalogue must have an entry
 * (test/sarif.test.ts checks it), so a new rule cannot ship with a guessed
 * precision. Precision reflects the check: a hash comparison or a parsed
 * header is very-high; a judgement over names or licence text is lower.
 */
const RULE_META: Readonly<Record<string, RuleSarifMeta>> = {
  'unsafe-pickle': { precision: 'very-high', topics: ['deserialization', 'pickle'] },
  'unknown-pickle-globals': { precision: 'medium', topics: ['deserialization', 'pickle'] },
  'unanalyzed-pickle': { precision: 'medium', topics: ['deserialization', 'pickle'] },
  'pickle-with-safetensors-alternative': { precision: 'high', topics: ['deserialization', 'pickle'] },
  'trust-remote-code': { precision: 'high', topics: ['remote-code'] },
  'unpinned-reference': { precision: 'high', topics: ['pinning'] },
  'missing-license': { precision: 'medium', topics: ['license'] },
  'restrictive-license': { precision: 'medium', topics: ['license'] },
  'gated-or-private': { precision: 'high', topics: ['license', 'access'] },
  'upstream-mismatch': { precision: 'very-high', topics: ['integrity'] },
  'insecure-download': { precision: 'high', topics: ['transport'] },
  'keras-lambda': { precision: 'very-high', topics: ['deserialization', 'keras'] },
  'insecure-service-endpoint': { precision: 'high', topics: ['transport'] },
  'verify-modified': { precision: 'very-high', topics: ['integrity', 'verify'] },
  'verify-missing': { precision: 'very-high', topics: ['integrity', 'verify'] },
  'verify-unreadable': { precision: 'very-high', topics: ['integrity', 'verify'] },
  'verify-unexpected': { precision: 'high', topics: ['integrity', 'verify'] },
};

/** Rule ids that have SARIF metadata, for the test that keeps this table and the catalogue in step. */
export const RULES_WITH_SARIF_META: readonly string[] = Object.keys(RULE_META);

/** critical/high → error, medium → warning, low/info → note. */
export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
    case 'info':
      return 'note';
  }
}

/**
 * GitHub's `security-severity`, a CVSS-like score as a string. One value
 * inside each of GitHub's bands (critical ≥ 9.0, high 7.0–8.9, medium
 * 4.0–6.9, low 0.1–3.9), away from the edges so no reading of "over 9.0"
 * can move a rule across a band. `info` has none: GitHub would read any
 * score as a security severity.
 */
export function securitySeverity(severity: Severity): string | undefined {
  switch (severity) {
    case 'critical':
      return '9.5';
    case 'high':
      return '8.0';
    case 'medium':
      return '5.5';
    case 'low':
      return '3.0';
    case 'info':
      return undefined;
  }
}

/** `unsafe-pickle` → `UnsafePickle` (SARIF `name`, which GitHub shows as the rule name). */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** `external/cwe/cwe-502`: the tag form GitHub and CodeQL use for CWE ids. */
export function cweTag(cwe: number): string {
  return `external/cwe/cwe-${cwe}`;
}

/**
 * SARIF message strings treat `{n}` as a placeholder, so literal braces are
 * doubled (§3.11.5). Applies to plain text and Markdown alike.
 */
export function sarifPlain(text: string): string {
  return text.replace(/[{}]/g, (c) => c + c);
}

/**
 * Text placed in `help.markdown`. Backslash-escapes what CommonMark would
 * read as markup (`<full commit sha>` would otherwise be an HTML tag, which
 * SARIF forbids producers to emit, §3.11.4.2), then doubles braces.
 */
export function sarifMarkdown(text: string): string {
  return sarifPlain(text.replace(/[\\`*_[\]<>|~&#!]/g, (c) => `\\${c}`));
}

export interface SarifMessageString {
  readonly text: string;
  readonly markdown?: string;
}

export interface SarifReportingDescriptor {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessageString;
  readonly fullDescription: SarifMessageString;
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly helpUri: string;
  readonly help: SarifMessageString;
  readonly properties: {
    readonly tags: readonly string[];
    readonly precision: SarifPrecision;
    readonly 'security-severity'?: string;
  };
}

function metaFor(rule: Rule): RuleSarifMeta {
  const meta = RULE_META[rule.id];
  // NOTE: a rule added to the catalogue without an entry here still gets a
  // valid descriptor; the test suite is what insists on a real entry.
  return meta ?? { precision: 'medium', topics: [] };
}

export function reportingDescriptor(rule: Rule): SarifReportingDescriptor {
  const meta = metaFor(rule);
  const score = securitySeverity(rule.severity);
  const cweUrl = `https://cwe.mitre.org/data/definitions/${rule.cwe}.html`;
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: sarifPlain(rule.title) },
    fullDescription: { text: sarifPlain(rule.description) },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    helpUri: `${FINDINGS_DOCS_URL}#${rule.id}`,
    help: {
      text: sarifPlain(`${rule.description}\n\nRemediation: ${rule.remediation}\n\nSeverity: ${rule.severity}. CWE-${rule.cwe}: ${cweUrl}`),
      markdown: [
        `**${sarifMarkdown(rule.title)}**`,
        sarifMarkdown(rule.description),
        `**Remediation:** ${sarifMarkdown(rule.remediation)}`,
        `Severity: ${rule.severity}. [CWE-${rule.cwe}](${cweUrl})`,
      ].join('\n\n'),
    },
    properties: {
      tags: ['security', 'supply-chain', ...meta.topics, cweTag(rule.cwe)],
      precision: meta.precision,
      ...(score === undefined ? {} : { 'security-severity': score }),
    },
  };
}

/**
 * Every rule in catalogue order. The order fixes `ruleIndex`; new rules are
 * appended to the catalogue, so existing indexes do not move.
 */
export function sarifRules(): { readonly descriptors: SarifReportingDescriptor[]; readonly index: ReadonlyMap<string, number> } {
  const descriptors = [...RULES.values()].map(reportingDescriptor);
  return { descriptors, index: new Map(descriptors.map((d, i) => [d.id, i])) };
}
