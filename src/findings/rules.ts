/**
 * The catalogue of risk rules. One entry per rule: the BOM, SARIF and the
 * docs all read from here, so a rule's id, severity, CWE and advice are
 * written once. Rule ids are stable; renaming one breaks users' baselines.
 * docs/FINDINGS.md explains each rule; `test/findings.test.ts` checks the two agree.
 */
import { createHash } from 'node:crypto';
import type { Finding, Location, Severity } from '../types.js';
import { compareCodePoints } from '../util/sort.js';

/** Each rule's explanation is the anchor `#<rule id>` on this page. */
export const FINDINGS_DOCS_URL = 'https://github.com/mlbom/mlbom/blob/main/docs/FINDINGS.md';

/** Severities, lowest first: `--fail-on high` fails on high and critical. */
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export interface Rule {
  readonly id: string;
  /** A short name for lists and SARIF `shortDescription`. */
  readonly title: string;
  /** Why it matters, for SARIF `fullDescription` and the docs. */
  readonly description: string;
  readonly severity: Severity;
  /** The default advice; a finding may say something more specific. */
  readonly remediation: string;
  /** The closest CWE, as a number. */
  readonly cwe: number;
}

const RULE_LIST: readonly Rule[] = [
  {
    id: 'unsafe-pickle',
    title: 'Pickle imports code-executing globals',
    description: 'Loading this pickle imports globals such as os.system, builtins.eval or subprocess that can run arbitrary code.',
    severity: 'critical',
    remediation: 'Do not load this file. Obtain the weights in safetensors (or another non-executable format) from a trusted source.',
    cwe: 502,
  },
  {
    id: 'unknown-pickle-globals',
    title: 'Pickle imports globals outside the safe allow-list',
    description: 'Loading this pickle imports classes or functions that are neither known-safe nor known-dangerous; each runs on load.',
    severity: 'medium',
    remediation: 'Review the listed globals, load only with an allow-list (torch.load(weights_only=True) or a restricted Unpickler), or convert to safetensors.',
    cwe: 502,
  },
  {
    id: 'unanalyzed-pickle',
    title: 'Pickle could not be fully analyzed',
    description: 'Part of this pickle could not be walked (compressed, truncated, malformed or over budget), so imports may be hidden there.',
    severity: 'medium',
    remediation: 'Treat the file as untrusted: do not load it until it is regenerated or converted to safetensors.',
    cwe: 502,
  },
  {
    id: 'pickle-with-safetensors-alternative',
    title: 'Pickle weights used where safetensors exist upstream',
    description: 'The Hub repository publishes safetensors weights, yet a pickle-based file is used; loading pickle can run code.',
    severity: 'medium',
    remediation: 'Load the safetensors files instead (use_safetensors=True) and drop the pickle file.',
    cwe: 502,
  },
  {
    id: 'trust-remote-code',
    title: 'Model loaded with trust_remote_code=True',
    description: 'The loader downloads and runs Python code from the model repository.',
    severity: 'high',
    remediation: 'Remove trust_remote_code=True, or pin the repository to a reviewed commit (revision=<sha>) and vendor the code.',
    cwe: 829,
  },
  {
    id: 'unpinned-reference',
    title: 'Hub reference not pinned to a commit',
    description: 'A branch or tag can move, so what is loaded can change without any change to this repository.',
    severity: 'medium',
    remediation: 'Pass revision=<full commit sha> so every build loads the same reviewed files.',
    cwe: 494,
  },
  {
    id: 'missing-license',
    title: 'Model or dataset has no licence',
    description: 'No licence was found in the files, card or registry, so the terms of use are unknown.',
    severity: 'medium',
    remediation: 'Find the licence from the publisher and record it in the model or dataset card.',
    cwe: 1357,
  },
  {
    id: 'restrictive-license',
    title: 'Model or dataset licence restricts use',
    description: 'The licence forbids commercial use or derivatives, or is a custom licence whose terms need review.',
    severity: 'medium',
    remediation: 'Check the licence terms against the intended use with your legal team, or choose a permissively licensed alternative.',
    cwe: 1357,
  },
  {
    id: 'gated-or-private',
    title: 'Gated or private Hub repository',
    description: 'Access needs accepted terms or credentials: builds may fail without a token and the terms bind your use.',
    severity: 'low',
    remediation: 'Record the accepted terms, and make sure CI has a scoped read token or a mirrored copy.',
    cwe: 1357,
  },
  {
    id: 'upstream-mismatch',
    title: 'Local weights differ from the published hashes',
    description: 'A local file does not match the SHA-256 the registry publishes for the same revision: it was changed or substituted.',
    severity: 'high',
    remediation: 'Re-download the file from the pinned revision and compare its hash; investigate how the local copy changed.',
    cwe: 354,
  },
  {
    id: 'insecure-download',
    title: 'Weights or data downloaded over plain http',
    description: 'Anyone on the network path can replace content fetched over http://.',
    severity: 'high',
    remediation: 'Use an https:// URL and check the downloaded file against a known SHA-256.',
    cwe: 494,
  },
  {
    id: 'keras-lambda',
    title: 'Keras model with Lambda layers',
    description: 'A Lambda layer stores Python bytecode or a function reference that runs when the model is loaded with safe_mode off.',
    severity: 'high',
    remediation: 'Load with keras.models.load_model(..., safe_mode=True), or replace Lambda layers with registered custom layers.',
    cwe: 94,
  },
  {
    id: 'insecure-service-endpoint',
    title: 'AI API reached over plain http',
    description: 'Prompts, responses and credentials sent over http:// can be read or altered on the network path.',
    severity: 'high',
    remediation: 'Use the provider\'s https:// endpoint; keep plain http for loopback only.',
    cwe: 319,
  },
  {
    id: 'verify-modified',
    title: 'File differs from the BOM',
    description: 'The file\'s SHA-256 is not the one the BOM records.',
    severity: 'high',
    remediation: 'Find out why the file changed; restore it from a trusted copy, or regenerate the BOM if the change is intended.',
    cwe: 354,
  },
  {
    id: 'verify-missing',
    title: 'File in the BOM is missing',
    description: 'The BOM records this file, but it is not on disk.',
    severity: 'high',
    remediation: 'Restore the file, or regenerate the BOM if it was removed on purpose.',
    cwe: 354,
  },
  {
    id: 'verify-unreadable',
    title: 'File in the BOM cannot be read',
    description: 'The BOM records this file, but it cannot be read as a regular file inside the folder (permissions, a directory, a link out of the folder or a loop), so its hash was not checked.',
    severity: 'high',
    remediation: 'Make the file a regular, readable file inside the verified folder (fix its permissions or replace the link), then verify again.',
    cwe: 354,
  },
  {
    id: 'verify-unexpected',
    title: 'Model file not in the BOM',
    description: 'A model-format file is on disk that the BOM does not list, so nothing vouches for it.',
    severity: 'medium',
    remediation: 'Remove the file, or regenerate the BOM so it is inventoried and hashed.',
    cwe: 354,
  },
];

export const RULES: ReadonlyMap<string, Rule> = new Map(RULE_LIST.map((r) => [r.id, r]));

export function ruleById(id: string): Rule {
  const rule = RULES.get(id);
  if (rule === undefined) throw new Error(`unknown rule ${id}`);
  return rule;
}

export interface FindingInput {
  readonly rule: string;
  readonly assetId: string;
  readonly message: string;
  readonly evidence: readonly Location[];
  /** Defaults to the rule's severity. */
  readonly severity?: Severity;
  /** Defaults to the rule's remediation. */
  readonly remediation?: string;
  readonly details?: readonly string[];
}

/** A finding with sorted evidence and details and an id that is stable for the same facts. */
export function makeFinding(input: FindingInput): Finding {
  const rule = ruleById(input.rule);
  const evidence = dedupeLocations(input.evidence);
  const details = input.details === undefined ? undefined : [...new Set(input.details)].sort(compareCodePoints);
  const key = [rule.id, input.assetId, ...evidence.map(formatLocation), ...(details ?? [])].join('\n');
  const id = `${rule.id}/${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
  return {
    id,
    rule: rule.id,
    severity: input.severity ?? rule.severity,
    assetId: input.assetId,
    message: input.message,
    evidence,
    remediation: input.remediation ?? rule.remediation,
    ...(details === undefined || details.length === 0 ? {} : { details }),
  };
}

export function formatLocation(l: Location): string {
  return l.line === undefined ? l.path : `${l.path}:${l.line}`;
}

function dedupeLocations(list: readonly Location[]): Location[] {
  const seen = new Map<string, Location>();
  for (const l of list) seen.set(formatLocation(l), l.line === undefined ? { path: l.path } : { path: l.path, line: l.line });
  return [...seen.values()].sort((a, b) => compareCodePoints(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0));
}

/** Findings in a fixed order: most severe first, then rule, asset, id. */
export function sortFindings(list: readonly Finding[]): Finding[] {
  return [...list].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      compareCodePoints(a.rule, b.rule) ||
      compareCodePoints(a.assetId, b.assetId) ||
      compareCodePoints(a.id, b.id),
  );
}

/** Findings at or above `threshold`. */
export function atOrAbove(list: readonly Finding[], threshold: Severity): Finding[] {
  const min = severityRank(threshold);
  return list.filter((f) => severityRank(f.severity) >= min);
}
