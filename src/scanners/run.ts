/**
 * Run the source scanners (code, config, manifests, prompts, cards) over the
 * walked files. Each file is read once, as text, however many scanners
 * claim it, and never past the largest cap among them. With a result cache,
 * a file whose stat key, claimed scanners and exists() answers are as
 * stored is not read at all (see result-cache.ts).
 */
import { closeSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import type { WalkedFile } from '../discover/walk.js';
import type { Asset, Issue, Relationship, SourceScan } from '../types.js';
import { formatBytes } from '../util/binary.js';
import { mapLimit } from '../util/pool.js';
import type { ExistsQuery, SourceResultCache } from './result-cache.js';
import type { SourceScanner } from './types.js';

/** Default cap on text a source scanner reads. */
export const DEFAULT_TEXT_CAP = 4 * 1024 * 1024;

export interface SourceRun {
  readonly assets: Asset[];
  readonly relationships: Relationship[];
  readonly issues: Issue[];
}

export interface SourceRunOptions {
  /** Results of earlier runs to reuse, and to add this run's to (the caller saves it). */
  readonly cache?: SourceResultCache;
  /** Claimed files done (scanned or answered from the cache) of all claimed, after each file read. */
  readonly onProgress?: (done: number, total: number, path: string) => void;
}

export async function runSourceScanners(
  files: readonly WalkedFile[],
  scanners: readonly SourceScanner[],
  exists: (path: string) => boolean,
  options: SourceRunOptions = {},
): Promise<SourceRun> {
  const cache = options.cache;
  // Before every stat below, so "changed within a tick of the stat" is judged on the safe side.
  const statAtMs = Date.now();
  // One Claim per distinct set of scanners (a dozen in a real tree), shared by the files it claims.
  const claims = new Map<string, Claim>();
  const claimOf = (names: string, set?: readonly SourceScanner[]): Claim => {
    let c = claims.get(names);
    if (c === undefined) {
      const wanted = names.split(',');
      claims.set(names, (c = { names, scanners: set ?? scanners.filter((s) => wanted.includes(s.name)) }));
    }
    return c;
  };
  const claimedOf = (path: string): Claim | undefined => {
    // claims() of the eight scanners costs over half as much as the stat (≈ 4 µs a file on 50k files); it is pure, so the cached answer stands.
    const names = cache?.claimed(path);
    if (names !== undefined) return claimOf(names);
    const set = scanners.filter((s) => s.claims(path));
    return set.length === 0 ? undefined : claimOf(set.map((s) => s.name).join(','), set);
  };
  cache?.useScanners(scanners.map((s) => s.name).join(','));
  const results: SourceScan[] = [];
  const pending: Pending[] = [];
  // Hits are answered here, synchronously: a warm run of 50k files makes no promise per file.
  for (const file of files) {
    const claim = claimedOf(file.path);
    if (claim === undefined) continue;
    const i = results.length;
    let st: BigIntStats;
    try {
      // Synchronous on purpose: these are small text files, and the promise
      // round trip through the thread pool cost about 4× the CPU per file
      // (measured on 50k files), which dominated a large tree's scan. BigInt
      // stats give the cache key nanosecond times and cost the same as plain
      // ones within noise (≈ 6 µs a file either way on 50k files).
      st = statSync(file.absPath, { bigint: true });
    } catch (err) {
      // Not cached: a missing or unreadable file says something about this run, not about its content.
      results.push({ assets: [], relationships: [], issues: [{ path: file.path, scanner: claim.scanners[0]?.name ?? 'discover', message: readError(err) }] });
      continue;
    }
    if (!st.isFile()) {
      // The walk lists regular files only; this one was replaced since (a FIFO would block the read for ever).
      results.push({ assets: [], relationships: [], issues: [{ path: file.path, scanner: claim.scanners[0]?.name ?? 'discover', message: 'no longer a regular file; not scanned' }] });
      continue;
    }
    const hit = cache?.lookup(file.path, st, claim.names, exists);
    results.push(hit ?? EMPTY);
    // Only what the scan needs is kept, not the stats object: 200k pending files would hold tens of MB of BigInts.
    if (hit === undefined) pending.push({ i, file, claim, size: Number(st.size), stamp: cache?.stamp(st, statAtMs) });
  }
  let done = results.length - pending.length;
  options.onProgress?.(done, results.length, '');
  await mapLimit(pending, 16, async (p) => {
    const r = await scanOne(p, exists, cache);
    options.onProgress?.(++done, results.length, p.file.path);
    // Most files find nothing: share one empty result rather than keep 48k of them (50k-file tree).
    results[p.i] = r.assets.length + r.relationships.length + r.issues.length === 0 ? EMPTY : r;
  });
  return {
    assets: results.flatMap((r) => r.assets),
    relationships: results.flatMap((r) => r.relationships),
    issues: results.flatMap((r) => r.issues),
  };
}

/** A placeholder until the file is scanned; never returned. */
const EMPTY: SourceScan = { assets: [], relationships: [], issues: [] };

/** The scanners that claim a file, and their names comma-joined (the cache's key for them). */
interface Claim {
  readonly names: string;
  readonly scanners: readonly SourceScanner[];
}

/** A claimed file that was not answered from the cache. */
interface Pending {
  readonly i: number;
  readonly file: WalkedFile;
  readonly claim: Claim;
  readonly size: number;
  /** The cache key to store the result under; undefined when it must not be stored. */
  readonly stamp: string | undefined;
}

async function scanOne(p: Pending, exists: (path: string) => boolean, cache: SourceResultCache | undefined): Promise<SourceScan> {
  if (cache === undefined) return (await scanFile(p.file, p.size, p.claim.scanners, exists)).scan;
  const log = new ExistsLog(exists);
  const r = await scanFile(p.file, p.size, p.claim.scanners, log.ask);
  if (r.cacheable && log.consistent) cache.store(p.file.path, p.stamp, p.claim.names, log.queries(), r.scan);
  return r.scan;
}

/** What the file's content gave; `cacheable` is false when the outcome was about this run (I/O error, scanner crash). */
async function scanFile(
  file: WalkedFile,
  size: number,
  claimed: readonly SourceScanner[],
  exists: (path: string) => boolean,
): Promise<{ scan: SourceScan; cacheable: boolean }> {
  const out: SourceScan = { assets: [], relationships: [], issues: [] };
  const fits = claimed.filter((s) => size <= (s.maxBytes ?? DEFAULT_TEXT_CAP));
  // One warning per file, not per scanner that passed on it: the reader needs to hear it once.
  const skipped = claimed.filter((x) => !fits.includes(x));
  if (skipped.length > 0) {
    const cap = Math.min(...skipped.map((s) => s.maxBytes ?? DEFAULT_TEXT_CAP));
    const names = skipped.map((s) => s.name).join(', ');
    out.issues.push({ path: file.path, scanner: skipped[0]!.name, message: `larger than ${formatBytes(cap)} (${formatBytes(size)}); not scanned${skipped.length > 1 ? ` by ${names}` : ''}` });
  }
  if (fits.length === 0) return { scan: out, cacheable: true };
  let text: string;
  try {
    text = readCapped(file.absPath, Math.max(...fits.map((s) => s.maxBytes ?? DEFAULT_TEXT_CAP)), size);
  } catch (err) {
    out.issues.push({ path: file.path, scanner: fits[0]?.name ?? 'discover', message: readError(err) });
    return { scan: out, cacheable: false };
  }
  // A NUL in a text file means it is not text: a binary saved under a source name.
  if (text.slice(0, 8192).includes('\u0000')) {
    out.issues.push({ path: file.path, scanner: fits[0]?.name ?? 'discover', message: 'binary content in a text file; not scanned' });
    return { scan: out, cacheable: true };
  }
  let cacheable = true;
  for (const s of fits) {
    try {
      const r = await s.scan(text, { path: file.path, exists });
      out.assets.push(...r.assets);
      out.relationships.push(...r.relationships);
      out.issues.push(...r.issues);
    } catch (err) {
      // Scanners do not throw on bad content; a throw is a scanner bug that must not stop the scan.
      out.issues.push({ path: file.path, scanner: s.name, message: `scanner failed: ${(err as Error).message}` });
      // Perhaps a stack or memory limit of this run: scan it again next time.
      cacheable = false;
    }
  }
  return { scan: out, cacheable };
}

/**
 * Records what the scanners asked `exists` about one file: the result holds
 * only while every answer stays the same.
 */
class ExistsLog {
  private readonly answers = new Map<string, boolean>();
  consistent = true;

  constructor(private readonly exists: (path: string) => boolean) {}

  readonly ask = (path: string): boolean => {
    let answer: boolean;
    try {
      answer = this.exists(path);
    } catch (err) {
      this.consistent = false;
      throw err;
    }
    const before = this.answers.get(path);
    if (before !== undefined && before !== answer) this.consistent = false;
    this.answers.set(path, answer);
    return answer;
  };

  queries(): ExistsQuery[] {
    return [...this.answers];
  }
}

/**
 * One read buffer for every source file. `readFileSync` allocated a buffer
 * per file outside the JS heap; over 50k files the allocator's churn showed
 * as tens of MB of peak RSS. Reading at most `cap` bytes also keeps a file
 * that grew after its stat from being read whole.
 */
let shared = Buffer.allocUnsafe(0);

function readCapped(absPath: string, cap: number, statSize: number): string {
  const fd = openSync(absPath, 'r');
  try {
    let n = 0;
    for (;;) {
      if (n === shared.length) {
        if (n >= cap) break;
        const bigger = Buffer.allocUnsafe(Math.min(cap, Math.max(64 * 1024, shared.length * 2)));
        shared.copy(bigger, 0, 0, n);
        shared = bigger;
      }
      const want = Math.min(shared.length, cap) - n;
      const got = readSync(fd, shared, n, want, n);
      if (got === 0) break;
      n += got;
      if (n >= cap) break;
      // A short read of a regular file past the size its stat gave is the end of it: skip the
      // extra read that would return 0 (one syscall per source file, about 5% of a cold scan).
      // Short of that size, read on: the file may have been cut, or the read interrupted.
      if (got < want && n >= statSize) break;
    }
    return shared.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

function readError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'file vanished during the scan';
  return `cannot read (${code ?? (err as Error).message})`;
}
