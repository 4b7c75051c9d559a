/**
 * Random-access reads of a file's bytes with explicit bounds. Parsers take a
 * `ByteSource` instead of a path so tests can hand them buffers, and so no
 * parser can read a whole weight file by accident.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Read up to `length` bytes at `offset`. Returns fewer bytes at end of
   * file, and an empty array past it. Rejects only on I/O errors.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** The largest single read any parser may ask for (64 MiB). */
export const MAX_READ = 64 * 1024 * 1024;

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => {
      if (offset >= bytes.length || length <= 0) return new Uint8Array(0);
      return bytes.subarray(offset, Math.min(bytes.length, offset + length));
    },
  };
}

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

/** Open a file for bounded reads. The caller must `close()` it. */
export async function openFileSource(absPath: string): Promise<FileSource> {
  const handle: FileHandle = await open(absPath, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      read: async (offset, length) => {
        if (offset >= size || length <= 0) return new Uint8Array(0);
        const n = Math.min(length, size - offset, MAX_READ);
        const buf = Buffer.allocUnsafe(n);
        let got = 0;
        while (got < n) {
          const { bytesRead } = await handle.read(buf, got, n - got, offset + got);
          if (bytesRead === 0) break; // the file shrank under us
          got += bytesRead;
        }
        return buf.subarray(0, got);
      },
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * Read up to `length` bytes at `offset`, in reads no larger than MAX_READ
 * (a file source returns at most that much per call). Returns fewer bytes
 * only when the source ends first.
 */
export async function readUpTo(src: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  const first = await src.read(offset, Math.min(length, MAX_READ));
  if (first.length >= length || first.length === 0) return first;
  const parts = [first];
  let got = first.length;
  while (got < length) {
    const chunk = await src.read(offset + got, Math.min(length - got, MAX_READ));
    if (chunk.length === 0) break;
    parts.push(chunk);
    got += chunk.length;
  }
  const out = new Uint8Array(got);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Read exactly `length` bytes at `offset`, in reads no larger than MAX_READ,
 * or return undefined when the source ends first.
 */
export async function readExactly(src: ByteSource, offset: number, length: number): Promise<Uint8Array | undefined> {
  if (offset + length > src.size) return undefined;
  const bytes = await readUpTo(src, offset, length);
  return bytes.length === length ? bytes : undefined;
}

/** Run `fn` with a file source and always close it. */
export async function withFileSource<T>(absPath: string, fn: (src: ByteSource) => Promise<T>): Promise<T> {
  const src = await openFileSource(absPath);
  try {
    return await fn(src);
  } finally {
    await src.close();
  }
}
