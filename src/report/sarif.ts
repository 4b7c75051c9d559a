/**
 * mlbom findings as a SARIF 2.1.0 log, for GitHub code scanning and other
 * SARIF viewers. Follows the OASIS SARIF 2.1.0 standard (with Errata 01):
 * §3.4.3–3.4.4 and §3.10 (relative `uri` references with a `uriBaseId`;
 * non-ASCII characters percent-encoded as UTF-8 per §3.10.4, since a URI
 * may not hold them), §3.14.14 (`originalUriBaseIds`: a top-level entry MAY
 * omit `uri` "to avoid revealing sensitive information" and "to produce
 * deterministic output", so `%SRCROOT%` carries only a description),
 * §3.14.27 (`columnKind`), §3.11.5–3.11.6 (literal braces doubled; related
 * locations linked from the message as `[text](id)`), §3.27.10 (`level`),
 * §3.27.12 (one primary location: the rest go to `relatedLocations`,
 * §3.27.22), §3.27.17 with §3.5.4.2 (versioned `partialFingerprints` key),
 * §3.49 (`reportingDescriptor`), §3.8 (property bags and `tags`) and
 * Appendix F (deterministic logs). GitHub's "SARIF support for code
 * scanning" page sets the rest: rules need `shortDescription`,
 * `fullDescription` and `help.text`; `properties.security-severity` is a
 * string score (critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9);
 * `precision` is very-high/high/medium/low; only 10 tags per rule are shown;
 * every result needs a location with a non-empty `artifactLocation.uri` (one
 * result without one makes GitHub reject the whole file, see
 * github/codeql-action#1738 and #2459); relative paths are resolved against
 * the repository root and `originalUriBaseIds` is ignored (codeql-action
 * #2215); a location without `region` is a whole-file alert (codeql-action
 * src/fingerprints.ts); `automationDetails.id` is `category/run-id`; a run
 * may hold 25,000 results, of which 5,000 are shown.
 */
import { MlbomError } from '../errors.js';
import { RULES, formatLocation, severityRank } from '../findings/rules.js';
import type { Asset, Finding, Location } from '../types.js';
import { compareCodePoints } from '../util/sort.js';
import { TOOL_NAME } from '../version.js';
import { encodePathUri, isTreePath, normalizePrefix } from './sarif-paths.js';
import { sarifLevel, sarifPlain, sarifRules } from './sarif-rules.js';
import {
  FINDING_FINGERPRINT,
  MLBOM_INFORMATION_URI,
  SARIF_SCHEMA_URI,
  SARIF_VERSION,
  SRCROOT,
  type SarifLocation,
  type SarifLog,
  type SarifResult,
  type SarifRun,
} from './sarif-types.js';

export * from './sarif-types.js';
export { encodePathUri } from './sarif-paths.js';
export { sarifLevel, securitySeverity, pascalCase, cweTag, RULES_WITH_SARIF_META, type SarifLevel, type SarifPrecision, type SarifReportingDescriptor } from './sarif-rules.js';

/**
 * Where a finding with no usable evidence, no asset path and no
 * `fallbackPath` is anchored. GitHub needs a file path (not `.`), and a
 * missing file is still accepted as a whole-file alert; the README is the
 * file most repositories have that speaks for the project as a whole.
 */
export const DEFAULT_ANCHOR_PATH = 'README.md';
/** GitHub keeps at most 100 locations per result; the primary one plus 99 related. */
export const MAX_RELATED_LOCATIONS = 99;
/** Details named in the message; all of them stay in `properties.details`. */
const MAX_DETAILS_IN_MESSAGE = 20;

/** What the report needs to know about an asset. */
export interface SarifAssetInfo {
  readonly name: string;
  readonly kind: string;
  readonly purl?: string;
  readonly version?: string;
  /** Root-relative POSIX path of the asset: the anchor for its findings that have no evidence. */
  readonly path?: string;
}

export interface SarifInput {
  readonly findings: readonly Finding[];
  readonly toolVersion: string;
  /** Keyed by `Asset.id`; names the component in messages. See `sarifAssets`. */
  readonly assets?: ReadonlyMap<string, SarifAssetInfo>;
  /**
   * The scan root's path inside the repository (POSIX, relative), e.g.
   * `services/ml` for `mlbom scan services/ml` run at the checkout root.
   * GitHub resolves every `uri` against the repository root.
   */
  readonly pathPrefix?: string;
  /** Anchor (root-relative) for findings with neither evidence nor an asset path; default `DEFAULT_ANCHOR_PATH`. */
  readonly fallbackPath?: string;
  /** GitHub analysis category, e.g. `mlbom/verify`; written as `automationDetails.id` with a trailing `/`. */
  readonly category?: string;
  /** Written as `invocations[0].startTimeUtc` only when given, so logs stay byte-identical by default. */
  readonly startTimeUtc?: Date;
}

/**
 * Build the SARIF log for a set of findings. Pure: the same input gives a
 * deep-equal log, with results in a fixed order (severity, rule, path,
 * line, id) whatever the input order.
 * @throws {MlbomError} code USAGE for an empty tool version, a bad
 *   `pathPrefix`/`fallbackPath`/`startTimeUtc`; INTERNAL for a finding whose
 *   rule is not in the catalogue.
 */
export function toSarif(input: SarifInput): SarifLog {
  if (input.toolVersion.trim() === '') throw new MlbomError('USAGE', 'SARIF needs the tool version');
  const prefix = normalizePrefix(input.pathPrefix);
  const fallback = input.fallbackPath ?? DEFAULT_ANCHOR_PATH;
  if (!isTreePath(fallback)) throw new MlbomError('USAGE', `SARIF fallbackPath must be a relative path inside the tree, got ${JSON.stringify(fallback)}`);
  const { descriptors, index } = cachedRules();
  const ctx: ResultContext = { ruleIndex: index, assets: input.assets ?? new Map(), prefix, fallback };
  const results = sortResults(input.findings.map((f) => toResult(f, ctx)));
  const category = input.category?.trim().replace(/\/*$/, '/');
  const run: SarifRun = {
    tool: { driver: { name: TOOL_NAME, version: input.toolVersion, informationUri: MLBOM_INFORMATION_URI, rules: [...descriptors] } },
    ...(category === undefined || category === '/' ? {} : { automationDetails: { id: category } }),
    ...(input.startTimeUtc === undefined ? {} : { invocations: [{ executionSuccessful: true, startTimeUtc: utc(input.startTimeUtc) }] as const }),
    originalUriBaseIds: {
      [SRCROOT]: {
        description: {
          text: 'The root of the scanned tree: every uri is relative to it. Its absolute path is left out so the log reveals no local paths and is the same on every machine.',
        },
      },
    },
    columnKind: 'utf16CodeUnits',
    results,
  };
  return { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs: [run] };
}

/** Two-space JSON and a final newline, like the BOMs. */
export function serializeSarif(log: SarifLog): string {
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** `SarifAssetInfo` for each asset, keyed by id; the path is the asset's first location or file. */
export function sarifAssets(assets: Iterable<Asset>): Map<string, SarifAssetInfo> {
  const out = new Map<string, SarifAssetInfo>();
  for (const a of assets) {
    const paths = [...a.locations.map((l) => l.path), ...a.files.map((f) => f.path)].filter(isTreePath).sort(compareCodePoints);
    const name = a.group === undefined || a.group === '' ? a.name : `${a.group}/${a.name}`;
    out.set(a.id, {
      name,
      kind: a.kind,
      ...(a.purl === undefined ? {} : { purl: a.purl }),
      ...(a.version === undefined ? {} : { version: a.version }),
      ...(paths[0] === undefined ? {} : { path: paths[0] }),
    });
  }
  return out;
}

interface ResultContext {
  readonly ruleIndex: ReadonlyMap<string, number>;
  readonly assets: ReadonlyMap<string, SarifAssetInfo>;
  readonly prefix: string;
  readonly fallback: string;
}

interface Keyed {
  readonly result: SarifResult;
  readonly rank: number;
  readonly path: string;
  readonly line: number;
  /** The result as JSON, computed only when two results tie on every key. */
  text?: string;
}

function toResult(f: Finding, ctx: ResultContext): Keyed {
  const ruleIndex = ctx.ruleIndex.get(f.rule);
  if (ruleIndex === undefined) throw new MlbomError('INTERNAL', `finding ${f.id} names rule ${JSON.stringify(f.rule)}, which is not in the catalogue`);
  const asset = ctx.assets.get(f.assetId);
  const evidence = usableEvidence(f.evidence);
  const anchored = evidence.length === 0;
  const primary: Location = evidence[0] ?? { path: asset?.path !== undefined && isTreePath(asset.path) ? asset.path : ctx.fallback };
  const related = evidence.slice(1, 1 + MAX_RELATED_LOCATIONS);
  const details = f.details === undefined ? [] : [...f.details].sort(compareCodePoints);
  const result: SarifResult = {
    ruleId: f.rule,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: messageText(f, asset, details, related, evidence.length - 1 - related.length, anchored ? primary.path : undefined) },
    locations: [location(primary, ctx.prefix)],
    ...(related.length === 0 ? {} : { relatedLocations: related.map((l, i) => ({ id: i + 1, ...location(l, ctx.prefix) })) }),
    partialFingerprints: { [FINDING_FINGERPRINT]: f.id },
    properties: {
      severity: f.severity,
      component: f.assetId,
      ...(asset?.purl === undefined ? {} : { purl: asset.purl }),
      remediation: f.remediation,
      ...(details.length === 0 ? {} : { details }),
    },
  };
  return { result, rank: severityRank(f.severity), path: primary.path, line: primary.line ?? 0 };
}

function location(l: Location, prefix: string): SarifLocation {
  const path = prefix === '' ? l.path : `${prefix}/${l.path}`;
  return {
    physicalLocation: {
      artifactLocation: { uri: encodePathUri(path), uriBaseId: SRCROOT },
      ...(l.line === undefined ? {} : { region: { startLine: l.line } }),
    },
  };
}

/**
 * Evidence that can become a location: deduped, sorted like makeFinding
 * does, and only paths inside the tree. NOTE: an absolute or `..` path
 * would leak where the tree sits or point outside it, and `.` is not a
 * file GitHub accepts; such evidence is dropped rather than written. A
 * line that is not a positive integer becomes a whole-file location.
 */
function usableEvidence(list: readonly Location[]): Location[] {
  const seen = new Map<string, Location>();
  for (const l of list) {
    if (!isTreePath(l.path)) continue;
    const line = l.line !== undefined && Number.isSafeInteger(l.line) && l.line >= 1 ? l.line : undefined;
    seen.set(line === undefined ? l.path : `${l.path}:${line}`, line === undefined ? { path: l.path } : { path: l.path, line });
  }
  return [...seen.values()].sort((a, b) => compareCodePoints(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0));
}

/**
 * The finding's own sentence first (GitHub shows it as the alert title),
 * then the component, the details and links to the related locations.
 * Each dynamic piece is escaped where it is inserted.
 */
function messageText(
  f: Finding,
  asset: SarifAssetInfo | undefined,
  details: readonly string[],
  related: readonly Location[],
  notLinked: number,
  anchor: string | undefined,
): string {
  const parts = [sentence(f.message), `Component: ${componentLabel(f.assetId, asset)}.`];
  if (details.length > 0) {
    const shown = details.slice(0, MAX_DETAILS_IN_MESSAGE).map(sarifPlain).join(', ');
    const more = details.length > MAX_DETAILS_IN_MESSAGE ? ` and ${details.length - MAX_DETAILS_IN_MESSAGE} more` : '';
    parts.push(`Details: ${shown}${more}.`);
  }
  if (related.length > 0) {
    const links = related.map((l, i) => `[${linkText(formatLocation(l))}](${i + 1})`).join(', ');
    parts.push(`Also at ${links}${notLinked > 0 ? ` and ${notLinked} more` : ''}.`);
  }
  if (anchor !== undefined) parts.push(`The finding names no file; ${sarifPlain(anchor)} only anchors the alert.`);
  if (f.remediation !== RULES.get(f.rule)?.remediation) parts.push(`Remediation: ${sentence(f.remediation)}`);
  return parts.join(' ');
}

/** Plain-text link text: `\`, `[` and `]` backslash-escaped (§3.11.6), braces doubled. */
function linkText(s: string): string {
  return sarifPlain(s.replace(/[\\[\]]/g, (c) => `\\${c}`));
}

function sentence(s: string): string {
  const t = sarifPlain(s.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function componentLabel(assetId: string, asset: SarifAssetInfo | undefined): string {
  if (asset === undefined) return sarifPlain(assetId);
  const label = asset.purl !== undefined ? `${asset.name} (${asset.purl})` : asset.version !== undefined ? `${asset.name} ${asset.version}` : asset.name;
  return sarifPlain(label);
}

function sortResults(list: readonly Keyed[]): SarifResult[] {
  return [...list]
    .sort(
      (a, b) =>
        b.rank - a.rank ||
        compareCodePoints(a.result.ruleId, b.result.ruleId) ||
        compareCodePoints(a.path, b.path) ||
        a.line - b.line ||
        compareCodePoints(a.result.partialFingerprints[FINDING_FINGERPRINT], b.result.partialFingerprints[FINDING_FINGERPRINT]) ||
        // Two findings with one id but other text: order by content, not by input order.
        compareCodePoints((a.text ??= JSON.stringify(a.result)), (b.text ??= JSON.stringify(b.result))),
    )
    .map((k) => k.result);
}

function utc(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new MlbomError('USAGE', 'SARIF startTimeUtc is not a valid date');
  return d.toISOString();
}

let rulesCache: ReturnType<typeof sarifRules> | undefined;

function cachedRules(): ReturnType<typeof sarifRules> {
  rulesCache ??= sarifRules();
  return rulesCache;
}
