/**
 * Streamed SHA-256 in constant memory. Files are read in large chunks
 * (fewer syscalls and hash updates), never whole.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Chunk size for hashing reads: large enough to keep syscalls rare, small enough to bound memory. */
export const HASH_CHUNK = 4 * 1024 * 1024;

export async function sha256File(absPath: string): Promise<string> {
  const handle = await open(absPath, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(HASH_CHUNK);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, HASH_CHUNK, position);
      if (bytesRead === 0) break;
      hash.update(bytesRead === HASH_CHUNK ? buf : buf.subarray(0, bytesRead));
      position += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
