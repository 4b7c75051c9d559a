/**
 * What mlbom's on-disk caches share: the stat key that says a file is the
 * same version we saw before, the "racily clean" rule that says when that
 * key cannot be trusted yet, and whole-file writes that readers never see
 * half done.
 */
import { createHash, randomBytes } from 'node:crypto';
import { statSync, type BigIntStats, type Stats } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Temp files older than this were left by a killed writer. */
export const STALE_TMP_MS = 10 * 60 * 1000;

/**
 * `dev:ino:size:mtimeNs:ctimeNs`. ctime cannot be set from user space, so
 * an edit that restores mtime (utimes, `touch -r`) still changes the key; a
 * file replaced by rename has another inode. Callers pair it with the path:
 * inode numbers are reused after a delete.
 */
export function statKey(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

export const STAT_KEY_RE = /^\d+:\d+:\d+:\d+:\d+$/;

/**
 * The SHA-256 of each run of `chunk` keys of these paths, in order, each key
 * (`entryKey`) followed by a newline: how a scan snapshot checks many files
 * at once, on several threads.
 */
export function keyDigests(absPaths: readonly string[], chunk: number): string[] {
  return chunkDigests(absPaths.length, chunk, (i) => entryKey(absPaths[i] as string));
}

/** The SHA-256 of each run of `chunk` keys `keyAt(0 … count-1)`, each followed by a newline. */
export function chunkDigests(count: number, chunk: number, keyAt: (i: number) => string): string[] {
  const out: string[] = [];
  for (let from = 0; from < count; from += chunk) {
    const h = createHash('sha256');
    const to = Math.min(count, from + chunk);
    for (let i = from; i < to; i++) h.update(`${keyAt(i)}\n`);
    out.push(h.digest('hex'));
  }
  return out;
}

/**
 * A scan snapshot's key for a path (following symlinks): `statKey` with
 * times in milliseconds, or `E:<code>` when stat fails. Milliseconds are
 * enough there: a snapshot only records entries whose ctime is older than
 * the scan by more than a tick, so any later change moves the ctime by more
 * than that. And they are cheaper: stats without BigInts leave a third of
 * the garbage, which matters at 69k stats in a row.
 */
export function entryKey(absPath: string): string {
  try {
    const st = statSync(absPath, { throwIfNoEntry: false });
    return st === undefined ? 'E:ENOENT' : entryKeyOf(st);
  } catch (err) {
    return `E:${(err as NodeJS.ErrnoException).code ?? 'ERROR'}`;
  }
}

export function entryKeyOf(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

/**
 * A file whose ctime is within one timestamp tick of our stat may be
 * written again within that same tick, keeping every field of its key: what
 * we learned from it must not be cached (git's "racily clean" index
 * entries). Whole-second ctimes mean a coarse filesystem (ext3, FAT, some
 * network mounts); sub-second ones tick at most every 10 ms on Linux.
 * `statAtMs` must be taken before the stat (an earlier time is safe too).
 */
export function changedWithinTick(st: BigIntStats | Stats, statAtMs: number): boolean {
  if (typeof st.ctimeMs === 'number') return statAtMs - st.ctimeMs < (st.ctimeMs % 1000 === 0 ? 3000 : 100);
  const ns = (st as BigIntStats).ctimeNs;
  const windowMs = ns % 1_000_000_000n === 0n ? 3000 : 100;
  return statAtMs - Number(ns / 1_000_000n) < windowMs;
}

/**
 * Write `text` (a string, or chunks of it) to a temp file beside `file`, then rename it over: a
 * concurrent reader sees the old file or the new one, never half of one.
 * @throws the fs error; the temp file is removed first.
 */
export async function writeFileAtomic(file: string, text: string | Iterable<string>, mode = 0o600): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    if (typeof text === 'string') {
      await writeFile(tmp, text, { mode });
    } else {
      // Chunk by chunk: a large cache never exists as one string plus its encoded copy.
      const handle = await open(tmp, 'w', mode);
      try {
        for (const chunk of text) await handle.write(chunk);
      } finally {
        await handle.close();
      }
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * Make a cache folder ready for writing: create it (owner-only) and sweep
 * temp files killed writers left. Never throws: the error code when it
 * cannot be created, else undefined.
 */
export async function prepareCacheDir(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    return errCode(err);
  }
  await sweepStaleTemp(dir);
  return undefined;
}

/** Remove `*.tmp` files in `dir` left by writers killed between write and rename. Never throws. */
export async function sweepStaleTemp(dir: string, maxAgeMs = STALE_TMP_MS): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const old = Date.now() - maxAgeMs;
  await Promise.all(
    names
      .filter((n) => n.endsWith('.tmp'))
      .map(async (n) => {
        const f = join(dir, n);
        try {
          if ((await stat(f)).mtimeMs < old) await unlink(f);
        } catch {
          // Another run removed or renamed it first.
        }
      }),
  );
}

export function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
