/**
 * The read-and-hash loops: one for threads that must not block (the main
 * thread), one for the hashing workers.
 *
 * - `digestFile` (main thread): reads are double-buffered, the next chunk is
 *   read on libuv's thread pool while the current one is hashed.
 * - `digestFileSync` (workers): a worker has nothing else to do, so it reads
 *   and hashes in turn on its own thread. The bytes are hashed on the core
 *   that copied them, from a buffer that fits in its cache, with no thread
 *   pool hand-off: on 2 cores this hashed 8 × 256 MiB in 0.88–0.95 s and
 *   1.85–1.9 CPU-s, against 1.08–1.1 s and 2.2–2.3 CPU-s double-buffered
 *   (README.md beside this file).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { open } from 'node:fs/promises';
import { statKey } from '../util/cache-file.js';

/** Default read size, chosen by measurement (README.md beside this file). */
export const DEFAULT_CHUNK = 1024 * 1024;

// O_NONBLOCK: should a FIFO appear here after the caller's stat, opening it must not wait forever for a writer.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

export interface DigestOptions {
  /** Bytes per read (and per hash update). */
  readonly chunkSize?: number;
  /**
   * The file's stat key (see `statKey`) as seen before hashing. The result is
   * `stable` only when the open file still has that key before and after the
   * read, i.e. the digest belongs to exactly that version of the file.
   */
  readonly expectKey?: string;
  /** Called after each chunk with the number of bytes just hashed. */
  readonly onBytes?: (bytes: number) => void;
  /**
   * Read buffers to reuse, the first two (`digestFile`) or the first
   * (`digestFileSync`); one too small is not used. A worker hashes one file
   * at a time: fresh buffers per file leave garbage for the collector faster
   * than it returns memory, and RSS climbs with every file.
   */
  readonly buffers?: readonly Buffer[];
}

export interface DigestResult {
  readonly sha256: string;
  /** Bytes hashed (the size as read, not as stat said). */
  readonly size: number;
  /** The file did not change while it was read; only then may the digest be cached. */
  readonly stable: boolean;
}

/** An errno-style error, so callers can report `code` the same way as for fs errors. */
export function fileError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

export { statKey };

/**
 * SHA-256 of one file in bounded memory.
 * @throws the fs error (ENOENT, EACCES…), or EISDIR / EINVAL for a folder or a non-regular file.
 */
export async function digestFile(absPath: string, options: DigestOptions = {}): Promise<DigestResult> {
  const handle = await open(absPath, OPEN_FLAGS);
  try {
    const before = await handle.stat({ bigint: true });
    const bufSize = readSize(before, options);
    const bufs = [reuse(options.buffers?.[0], bufSize), reuse(options.buffers?.[1], bufSize)] as const;
    const hash = createHash('sha256');
    let position = 0;
    let which: 0 | 1 = 0;
    let pending = handle.read(bufs[0], 0, bufSize, 0);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      position += bytesRead;
      which = which === 0 ? 1 : 0;
      pending = handle.read(bufs[which], 0, bufSize, position);
      // Swallow a rejection here only to avoid an unhandled one if update throws; the await above re-raises it.
      pending.catch(() => undefined);
      update(hash, buffer, bytesRead);
      options.onBytes?.(bytesRead);
    }
    return result(hash, before, await handle.stat({ bigint: true }), position, options);
  } finally {
    await handle.close();
  }
}

/**
 * `digestFile` for a worker thread: blocking reads into one buffer, so only
 * a thread with nothing else to do may call it.
 * @throws as `digestFile`.
 */
export function digestFileSync(absPath: string, options: DigestOptions = {}): DigestResult {
  const fd = openSync(absPath, OPEN_FLAGS);
  try {
    const before = fstatSync(fd, { bigint: true });
    const buf = reuse(options.buffers?.[0], readSize(before, options));
    const hash = createHash('sha256');
    let position = 0;
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      update(hash, buf, bytesRead);
      options.onBytes?.(bytesRead);
    }
    return result(hash, before, fstatSync(fd, { bigint: true }), position, options);
  } finally {
    closeSync(fd);
  }
}

/** The read size for this file, after checking it is a regular file. */
function readSize(before: BigIntStats, options: DigestOptions): number {
  if (before.isDirectory()) throw fileError('EISDIR', 'is a directory');
  if (!before.isFile()) throw fileError('EINVAL', 'not a regular file');
  const chunk = Math.max(4096, Math.floor(options.chunkSize ?? DEFAULT_CHUNK));
  // A small file needs no more than one read of its size (+1 to see the end at once).
  return Math.min(chunk, Math.max(64 * 1024, Number(before.size) + 1));
}

function reuse(given: Buffer | undefined, size: number): Buffer {
  return given !== undefined && given.length >= size ? given.subarray(0, size) : Buffer.allocUnsafe(size);
}

function update(hash: Hash, buffer: Buffer, bytesRead: number): void {
  hash.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
}

function result(hash: Hash, before: BigIntStats, after: BigIntStats, position: number, options: DigestOptions): DigestResult {
  const key = statKey(before);
  const stable = key === statKey(after) && BigInt(position) === before.size && (options.expectKey === undefined || options.expectKey === key);
  return { sha256: hash.digest('hex'), size: position, stable };
}
