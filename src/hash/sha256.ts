/**
 * Streamed SHA-256 of one file on the calling thread, in constant memory.
 * Many files at once (worker threads, dedupe, the hash cache) go through
 * `hashFiles` in engine.ts instead.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_CHUNK, digestFile } from './digest.js';

/** Chunk size for hashing reads: large enough to keep syscalls rare, small enough to bound memory. */
export const HASH_CHUNK = DEFAULT_CHUNK;

export async function sha256File(absPath: string): Promise<string> {
  return (await sha256FileSized(absPath)).sha256;
}

/** The digest and the number of bytes hashed (the size as read, not as stat said). */
export async function sha256FileSized(absPath: string): Promise<{ sha256: string; size: number }> {
  const { sha256, size } = await digestFile(absPath);
  return { sha256, size };
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
