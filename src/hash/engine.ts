/**
 * The hashing engine shared by `scan` and `verify`: hashes many files at
 * once, each file at most once per run, and reuses digests from the hash
 * cache for files that have not changed.
 *
 * Where the work runs: `createHash().update` is synchronous, so files hashed
 * "concurrently" on one thread share one core. Files of `mainThreadMaxBytes`
 * or more go to a worker pool (one thread per core); smaller ones are hashed
 * on the calling thread, where a round trip to a worker and, for a scan of
 * small files only, starting the pool at all would cost more than the hash.
 * The measurements behind these choices are in README.md beside this file.
 */
import type { BigIntStats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { changedWithinTick } from '../util/cache-file.js';
import { mapLimit } from '../util/pool.js';
import { HashCache, type HashCacheStats } from './cache.js';
import { DEFAULT_CHUNK, digestFile, statKey, type DigestResult } from './digest.js';
import { sharedPool, type HashWorkerPool } from './pool.js';

export interface HashJob {
  readonly absPath: string;
}

export type HashOutcome =
  | { readonly ok: true; readonly sha256: string; readonly size: number; readonly cached: boolean }
  /** `code` is the errno code (ENOENT, EACCES, EISDIR…) or `ERROR`. */
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface HashProgress {
  /** Jobs finished (hashed, answered from the cache, or failed). */
  readonly filesDone: number;
  readonly filesTotal: number;
  /** Jobs answered from the hash cache (included in `filesDone`). */
  readonly filesCached: number;
  /** Bytes hashed so far, of `bytesTotal`: what must actually be read (cache hits and duplicates excluded). */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly currentPath?: string;
}

/** What `scan` reports as it goes: the walk's file count, then hashing. */
export type ScanProgress =
  | { readonly phase: 'discover'; readonly filesDiscovered: number }
  /** Source files read and scanned (or answered from the cache) of those some scanner claims; `hash` while weights hash alongside. */
  | { readonly phase: 'parse'; readonly filesDiscovered: number; readonly filesScanned: number; readonly filesToScan: number; readonly currentPath?: string; readonly hash?: HashProgress }
  | ({ readonly phase: 'hash'; readonly filesDiscovered: number } & HashProgress);

export interface HashStats {
  /** Jobs given. */
  readonly jobs: number;
  /** Distinct files among them (by real path and by device + inode). */
  readonly unique: number;
  /** Files actually read and hashed, on workers or on the calling thread. */
  readonly hashed: number;
  readonly onWorkers: number;
  readonly onMainThread: number;
  /** Files answered from the cache. */
  readonly cached: number;
  /** Jobs that ended in an error outcome. */
  readonly failed: number;
  readonly bytesHashed: number;
  readonly cache?: HashCacheStats;
}

export interface HashOptions {
  /** Files hashed at once; default: the core count. */
  readonly concurrency?: number;
  /** Hash cache folder (the `hashes/` store lives under it); false or undefined for none. */
  readonly cacheDir?: string | false;
  readonly onProgress?: (p: HashProgress) => void;
  /** Problems with the cache (corrupt or unwritable); hashing goes on without it. */
  readonly onWarning?: (message: string) => void;
  /** Called once at the end with what was done, e.g. for `--debug` or tests. */
  readonly onStats?: (stats: HashStats) => void;
  /**
   * Called once every file has been answered from the cache or handed to
   * a worker or to this thread's queue, before any of it is hashed; not
   * called when hashFiles fails before that.
   */
  readonly onStarted?: () => void;
  /** Bytes per read; default 1 MiB. */
  readonly chunkSize?: number;
  /**
   * Files smaller than this are hashed on the calling thread; 0 sends every
   * file to the workers. Default: 1 MiB, or 512 KiB when the smaller files
   * add up to more than 64 MiB.
   */
  readonly mainThreadMaxBytes?: number;
  /** The worker pool to use; default one shared per process. */
  readonly pool?: HashWorkerPool;
  /**
   * Shared by several calls in one run (scan hashes weight files as soon as
   * the walk finds them, and everything else later): a file one call has
   * taken on is awaited by the others, never read twice.
   */
  readonly session?: HashSession;
}

/** Outcomes of files taken on by earlier calls, keyed by device + inode. */
export type HashSession = Map<string, Promise<HashOutcome>>;

const MAIN_THREAD_MAX = 1024 * 1024;
/** Bytes of small files beyond which spreading them over the workers pays for starting the pool. */
const SMALL_TOTAL_MAX = 64 * 1024 * 1024;
const MEDIUM_MIN = 512 * 1024;
/** Files being stat'ed at once: cheap syscalls, bounded so a huge job list does not exhaust descriptors. */
const STAT_CONCURRENCY = 32;
/** Small files on the calling thread at once: enough to overlap their I/O. */
const SMALL_CONCURRENCY = 4;

/** One distinct file and the jobs that named it. */
interface Unit {
  /** Device + inode. */
  readonly id: string;
  readonly realPath: string;
  readonly displayPath: string;
  readonly key: string;
  readonly size: number;
  readonly cacheable: boolean;
  readonly indexes: number[];
}

type Resolved = { readonly ok: true; readonly realPath: string; readonly st: BigIntStats; readonly at: number } | (HashOutcome & { readonly ok: false });

/**
 * Hash every job; outcomes keep the input order. Never throws for a file's own errors.
 * @throws what `onProgress` threw, once every file is done (never from inside a worker event).
 */
export async function hashFiles(jobs: readonly HashJob[], options: HashOptions = {}): Promise<HashOutcome[]> {
  const outcomes = new Array<HashOutcome>(jobs.length);
  const resolved = await mapLimit(jobs, STAT_CONCURRENCY, (job) => resolveJob(job.absPath));
  const allUnits = groupUnits(jobs, resolved, outcomes);
  const run = new Run(jobs.length, outcomes, options);
  run.progress.filesDone = jobs.length - allUnits.reduce((n, u) => n + u.indexes.length, 0);
  // Files another call of this session has taken on: wait for its outcome.
  const session = options.session;
  const elsewhere = allUnits.filter((u) => session?.has(u.id) === true);
  const units = session === undefined ? allUnits : allUnits.filter((u) => !session.has(u.id));
  const awaited = elsewhere.map(async (u) => {
    run.settle(u, await (session?.get(u.id) as Promise<HashOutcome>));
    run.emit();
  });
  if (session !== undefined) for (const u of units) session.set(u.id, new Promise((resolve) => run.onSettle.set(u, resolve)));

  let cache: HashCache | undefined;
  const toHash: Unit[] = [];
  try {
    cache = options.cacheDir === undefined || options.cacheDir === false ? undefined : new HashCache(options.cacheDir, { onWarning: options.onWarning });
    await cache?.load(units.map((u) => u.realPath));
    for (const u of units) {
      const hit = cache?.lookup(u.realPath, u.key);
      if (hit === undefined) {
        toHash.push(u);
        run.progress.bytesTotal += u.size;
        continue;
      }
      run.settle(u, { ok: true, sha256: hit, size: u.size, cached: true });
      run.progress.filesCached += u.indexes.length;
    }
    run.emit();

    const cut = workerCut(toHash, options.mainThreadMaxBytes);
    const limit = Math.max(1, Math.floor(options.concurrency ?? availableParallelism()));
    // Largest first: the long files start early, so no core idles at the end on one big straggler.
    const big = toHash.filter((u) => u.size >= cut).sort((a, b) => b.size - a.size);
    const small = toHash.filter((u) => u.size < cut);
    const store = (u: Unit, sha256: string): void => cache?.store(u.realPath, u.key, sha256);
    const all = Promise.all([mapLimit(big, limit, (u) => run.hash(u, true, store)), mapLimit(small, SMALL_CONCURRENCY, (u) => run.hash(u, false, store)), ...awaited]);
    // mapLimit has posted the first `limit` big files to the pool by now (pool.hash posts synchronously).
    options.onStarted?.();
    await all;
    await cache?.save();
  } finally {
    // Whatever happened, no other call of the session may wait forever (a settled promise ignores this).
    for (const resolve of run.onSettle.values()) resolve({ ok: false, code: 'ERROR', message: 'not hashed' });
  }
  if (run.callbackError !== undefined) throw run.callbackError.error;

  options.onStats?.({
    jobs: jobs.length,
    unique: allUnits.length,
    hashed: run.counts.onWorkers + run.counts.onMainThread,
    ...run.counts,
    failed: outcomes.filter((o) => !o.ok).length,
    cached: units.length - toHash.length,
    cache: cache === undefined ? undefined : { ...cache.stats },
  });
  return outcomes;
}

/** One hashFiles call's shared state: outcomes, progress and counts. */
class Run {
  readonly progress: { filesDone: number; filesTotal: number; filesCached: number; bytesDone: number; bytesTotal: number };
  readonly counts = { onWorkers: 0, onMainThread: 0, bytesHashed: 0 };
  private readonly chunkSize: number;

  constructor(
    jobCount: number,
    private readonly outcomes: HashOutcome[],
    private readonly options: HashOptions,
  ) {
    this.progress = { filesDone: 0, filesTotal: jobCount, filesCached: 0, bytesDone: 0, bytesTotal: 0 };
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  }

  /** The first error thrown by the caller's onProgress, rethrown once the work has stopped. */
  callbackError: { error: unknown } | undefined;

  emit(currentPath?: string): void {
    // Progress can arrive inside a worker's message event, where a throw would crash the process.
    try {
      this.options.onProgress?.({ ...this.progress, currentPath });
    } catch (error) {
      this.callbackError ??= { error };
    }
  }

  /** Resolvers of this run's units that a session shares with other calls. */
  readonly onSettle = new Map<Unit, (o: HashOutcome) => void>();

  settle(u: Unit, o: HashOutcome): void {
    this.onSettle.get(u)?.(o);
    for (const i of u.indexes) this.outcomes[i] = o;
    this.progress.filesDone += u.indexes.length;
  }

  async hash(u: Unit, onWorker: boolean, store: (u: Unit, sha256: string) => void): Promise<void> {
    // Counted up to the stat'ed size, so bytesDone never passes bytesTotal when a file grows meanwhile.
    let reported = 0;
    const onBytes = (n: number): void => {
      const before = Math.min(reported, u.size);
      reported += n;
      this.progress.bytesDone += Math.min(reported, u.size) - before;
      this.emit(u.displayPath);
    };
    const r = onWorker ? await hashOnWorker(u, this.options.pool ?? sharedPool(), this.chunkSize, onBytes) : await hashHere(u, this.chunkSize, onBytes);
    // Workers report in coarse steps, and a failed file is done too: count what is left of it.
    this.progress.bytesDone += u.size - Math.min(reported, u.size);
    if (r.where === 'worker') this.counts.onWorkers++;
    else this.counts.onMainThread++;
    if (r.ok) {
      this.counts.bytesHashed += r.size;
      if (r.stable && u.cacheable) store(u, r.sha256);
      this.settle(u, { ok: true, sha256: r.sha256, size: r.size, cached: false });
    } else {
      this.settle(u, { ok: false, code: r.code, message: r.message });
    }
    this.emit(u.displayPath);
  }
}

/**
 * The size from which a file goes to a worker. A worker's round trip costs
 * about what hashing a few KiB does, but starting the pool costs tens of ms
 * or more, so files under 1 MiB stay on this thread and a scan of small files
 * never starts it. When those small files add up to a lot (an image
 * dataset), one core is the bottleneck: then files from 512 KiB, where the
 * workers already win, go to the pool too.
 */
function workerCut(units: readonly Unit[], explicit: number | undefined): number {
  if (explicit !== undefined) return explicit;
  const smallBytes = units.reduce((n, u) => (u.size < MAIN_THREAD_MAX ? n + u.size : n), 0);
  return smallBytes > SMALL_TOTAL_MAX ? MEDIUM_MIN : MAIN_THREAD_MAX;
}

async function resolveJob(absPath: string): Promise<Resolved> {
  try {
    // Taken before the stat: the racy-entry check below compares file times with it.
    const at = Date.now();
    const realPath = await realpath(absPath);
    const st = await stat(realPath, { bigint: true });
    if (st.isDirectory()) return { ok: false, code: 'EISDIR', message: 'is a directory' };
    // A FIFO or device could block or never end: only regular files are hashed.
    if (!st.isFile()) return { ok: false, code: 'EINVAL', message: 'not a regular file' };
    return { ok: true, realPath, st, at };
  } catch (err) {
    return errorOutcome(err);
  }
}

/** Jobs naming the same file (by real path, or by device + inode for hard links) become one unit. */
function groupUnits(jobs: readonly HashJob[], resolved: readonly Resolved[], outcomes: HashOutcome[]): Unit[] {
  const byId = new Map<string, Unit>();
  const units: Unit[] = [];
  resolved.forEach((r, i) => {
    if (!r.ok) {
      outcomes[i] = r;
      return;
    }
    const id = `${r.st.dev}:${r.st.ino}`;
    const same = byId.get(id) ?? byId.get(r.realPath);
    if (same !== undefined) {
      same.indexes.push(i);
      return;
    }
    const unit: Unit = {
      id,
      realPath: r.realPath,
      displayPath: jobs[i]?.absPath ?? r.realPath,
      key: statKey(r.st),
      size: Number(r.st.size),
      cacheable: !changedWithinTick(r.st, r.at),
      indexes: [i],
    };
    byId.set(id, unit);
    byId.set(r.realPath, unit);
    units.push(unit);
  });
  return units;
}

type UnitResult = (DigestResult & { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string }) & { readonly where: 'worker' | 'main' };

async function hashOnWorker(u: Unit, pool: HashWorkerPool, chunkSize: number, onBytes: (n: number) => void): Promise<UnitResult> {
  const r = await pool.hash(u.realPath, { chunkSize, expectKey: u.key, onBytes });
  // Workers cannot run here (e.g. uncompiled sources): hash on this thread instead.
  if (r.ok === 'unavailable') return hashHere(u, chunkSize, onBytes);
  return { ...r, where: 'worker' };
}

async function hashHere(u: Unit, chunkSize: number, onBytes: (n: number) => void): Promise<UnitResult> {
  try {
    return { ok: true, ...(await digestFile(u.realPath, { chunkSize, expectKey: u.key, onBytes })), where: 'main' };
  } catch (err) {
    return { ...errorOutcome(err), where: 'main' };
  }
}

function errorOutcome(err: unknown): HashOutcome & { ok: false } {
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? 'ERROR';
  const message = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : e.message;
  return { ok: false, code, message };
}
