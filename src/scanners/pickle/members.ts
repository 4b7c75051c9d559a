/**
 * Pickles inside zip archives (PyTorch checkpoints, `.npz`): a ByteSource
 * over one member, and a cheap look at a member's first bytes. A STORED
 * member is a window on the file, so the walk reads only what it steps on;
 * a DEFLATE member is inflated up to what the budget still allows.
 *
 * Spec: PKWARE APPNOTE.TXT 4.3.7 (local file header).
 */
import type { ByteSource } from '../../util/byte-source.js';
import { bufferSource } from '../../util/byte-source.js';
import { u16le, u32le } from '../../util/binary.js';
import { MAX_INFLATE_INPUT, METHOD_DEFLATE, METHOD_STORED, readZipEntry, type ZipEntry } from '../../util/zip.js';
import type { WalkBudget } from './cursor.js';

const SIG_LOCAL = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const FLAG_ENCRYPTED = 0x1;
/** Local header slack read in one go with the head: torch pads members to 64 bytes with an extra field. */
const LOCAL_SLACK = 160;

export type MemberBytes =
  /** `inflatedOnly` is set when a DEFLATE member was inflated only that far. */
  | { readonly ok: true; readonly src: ByteSource; readonly inflatedOnly?: number }
  | { readonly ok: false; readonly reason: string };

/** The bytes of one member, for walking. Never throws. */
export async function memberBytes(src: ByteSource, entry: ZipEntry, budget: WalkBudget): Promise<MemberBytes> {
  try {
    const readable = readableMember(entry);
    if (readable !== undefined) return { ok: false, reason: readable };
    if (entry.method === METHOD_STORED) {
      const start = await storedDataStart(src, entry);
      if (typeof start === 'string') return { ok: false, reason: start };
      return { ok: true, src: windowSource(src, start, entry.compressedSize) };
    }
    const room = budget.maxReadBytes - budget.readBytes;
    if (room <= 0) return { ok: false, reason: `${JSON.stringify(entry.name)} not inflated: read budget exhausted` };
    budget.readBytes += Math.min(entry.compressedSize, MAX_INFLATE_INPUT);
    const got = await readZipEntry(src, entry, Math.min(entry.uncompressedSize, room));
    if (!got.ok) return { ok: false, reason: got.reason };
    return { ok: true, src: bufferSource(got.data), ...(got.truncated ? { inflatedOnly: got.data.length } : {}) };
  } catch (err) {
    return { ok: false, reason: `cannot read zip entry ${JSON.stringify(entry.name)}: ${(err as Error).message}` };
  }
}

/** The first `n` bytes of a member (fewer when it is shorter), or undefined when it cannot be read. */
export async function memberHead(src: ByteSource, entry: ZipEntry, n: number, budget: WalkBudget): Promise<Uint8Array | undefined> {
  try {
    if (readableMember(entry) !== undefined) return undefined;
    if (entry.method === METHOD_STORED) {
      const local = await src.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE + entry.name.length + LOCAL_SLACK + n);
      const start = localDataStart(local, entry);
      if (start === undefined) return undefined;
      const want = Math.min(n, entry.compressedSize);
      const rel = start - entry.localHeaderOffset;
      if (rel + want <= local.length) return local.subarray(rel, rel + want);
      return await src.read(start, want);
    }
    // Inflating reads up to MAX_INFLATE_INPUT compressed bytes; that comes out of the walk budget.
    if (budget.readExhausted) return undefined;
    budget.readBytes += Math.min(entry.compressedSize, MAX_INFLATE_INPUT);
    const got = await readZipEntry(src, entry, n);
    return got.ok ? got.data : undefined;
  } catch {
    return undefined;
  }
}

/** Why the member cannot be read at all (torch and numpy could not read it either), or undefined. */
function readableMember(entry: ZipEntry): string | undefined {
  if (entry.flags & FLAG_ENCRYPTED) return `zip entry ${JSON.stringify(entry.name)} is encrypted`;
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
    return `zip entry ${JSON.stringify(entry.name)} uses unsupported compression method ${entry.method}`;
  }
  return undefined;
}

async function storedDataStart(src: ByteSource, entry: ZipEntry): Promise<number | string> {
  const local = await src.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE);
  const start = localDataStart(local, entry);
  if (start === undefined) return `zip entry ${JSON.stringify(entry.name)} has no local header at offset ${entry.localHeaderOffset}`;
  if (start + entry.compressedSize > src.size) return `zip entry ${JSON.stringify(entry.name)} data runs past end of file`;
  return start;
}

function localDataStart(local: Uint8Array, entry: ZipEntry): number | undefined {
  if (u32le(local, 0) !== SIG_LOCAL) return undefined;
  const nameLen = u16le(local, 26);
  const extraLen = u16le(local, 28);
  if (nameLen === undefined || extraLen === undefined) return undefined;
  return entry.localHeaderOffset + LOCAL_HEADER_SIZE + nameLen + extraLen;
}

/** `size` bytes of `src` from `start`, as a source of their own. */
export function windowSource(src: ByteSource, start: number, size: number): ByteSource {
  return {
    size,
    read: (offset, length) => {
      if (offset >= size || length <= 0) return Promise.resolve(new Uint8Array(0));
      return src.read(start + offset, Math.min(length, size - offset));
    },
  };
}
