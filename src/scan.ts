/**
 * The scan pipeline: discover → parse (scanners) → group → hash → inventory.
 * `bom/` turns the inventory into CycloneDX. The library never writes to
 * the console: issues are returned (and streamed to `onIssue`).
 *
 * Weight files named as such start hashing on the worker pool right after
 * the walk, before the parse stage (`parse.ts`) is even loaded: on a
 * weight-heavy repository the pool is then busy while this thread loads
 * the scanners and parses, instead of both waiting in turn.
 */
import { resolve } from 'node:path';
import { walk, type WalkedFile } from './discover/walk.js';
import { looksLikeWeights } from './discover/weight-names.js';
import { hashFiles, type HashOptions, type HashOutcome, type HashProgress, type HashSession, type ScanProgress } from './hash/engine.js';
import { loadSnapshot, saveSnapshot, type SnapshotScope } from './snapshot/index.js';
import type { Asset, Inventory, Issue } from './types.js';
import { assertDirectory } from './util/directory.js';

export interface ScanOptions {
  /** Glob patterns to leave out, relative to the root (fast-glob `ignore` semantics; see discover/glob.ts). */
  readonly exclude?: readonly string[];
  /** Honour .gitignore files (default true). */
  readonly gitignore?: boolean;
  /** Root component name and version; default from package.json, pyproject.toml or the folder. */
  readonly name?: string;
  readonly version?: string;
  /** Called as each issue is found, e.g. to print warnings as they happen. */
  readonly onIssue?: (issue: Issue) => void;
  /**
   * Cache folder: file digests live in `<dir>/hashes/`, source-scanner
   * results in `<dir>/sources/` (the CLI shares it with the registry cache);
   * false or undefined for none.
   */
  readonly cacheDir?: string | false;
  /** Progress for a status line: files discovered, then bytes hashed of the total and the current file. */
  readonly onProgress?: (p: ScanProgress) => void;
  /**
   * What became of the scan snapshot (snapshot/index.ts), with a cache folder:
   * `hit` (the inventory came from it), `miss`, then `saved` or `unsaved`
   * (something changed during the scan, or was gone by its end).
   */
  readonly onSnapshot?: (event: 'hit' | 'miss' | 'saved' | 'unsaved') => void;
  /** Called once after the walk, before any file is parsed, with the number of files found. */
  readonly onWalked?: (filesDiscovered: number) => void;
}

export type { ScanProgress };

/**
 * Scan a folder and return its inventory.
 * @throws {MlbomError} code INPUT when `dir` is not a readable directory.
 */
export async function scan(dir: string, options: ScanOptions = {}): Promise<Inventory> {
  const absRoot = resolve(dir);
  await assertDirectory(absRoot, 'scan');
  // Taken before anything is read: the snapshot's "changed during the scan" test compares ctimes with it.
  const startedAtMs = Date.now();
  const cacheDir = options.cacheDir === undefined || options.cacheDir === false ? undefined : options.cacheDir;
  const scope: SnapshotScope = { absRoot, exclude: options.exclude, gitignore: options.gitignore, name: options.name, version: options.version };
  const snapshot = cacheDir === undefined ? undefined : await loadSnapshot(cacheDir, scope);
  if (cacheDir !== undefined) options.onSnapshot?.(snapshot === undefined ? 'miss' : 'hit');
  if (snapshot !== undefined) {
    options.onProgress?.({ phase: 'discover', filesDiscovered: snapshot.filesDiscovered });
    for (const i of snapshot.inventory.issues) options.onIssue?.(i);
    return snapshot.inventory;
  }
  const issues: Issue[] = [];
  const report = (list: readonly Issue[]): void => {
    for (const i of list) {
      issues.push(i);
      options.onIssue?.(i);
    }
  };

  const walked = await walk(absRoot, { exclude: options.exclude, gitignore: options.gitignore });
  report(walked.issues);
  const filesDiscovered = walked.files.length;
  options.onWalked?.(filesDiscovered);
  options.onProgress?.({ phase: 'discover', filesDiscovered });

  const hashIssues: Issue[] = [];
  const hashing = new HashRun(options, filesDiscovered, hashIssues);
  let handedOver: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (handedOver = resolve));
  const early = hashing.start(walked.files.filter((f) => looksLikeWeights(f.path)), handedOver);
  // Awaited below; if the parse stage throws first, a rejection here (a throwing onProgress) must not go unhandled meanwhile.
  early.catch(() => undefined);
  // The weights reach the hash workers before the parse stage loads: compiling its modules keeps this
  // thread busy for 50-100 ms, and the stats and cache look-ups before the hand-over waited for it.
  await Promise.race([started, early.then(noop, noop)]);
  const { parseTree, rootInfo } = await import('./parse.js');
  const onProgress = options.onProgress;
  const parsed = await parseTree(walked.files, report, {
    absRoot,
    cacheDir: options.cacheDir,
    onProgress: onProgress === undefined ? undefined : (done, total, path) => {
      hashing.parsing = { filesScanned: done, filesToScan: total, currentPath: path === '' ? undefined : path };
      onProgress({ phase: 'parse', filesDiscovered, ...hashing.parsing, hash: hashing.current() });
    },
  });
  hashing.parsing = undefined;
  await early;
  await hashAssets(parsed.assets, walked.files, parsed.unreadable, hashing);
  report(hashIssues);

  const inventory: Inventory = { root: await rootInfo(absRoot, options), assets: parsed.assets, relationships: parsed.relationships, issues };
  if (cacheDir === undefined) return inventory;
  // The snapshot holds the inventory as JSON; what the caller gets is the same round trip, so a warm scan cannot differ from a cold one.
  const text = JSON.stringify(inventory);
  const saved = await saveSnapshot(cacheDir, scope, walked, text, startedAtMs);
  options.onSnapshot?.(saved === true ? 'saved' : 'unsaved');
  const result = JSON.parse(text) as Inventory;
  if (typeof saved !== 'string') return result;
  // After the JSON was taken: the warning goes into the result by hand.
  const warning: Issue = { path: '.', scanner: 'snapshot', message: saved };
  options.onIssue?.(warning);
  return { ...result, issues: [...result.issues, warning] };
}

/**
 * The scan's hashing: one session over the engine, so the early batch
 * (weights, started right after the walk) and the final one (every file of
 * every asset) never read a file twice, and one progress line adds both up.
 */
class HashRun {
  readonly session: HashSession = new Map();
  private readonly parts: HashProgress[] = [];
  /** Set while the parse stage runs: where it is. */
  parsing: { filesScanned: number; filesToScan: number; currentPath?: string } | undefined;

  constructor(
    private readonly options: ScanOptions,
    private readonly filesDiscovered: number,
    private readonly issues: Issue[],
  ) {}

  /**
   * Hash these files; resolves when done, with what `hashFiles` gives. Never rejects for a file's own errors.
   * @param onStarted called once every file is cached or queued for hashing (HashOptions.onStarted).
   */
  start(files: readonly WalkedFile[], onStarted?: () => void): Promise<HashOutcome[]> {
    const part = this.parts.push({ filesDone: 0, filesTotal: files.length, filesCached: 0, bytesDone: 0, bytesTotal: 0 }) - 1;
    const onProgress = this.options.onProgress;
    const relOf = new Map(files.map((f) => [f.absPath, f.path]));
    const opts: HashOptions = {
      cacheDir: this.options.cacheDir,
      session: this.session,
      onProgress: onProgress === undefined ? undefined : (p) => {
        this.parts[part] = p;
        const currentPath = p.currentPath === undefined ? undefined : relOf.get(p.currentPath) ?? p.currentPath;
        // While the parse stage runs, weights hash alongside: one line shows both.
        if (this.parsing !== undefined) onProgress({ phase: 'parse', filesDiscovered: this.filesDiscovered, ...this.parsing, hash: { ...this.total(), currentPath } });
        else onProgress({ ...this.total(), phase: 'hash', filesDiscovered: this.filesDiscovered, currentPath });
      },
      // The cache is not a scanned file: its warnings name the scan root.
      onWarning: (message) => this.issues.push({ path: '.', scanner: 'hash', message }),
      onStarted,
    };
    return files.length === 0 ? Promise.resolve([]) : hashFiles(files.map((f) => ({ absPath: f.absPath })), opts);
  }

  issue(i: Issue): void {
    this.issues.push(i);
  }

  /** Hashing so far, or undefined before any batch has reported. */
  current(): HashProgress | undefined {
    return this.parts.length === 0 || this.parts.every((p) => p.bytesTotal === 0 && p.filesDone === 0) ? undefined : this.total();
  }

  /** Bytes add up over the batches; the last batch names every file, so its file counts are the total. */
  private total(): HashProgress {
    const last = this.parts[this.parts.length - 1] as HashProgress;
    return {
      filesDone: last.filesDone,
      filesTotal: last.filesTotal,
      filesCached: this.parts.reduce((n, p) => n + p.filesCached, 0),
      bytesDone: this.parts.reduce((n, p) => n + p.bytesDone, 0),
      bytesTotal: this.parts.reduce((n, p) => n + p.bytesTotal, 0),
    };
  }
}

/** Hash every file of every asset in one engine call (the early batch's files are awaited, not re-read). */
async function hashAssets(assets: readonly Asset[], walked: readonly WalkedFile[], skip: ReadonlySet<string>, hashing: HashRun): Promise<void> {
  const wanted = new Set(assets.flatMap((a) => a.files.map((f) => f.path)));
  // Only the asset files: a map of every walked path would be 50k entries on a large tree.
  const byPath = new Map(walked.filter((f) => wanted.has(f.path)).map((f) => [f.path, f]));
  const files = assets.flatMap((a) => a.files).filter((f) => !skip.has(f.path) && byPath.has(f.path));
  const outcomes = await hashing.start(files.map((f) => byPath.get(f.path) as WalkedFile));
  outcomes.forEach((o, i) => {
    const file = files[i];
    if (file === undefined) return;
    if (o.ok) file.sha256 = o.sha256;
    else hashing.issue({ path: file.path, scanner: 'hash', message: `cannot hash: ${o.code === 'EACCES' ? 'permission denied' : o.code === 'ERROR' ? o.message : o.code}` });
  });
}

function noop(): void {}
