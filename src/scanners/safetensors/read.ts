import { MAX_READ, type ByteSource } from '../../util/byte-source.js';

/**
 * Read exactly `length` bytes at `offset`, in reads no larger than MAX_READ,
 * or return undefined when the source ends first. The safetensors header cap
 * (100 MB) is larger than one file-source read (64 MiB), hence the loop.
 */
export async function readExactly(src: ByteSource, offset: number, length: number): Promise<Uint8Array | undefined> {
  if (offset + length > src.size) return undefined;
  const first = await src.read(offset, Math.min(length, MAX_READ));
  if (first.length === length) return first;
  const out = new Uint8Array(length);
  out.set(first, 0);
  let got = first.length;
  while (got < length) {
    const chunk = await src.read(offset + got, Math.min(length - got, MAX_READ));
    if (chunk.length === 0) return undefined;
    out.set(chunk, got);
    got += chunk.length;
  }
  return out;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
