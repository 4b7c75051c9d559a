/**
 * `verify`: check the files in DIR against the SHA-256 hashes a BOM records.
 *
 * Which BOM entries are local files. Every component of the `components`
 * tree (top level and nested `components`; not `metadata.component`,
 * services or pedigree ancestors) is looked at. It is a recorded file when
 * 1. its type is `file`, `machine-learning-model` or `data` (a library's
 *    hash is of a distribution artifact, not of a file in the tree);
 * 2. it has at least one `SHA-256` hash (other algorithms are not checked);
 * 3. exactly one of its `evidence.occurrences[].location`s names the file:
 *    the part of its bom-ref after the first colon equals the location
 *    (mlbom's `file:<path>`, `model:<path>`, `dataset:<path>`, `prompt:<path>`),
 *    or else the location's last segment equals the component's name.
 * mlbom writes a single-file model, dataset or prompt as one hashed
 * component, and a model folder as a component whose nested `file`
 * components carry the hashes; both match. A location that names nothing
 * (a Hub model used from code, an upstream file, a chat template inside a
 * GGUF, a package in requirements.txt) leaves the component out silently;
 * several locations that could each be the file are a warning.
 *
 * The location must be a relative path inside DIR: an absolute path, one
 * with a `..` segment or a NUL is a warning and is never read; a URL is
 * left out. Two components naming one path with one hash are one entry
 * (listing both); one path with two hashes is a warning, and each hash is
 * checked, so at most one can pass.
 *
 * Statuses: `ok`; `modified` (hash differs); `missing` (not on disk, or a
 * broken link); `unreadable` (permission denied, a directory or fifo, a
 * link out of DIR: nothing outside DIR is read); `unexpected` (a
 * model-format file under DIR, as the scan's classify() sees it, that no
 * recorded file names; the walk honours .gitignore, .mlbomignore, the
 * scan's default excludes and `exclude`, which applies to this search only).
 * The check fails on modified, missing or unreadable files, and with
 * `strict` on unexpected ones too.
 */
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { makeFinding } from '../findings/rules.js';
import { hashFiles, type HashOutcome, type HashProgress } from '../hash/engine.js';
import type { Finding, Issue } from '../types.js';
import { compareCodePoints } from '../util/sort.js';
import { bomFiles, componentLabel, safeRelativePath, type RecordedFile, type RecordingComponent, type SkippedEntry } from './entries.js';
import { errnoReason, findUnexpected, locateAll, type Located } from './disk.js';
import { assertDirectory } from '../util/directory.js';

export { type RecordingComponent, type SkippedEntry } from './entries.js';
export { renderVerify, renderVerifyJson, renderVerifyText, type VerifyFormat } from './render.js';

export type VerifyStatus = 'ok' | 'modified' | 'missing' | 'unreadable' | 'unexpected';

export interface VerifiedFile {
  /** Root-relative POSIX path. */
  readonly path: string;
  readonly status: VerifyStatus;
  /** The SHA-256 the BOM records (lower-case hex); absent for `unexpected`. */
  readonly expected?: string;
  /** The SHA-256 on disk, when the file was hashed. */
  readonly actual?: string;
  /** Bytes hashed, or for `unexpected` the size on disk. */
  readonly size?: number;
  /** The components that record this path and hash; empty for `unexpected`. */
  readonly components: readonly RecordingComponent[];
  /** Why a file is `missing` or `unreadable`, when there is more to say. */
  readonly reason?: string;
  /** For `unexpected`: the format its name and first bytes show (a file scanner's name). */
  readonly format?: string;
}

export interface VerifyCounts {
  /** Recorded (path, hash) entries checked: ok + modified + missing + unreadable. */
  readonly recorded: number;
  readonly ok: number;
  readonly modified: number;
  readonly missing: number;
  readonly unreadable: number;
  readonly unexpected: number;
  /** Hashed components naming a location that was not read (see `skipped`). */
  readonly skipped: number;
}

export interface VerifyResult {
  /** False when a modified, missing or unreadable file (or, with `strict`, an unexpected one) was found. */
  readonly passed: boolean;
  readonly strict: boolean;
  readonly specVersion: string;
  /** Sorted by path, then expected hash. */
  readonly files: VerifiedFile[];
  readonly counts: VerifyCounts;
  /** One per file that is not ok, from the verify-* rules. Sorted by path. */
  readonly findings: Finding[];
  readonly skipped: SkippedEntry[];
  /** Warnings: unusable BOM entries, walk problems. */
  readonly issues: Issue[];
}

export interface VerifyOptions {
  /** Unexpected files also fail the check. */
  readonly strict?: boolean;
  /** Glob patterns (relative to DIR; see discover/glob.ts) left out of the search for unexpected files. */
  readonly exclude?: readonly string[];
  /** Honour .gitignore in the search for unexpected files (default true); .mlbomignore always applies. */
  readonly gitignore?: boolean;
  /** Hash cache folder (the engine keeps its store under it); false or undefined for none. */
  readonly cacheDir?: string | false;
  /** Files hashed at once (the hash engine's default when unset). */
  readonly concurrency?: number;
  /** Name of the BOM in messages (default `BOM`). */
  readonly bomName?: string;
  readonly onIssue?: (issue: Issue) => void;
  /** Hashing progress; `currentPath` is root-relative. */
  readonly onProgress?: (p: HashProgress) => void;
}

/**
 * Verify `dir` against a BOM given as JSON or XML text, or as a parsed JSON object.
 * @throws {MlbomError} code INPUT when the BOM is not a readable CycloneDX BOM or `dir` is not a directory.
 */
export async function verify(bom: string | object, dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const recorded = bomFiles(bom, options.bomName ?? 'BOM');
  const absRoot = resolve(dir);
  await assertDirectory(absRoot, 'verify', dir);
  const rootReal = await realpath(absRoot);
  const issues: Issue[] = [];
  const report = (list: readonly Issue[]): void => {
    for (const i of list) {
      issues.push(i);
      options.onIssue?.(i);
    }
  };
  report(recorded.issues);
  if (recorded.files.length === 0) {
    report([{ path: options.bomName ?? 'BOM', scanner: 'verify', message: 'records no file with a SHA-256 and a local location; nothing to check' }]);
  }

  const paths = [...new Set(recorded.files.map((f) => f.path))];
  const located = await locateAll(absRoot, rootReal, paths);
  const hashIssues: Issue[] = [];
  const hashed = await hashLocated(paths, located, options, hashIssues);
  report(hashIssues);
  const files: VerifiedFile[] = recorded.files.map((f) => checkOne(f, located.get(f.path) as Located, hashed.get(f.path)));

  const listed = new Set<string>(paths);
  for (const s of recorded.skipped) {
    const norm = safeRelativePath(s.location);
    if (norm.ok) listed.add(norm.path);
  }
  const walkIssues: Issue[] = [];
  const unexpected = await findUnexpected(absRoot, listed, { exclude: options.exclude, gitignore: options.gitignore }, walkIssues);
  report(walkIssues);
  for (const u of unexpected) files.push({ path: u.path, status: 'unexpected', size: u.size, components: [], format: u.format });
  files.sort((a, b) => compareCodePoints(a.path, b.path) || compareCodePoints(a.expected ?? '', b.expected ?? ''));

  const counts = countStatuses(files, recorded.skipped.length);
  const strict = options.strict === true;
  const failed = counts.modified + counts.missing + counts.unreadable + (strict ? counts.unexpected : 0);
  return {
    passed: failed === 0,
    strict,
    specVersion: recorded.specVersion,
    files,
    counts,
    findings: files.map(findingFor).filter((f): f is Finding => f !== undefined),
    skipped: recorded.skipped,
    issues,
  };
}

/** One hashFiles call for every file found, so the engine can schedule (and cache) them as it likes. */
async function hashLocated(paths: readonly string[], located: ReadonlyMap<string, Located>, options: VerifyOptions, issues: Issue[]): Promise<Map<string, HashOutcome>> {
  const todo: { path: string; absPath: string }[] = [];
  for (const path of paths) {
    const where = located.get(path);
    if (where?.kind === 'file') todo.push({ path, absPath: where.absPath });
  }
  const relOf = new Map(todo.map((t) => [t.absPath, t.path]));
  const onProgress = options.onProgress;
  const outcomes = await hashFiles(
    todo.map((t) => ({ absPath: t.absPath })),
    {
      cacheDir: options.cacheDir,
      concurrency: options.concurrency,
      onProgress: onProgress === undefined ? undefined : (p) => onProgress({ ...p, currentPath: p.currentPath === undefined ? undefined : (relOf.get(p.currentPath) ?? p.currentPath) }),
      // The cache is not a verified file: its warnings name DIR.
      onWarning: (message) => issues.push({ path: '.', scanner: 'hash', message }),
    },
  );
  return new Map(todo.map((t, i) => [t.path, outcomes[i] as HashOutcome]));
}

function checkOne(f: RecordedFile, where: Located, outcome: HashOutcome | undefined): VerifiedFile {
  const base = { path: f.path, expected: f.sha256, components: f.components };
  if (where.kind === 'missing') return { ...base, status: 'missing', ...(where.reason === undefined ? {} : { reason: where.reason }) };
  if (where.kind === 'unreadable') return { ...base, status: 'unreadable', reason: where.reason };
  if (outcome === undefined) return { ...base, status: 'unreadable', reason: 'not hashed' };
  if (!outcome.ok) {
    // Gone between finding it and hashing it.
    if (outcome.code === 'ENOENT') return { ...base, status: 'missing' };
    return { ...base, status: 'unreadable', reason: errnoReason(outcome.code, outcome.message) };
  }
  return { ...base, status: outcome.sha256 === f.sha256 ? 'ok' : 'modified', actual: outcome.sha256, size: outcome.size };
}

function countStatuses(files: readonly VerifiedFile[], skipped: number): VerifyCounts {
  const n = (s: VerifyStatus): number => files.filter((f) => f.status === s).length;
  const counts = { ok: n('ok'), modified: n('modified'), missing: n('missing'), unreadable: n('unreadable'), unexpected: n('unexpected') };
  return { recorded: counts.ok + counts.modified + counts.missing + counts.unreadable, ...counts, skipped };
}

function findingFor(f: VerifiedFile): Finding | undefined {
  const assetId = f.components[0]?.bomRef ?? `file:${f.path}`;
  const evidence = [{ path: f.path }];
  const why = f.reason === undefined ? '' : ` (${f.reason})`;
  switch (f.status) {
    case 'ok':
      return undefined;
    case 'modified':
      return makeFinding({
        rule: 'verify-modified',
        assetId,
        evidence,
        message: `${f.path} has SHA-256 ${f.actual ?? '?'}, but ${componentLabel(f.components[0] ?? { name: '' })} records ${f.expected ?? '?'}`,
        details: [`expected sha256:${f.expected ?? ''}`, `actual sha256:${f.actual ?? ''}`],
      });
    case 'missing':
      return makeFinding({ rule: 'verify-missing', assetId, evidence, message: `${f.path} is recorded in the BOM but is not on disk${why}` });
    case 'unreadable':
      return makeFinding({ rule: 'verify-unreadable', assetId, evidence, message: `${f.path} is recorded in the BOM but cannot be read${why}, so its SHA-256 was not checked` });
    case 'unexpected':
      return makeFinding({ rule: 'verify-unexpected', assetId, evidence, message: `${f.path} is a ${f.format ?? 'model'} file the BOM does not list` });
  }
}
