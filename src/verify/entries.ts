/**
 * BOM → the files it vouches for. See `index.ts` for the rule in full; in
 * short, an entry of the `components` tree is a recorded file when it is a
 * `file`, `machine-learning-model` or `data` component with a SHA-256 hash
 * and exactly one occurrence location names it: the location is what its
 * bom-ref says after the first colon (mlbom's `file:<path>`,
 * `model:<path>`…), or the location's last segment is the component's name.
 *
 * Bad BOM content never throws here: every entry that cannot be used is a
 * warning (or, when it plainly is not a local file, silently left out).
 */
import { MlbomError } from '../errors.js';
import { asObj, str, type Json } from '../diff/load.js';
import { xmlToJson } from '../diff/xml.js';
import { assertMatchingTags } from './xml-nesting.js';
import type { Issue } from '../types.js';
import { compareCodePoints } from '../util/sort.js';

/** Who records a file: a component, by bom-ref and name. */
export interface RecordingComponent {
  readonly bomRef?: string;
  readonly name: string;
}

/** One (path, SHA-256) claim, merged over every component that makes it. */
export interface RecordedFile {
  /** Root-relative POSIX path, normalized, known not to leave the root. */
  readonly path: string;
  /** Lower-case hex. */
  readonly sha256: string;
  readonly components: RecordingComponent[];
}

/** A hashed component that names a file mlbom will not read. */
export interface SkippedEntry {
  /** The location as the BOM writes it. */
  readonly location: string;
  readonly component: RecordingComponent;
  readonly reason: string;
}

export interface BomFiles {
  readonly specVersion: string;
  /** Sorted by path, then hash. */
  readonly files: RecordedFile[];
  readonly skipped: SkippedEntry[];
  readonly issues: Issue[];
}

// Readable like diff reads them; before 1.5 there are no occurrences, so nothing names a file.
const SUPPORTED = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);
/** A BOM nested deeper than this was made to exhaust the stack, not written by a tool. */
const MAX_DEPTH = 64;
/** Component types whose hash is the hash of a file in the tree; a library's hash is of a distribution artifact. */
const FILE_TYPES = new Set(['file', 'machine-learning-model', 'data']);
const SHA256 = /^[0-9a-f]{64}$/i;
const STAGE = 'verify';

/**
 * Parse BOM text (JSON or XML) or an already parsed JSON BOM.
 * @throws {MlbomError} code INPUT when it is not a CycloneDX BOM of a supported version.
 */
export function bomFiles(bom: string | object, shown: string): BomFiles {
  const raw = typeof bom === 'string' ? parseText(bom, shown) : checkJson(bom, shown);
  const spec = str(raw.specVersion) ?? '';
  if (!SUPPORTED.has(spec)) throw new MlbomError('INPUT', `${shown}: unsupported CycloneDX specVersion ${JSON.stringify(spec)}`);
  const claims: Claim[] = [];
  const skipped: SkippedEntry[] = [];
  const issues: Issue[] = [];
  let tooDeep = false;
  const visit = (c: Json, depth: number): void => {
    if (depth > MAX_DEPTH) {
      tooDeep = true;
      return;
    }
    readComponent(c, shown, claims, skipped, issues);
    for (const n of list(c.components)) visit(n, depth + 1);
  };
  for (const c of list(raw.components)) visit(c, 0);
  if (tooDeep) issues.push({ path: shown, scanner: STAGE, message: `components nested more than ${MAX_DEPTH} deep were not read` });
  return { specVersion: spec, files: mergeClaims(claims, issues), skipped: sortSkipped(skipped), issues };
}

function parseText(text: string, shown: string): Json {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) {
    try {
      const json = xmlToJson(t, shown);
      assertMatchingTags(t, shown);
      return json;
    } catch (err) {
      if (err instanceof MlbomError) throw err;
      // A stack overflow on absurd nesting is still just a bad BOM.
      throw new MlbomError('INPUT', `${shown} cannot be read as a CycloneDX XML BOM (${(err as Error).message})`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch (err) {
    throw new MlbomError('INPUT', `${shown} is not JSON or XML (${(err as Error).message})`);
  }
  return checkJson(parsed, shown);
}

function checkJson(v: unknown, shown: string): Json {
  const o = asObj(v);
  if (o === undefined || o.bomFormat !== 'CycloneDX') throw new MlbomError('INPUT', `${shown} is not a CycloneDX BOM (no "bomFormat": "CycloneDX")`);
  return o;
}

interface Claim {
  readonly path: string;
  readonly sha256: string;
  readonly component: RecordingComponent;
}

function readComponent(c: Json, shown: string, claims: Claim[], skipped: SkippedEntry[], issues: Issue[]): void {
  const type = str(c.type) ?? '';
  if (!FILE_TYPES.has(type)) return;
  const hashes = list(c.hashes).filter((h) => (str(h.alg) ?? '').toUpperCase() === 'SHA-256');
  if (hashes.length === 0) return;
  const component: RecordingComponent = { bomRef: str(c['bom-ref']), name: str(c.name) ?? '' };
  const locations = [...new Set(list(asObj(c.evidence)?.occurrences).map((o) => str(o.location)).filter((l): l is string => l !== undefined))];
  const named = namingLocations(component, locations);
  // No location names it: a Hub reference, an upstream file, a template inside a weight file. Not a local file.
  if (named.length === 0) return;
  const label = componentLabel(component);
  if (named.length > 1) {
    issues.push({ path: shown, scanner: STAGE, message: `${label}: the hash could belong to any of ${named.length} locations (${named.slice(0, 3).map(shownText).join(', ')}); not checked` });
    for (const location of named) skipped.push({ location, component, reason: 'ambiguous location' });
    return;
  }
  const location = named[0] as string;
  const safe = safeRelativePath(location);
  if (!safe.ok) {
    if (safe.warn) issues.push({ path: shown, scanner: STAGE, message: `${label}: location ${JSON.stringify(location)} ${safe.reason}; not read` });
    skipped.push({ location, component, reason: safe.reason });
    return;
  }
  for (const h of hashes) {
    const hex = (str(h.content) ?? '').trim();
    if (!SHA256.test(hex)) {
      issues.push({ path: shown, scanner: STAGE, message: `${label} records a malformed SHA-256 ${JSON.stringify(hex.slice(0, 80))}; not checked` });
      skipped.push({ location, component, reason: 'malformed SHA-256' });
      continue;
    }
    claims.push({ path: safe.path, sha256: hex.toLowerCase(), component });
  }
}

/** The occurrence locations that name the component's own file (see the module header). */
function namingLocations(component: RecordingComponent, locations: readonly string[]): string[] {
  const ref = component.bomRef;
  if (ref !== undefined && ref.includes(':')) {
    const fromRef = ref.slice(ref.indexOf(':') + 1);
    if (locations.includes(fromRef)) return [fromRef];
  }
  if (component.name === '') return [];
  return locations.filter((l) => lastSegment(l) === component.name);
}

function lastSegment(location: string): string {
  const parts = location.replace(/\\/g, '/').split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? '';
}

export type SafePath = { ok: true; path: string } | { ok: false; reason: string; warn: boolean };

/**
 * A location as a root-relative POSIX path, or why it is not one. Absolute
 * paths and `..` segments are refused outright (even `a/../b`, which stays
 * inside: no tool writes it, and refusing is simpler to reason about than
 * resolving). Backslashes count as separators, as Windows tools write them.
 */
export function safeRelativePath(location: string): SafePath {
  if (location.includes('\0')) return { ok: false, reason: 'contains a NUL byte', warn: true };
  // A URL (two or more letters before the colon) is somewhere else entirely, not a path under DIR.
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(location)) return { ok: false, reason: 'is a URL, not a local path', warn: false };
  const s = location.replace(/\\/g, '/');
  if (s.startsWith('/') || s.startsWith('~') || /^[A-Za-z]:/.test(s)) return { ok: false, reason: 'is an absolute path outside DIR', warn: true };
  const parts = s.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { ok: false, reason: 'leaves DIR (has a ".." segment)', warn: true };
  if (parts.length === 0) return { ok: false, reason: 'names DIR itself, not a file', warn: false };
  return { ok: true, path: parts.join('/') };
}

/** One entry per (path, hash); a path with two different hashes is a contradiction in the BOM, reported once. */
function mergeClaims(claims: readonly Claim[], issues: Issue[]): RecordedFile[] {
  const byKey = new Map<string, { path: string; sha256: string; components: Map<string, RecordingComponent> }>();
  for (const c of claims) {
    const key = `${c.path}\u0000${c.sha256}`;
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = { path: c.path, sha256: c.sha256, components: new Map() };
      byKey.set(key, entry);
    }
    entry.components.set(`${c.component.bomRef ?? ''}\u0000${c.component.name}`, c.component);
  }
  const files = [...byKey.values()]
    .map((e) => ({
      path: e.path,
      sha256: e.sha256,
      components: [...e.components.values()].sort((a, b) => compareCodePoints(a.bomRef ?? '', b.bomRef ?? '') || compareCodePoints(a.name, b.name)),
    }))
    .sort((a, b) => compareCodePoints(a.path, b.path) || compareCodePoints(a.sha256, b.sha256));
  for (let i = 0; i < files.length; ) {
    let j = i + 1;
    while (j < files.length && files[j]?.path === files[i]?.path) j++;
    if (j - i > 1) {
      const group = files.slice(i, j);
      const who = group.map((f) => `${f.components.map(componentLabel).join(', ')}: ${f.sha256.slice(0, 12)}`).join('; ');
      issues.push({ path: files[i]!.path, scanner: STAGE, message: `the BOM records ${j - i} different SHA-256 values for this file (${who}); each is checked` });
    }
    i = j;
  }
  return files;
}

/** How a component is named in messages; quoted when it holds control characters, which a terminal would act on. */
export function componentLabel(c: RecordingComponent): string {
  return shownText(c.bomRef ?? (c.name !== '' ? c.name : '(unnamed component)'));
}

export function shownText(s: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(s) ? JSON.stringify(s) : s;
}

function sortSkipped(list: readonly SkippedEntry[]): SkippedEntry[] {
  return [...list].sort((a, b) => compareCodePoints(a.location, b.location) || compareCodePoints(componentLabel(a.component), componentLabel(b.component)));
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? (v.filter((x) => asObj(x) !== undefined) as Json[]) : [];
}
