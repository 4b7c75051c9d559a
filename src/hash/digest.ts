/**
 * The one read-and-hash loop, shared by the worker threads and the main
 * thread. Reads are double-buffered: the next chunk is read (on libuv's
 * thread pool) while the current one is hashed, so I/O and SHA-256 overlap
 * instead of taking turns as in `openssl dgst`. Memory is two chunks per file.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { statKey } from '../util/cache-file.js';

/** Default read size, chosen by measurement (README.md beside this file). */
export const DEFAULT_CHUNK = 8 * 1024 * 1024;

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
   * Two read buffers to reuse (a worker hashes one file at a time): fresh
   * ones per file leave garbage for the collector faster than it returns
   * memory, and RSS climbs with every file.
   */
  readonly buffers?: readonly [Buffer, Buffer];
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
  const chunk = Math.max(4096, Math.floor(options.chunkSize ?? DEFAULT_CHUNK));
  // O_NONBLOCK: should a FIFO appear here after the caller's stat, opening it must not wait forever for a writer.
  const handle = await open(absPath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const before = await handle.stat({ bigint: true });
    if (before.isDirectory()) throw fileError('EISDIR', 'is a directory');
    if (!before.isFile()) throw fileError('EINVAL', 'not a regular file');
    // A small file needs no more than one read of its size (+1 to see the end at once).
    const bufSize = Math.min(chunk, Math.max(64 * 1024, Number(before.size) + 1));
    const given = options.buffers;
    const bufs: readonly Buffer[] =
      given !== undefined && given[0].length >= bufSize && given[1].length >= bufSize
        ? [given[0].subarray(0, bufSize), given[1].subarray(0, bufSize)]
        : [Buffer.allocUnsafe(bufSize), Buffer.allocUnsafe(bufSize)];
    const hash = createHash('sha256');
    let position = 0;
    let which = 0;
    let pending = handle.read(bufs[0] as Buffer, 0, bufSize, 0);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      position += bytesRead;
      which ^= 1;
      pending = handle.read(bufs[which] as Buffer, 0, bufSize, position);
      // Swallow a rejection here only to avoid an unhandled one if update throws; the await above re-raises it.
      pending.catch(() => undefined);
      hash.update(bytesRead === bufSize ? buffer : buffer.subarray(0, bytesRead));
      options.onBytes?.(bytesRead);
    }
    const after = await handle.stat({ bigint: true });
    const key = statKey(before);
    const stable = key === statKey(after) && BigInt(position) === before.size && (options.expectKey === undefined || options.expectKey === key);
    return { sha256: hash.digest('hex'), size: position, stable };
  } finally {
    await handle.close();
  }
}
