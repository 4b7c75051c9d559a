/**
 * A bounded, read-only ZIP reader: the central directory, and the head of
 * one entry at a time. PyTorch checkpoints, `.keras` and `.npz` files are
 * zips; their facts live in a few small entries, so we never inflate or read
 * a whole archive.
 *
 * Spec: PKWARE APPNOTE.TXT 6.3.10, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 * (4.3.12 central directory header, 4.3.14–4.3.16 ZIP64 and end records,
 * 4.5.3 ZIP64 extra field).
 */
import { createInflateRaw, crc32 } from 'node:zlib';
import type { ByteSource } from './byte-source.js';
import { decodeLatin1, decodeUtf8, u16le, u32le, u64le } from './binary.js';

/** EOCD is 22 bytes plus a comment of at most 65,535 bytes, so it lies in the last 65,557. */
const EOCD_SIZE = 22;
const MAX_EOCD_SEARCH = EOCD_SIZE + 0xffff;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
/** A central directory larger than this is hostile or far beyond any model archive we care about. */
export const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024;
/** Entry count cap; each entry costs an object, so absurd counts would exhaust memory. */
export const MAX_ZIP_ENTRIES = 1_000_000;
/** At most this many compressed bytes are fed to inflate for one read, whatever maxBytes says. */
export const MAX_INFLATE_INPUT = 8 * 1024 * 1024;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

export interface ZipEntry {
  /** The name as stored: `/`-separated; directories end with `/`. */
  readonly name: string;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** 0 stored, 8 deflate; others are listed but not readable. */
  readonly method: number;
  readonly localHeaderOffset: number;
  readonly crc32: number;
  readonly flags: number;
}

export type ZipDirectory =
  | { readonly ok: true; readonly entries: readonly ZipEntry[]; readonly zip64: boolean }
  | { readonly ok: false; readonly reason: string };

export type ZipEntryData =
  /** `truncated` means the entry holds more than `data`. */
  | { readonly ok: true; readonly data: Uint8Array; readonly truncated: boolean }
  | { readonly ok: false; readonly reason: string };

interface EndRecord {
  readonly entryCount: number;
  readonly cdSize: number;
  readonly cdOffset: number;
  readonly zip64: boolean;
}

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** List a zip's entries from its central directory. Never throws. */
export async function readZipDirectory(src: ByteSource): Promise<ZipDirectory> {
  try {
    if (src.size === 0) return fail('empty file');
    if (src.size < EOCD_SIZE) return fail(`file too small for a zip archive (${src.size} bytes)`);
    const end = await readEndRecord(src);
    if ('reason' in end) return end;
    if (end.entryCount > MAX_ZIP_ENTRIES) {
      return fail(`zip entry count ${end.entryCount} exceeds cap ${MAX_ZIP_ENTRIES}`);
    }
    if (end.cdSize > MAX_CENTRAL_DIRECTORY_BYTES) {
      return fail(`zip central directory size ${end.cdSize} exceeds cap ${MAX_CENTRAL_DIRECTORY_BYTES}`);
    }
    if (end.cdOffset + end.cdSize > src.size) {
      return fail(`zip central directory (offset ${end.cdOffset}, size ${end.cdSize}) lies beyond file size ${src.size}`);
    }
    if (end.entryCount * CENTRAL_HEADER_SIZE > end.cdSize) {
      return fail(`zip entry count ${end.entryCount} does not fit in a central directory of ${end.cdSize} bytes`);
    }
    const cd = await src.read(end.cdOffset, end.cdSize);
    if (cd.length < end.cdSize) return fail('truncated zip central directory');
    const entries = parseCentralDirectory(cd, end.entryCount, src.size);
    if ('reason' in entries) return entries;
    return { ok: true, entries, zip64: end.zip64 };
  } catch (err) {
    return fail(`cannot read zip: ${(err as Error).message}`);
  }
}

async function readEndRecord(src: ByteSource): Promise<EndRecord | { ok: false; reason: string }> {
  const tailLen = Math.min(src.size, MAX_EOCD_SEARCH);
  const tailStart = src.size - tailLen;
  const tail = await src.read(tailStart, tailLen);
  // Scan backwards. The comment may itself contain the signature bytes, so
  // prefer a record whose comment ends exactly at end of file; failing that
  // (junk appended after the archive), the last one whose comment fits.
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (u32le(tail, i) !== SIG_EOCD) continue;
    const end = i + EOCD_SIZE + u16le(tail, i + 20)!;
    if (end === tail.length) {
      at = i;
      break;
    }
    if (end < tail.length && at < 0) at = i;
  }
  if (at < 0) return fail('end of central directory record not found: not a zip archive');
  const disk = u16le(tail, at + 4)!;
  const cdDisk = u16le(tail, at + 6)!;
  const entryCount = u16le(tail, at + 10)!;
  const cdSize = u32le(tail, at + 12)!;
  const cdOffset = u32le(tail, at + 16)!;
  const eocdOffset = tailStart + at;
  const zip64 = await readZip64EndRecord(src, eocdOffset);
  if (zip64 !== undefined) return zip64;
  if (disk !== 0 || cdDisk !== 0) return fail('multi-disk zip archives are not supported');
  return { entryCount, cdSize, cdOffset, zip64: false };
}

/** The ZIP64 end record, found through the locator just before the EOCD; undefined when absent. */
async function readZip64EndRecord(
  src: ByteSource,
  eocdOffset: number,
): Promise<EndRecord | { ok: false; reason: string } | undefined> {
  if (eocdOffset < ZIP64_LOCATOR_SIZE) return undefined;
  const loc = await src.read(eocdOffset - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
  if (u32le(loc, 0) !== SIG_ZIP64_LOCATOR) return undefined;
  const recOffset = safeNumber(u64le(loc, 8));
  if (recOffset === undefined || recOffset + ZIP64_EOCD_SIZE > eocdOffset) {
    return fail(`zip64 end record offset ${u64le(loc, 8)} lies beyond the end record`);
  }
  const rec = await src.read(recOffset, ZIP64_EOCD_SIZE);
  if (u32le(rec, 0) !== SIG_ZIP64_EOCD) return fail('zip64 end record signature not found');
  if (u32le(rec, 16) !== 0 || u32le(rec, 20) !== 0) return fail('multi-disk zip archives are not supported');
  const entryCount = safeNumber(u64le(rec, 32));
  const cdSize = safeNumber(u64le(rec, 40));
  const cdOffset = safeNumber(u64le(rec, 48));
  if (entryCount === undefined) return fail(`zip64 entry count ${u64le(rec, 32)} exceeds cap ${MAX_ZIP_ENTRIES}`);
  if (cdSize === undefined || cdOffset === undefined) {
    return fail(`zip64 central directory (offset ${u64le(rec, 48)}, size ${u64le(rec, 40)}) lies beyond file size ${src.size}`);
  }
  return { entryCount, cdSize, cdOffset, zip64: true };
}

function parseCentralDirectory(
  cd: Uint8Array,
  count: number,
  fileSize: number,
): ZipEntry[] | { ok: false; reason: string } {
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (u32le(cd, p) !== SIG_CENTRAL || p + CENTRAL_HEADER_SIZE > cd.length) {
      return fail(`zip central directory entry ${i} is corrupt (offset ${p})`);
    }
    const flags = u16le(cd, p + 8)!;
    const nameLen = u16le(cd, p + 28)!;
    const extraLen = u16le(cd, p + 30)!;
    const commentLen = u16le(cd, p + 32)!;
    const nameStart = p + CENTRAL_HEADER_SIZE;
    const next = nameStart + nameLen + extraLen + commentLen;
    if (next > cd.length) return fail(`zip central directory entry ${i} overruns the directory`);
    const nameBytes = cd.subarray(nameStart, nameStart + nameLen);
    // Names without the UTF-8 flag are CP437 by the spec; latin1 keeps ASCII
    // (all that torch, keras and numpy write) intact and never fails.
    const name = flags & FLAG_UTF8 ? (decodeUtf8(nameBytes) ?? decodeLatin1(nameBytes)) : decodeLatin1(nameBytes);
    const sizes = applyZip64Extra(
      {
        uncompressedSize: u32le(cd, p + 24)!,
        compressedSize: u32le(cd, p + 20)!,
        localHeaderOffset: u32le(cd, p + 42)!,
      },
      cd.subarray(nameStart + nameLen, nameStart + nameLen + extraLen),
    );
    if (sizes === undefined) return fail(`zip central directory entry ${i} has a corrupt zip64 extra field`);
    if (sizes.localHeaderOffset + LOCAL_HEADER_SIZE > fileSize) {
      return fail(`zip entry ${JSON.stringify(name)} starts at ${sizes.localHeaderOffset}, beyond file size ${fileSize}`);
    }
    entries.push({ name, ...sizes, method: u16le(cd, p + 10)!, crc32: u32le(cd, p + 16)!, flags });
    p = next;
  }
  return entries;
}

interface EntrySizes {
  uncompressedSize: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** Replace 0xFFFFFFFF fields with their ZIP64 extra values, in the spec's fixed order. */
function applyZip64Extra(sizes: EntrySizes, extra: Uint8Array): EntrySizes | undefined {
  const fields = (['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const).filter(
    (k) => sizes[k] === 0xffffffff,
  );
  if (fields.length === 0) return sizes;
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = u16le(extra, q)!;
    const len = u16le(extra, q + 2)!;
    if (id === 0x0001) {
      const out = { ...sizes };
      let r = q + 4;
      for (const k of fields) {
        if (r + 8 > q + 4 + len) return undefined;
        const v = safeNumber(u64le(extra, r));
        if (v === undefined) return undefined;
        out[k] = v;
        r += 8;
      }
      return out;
    }
    q += 4 + len;
  }
  return undefined;
}

function safeNumber(v: bigint | undefined): number | undefined {
  return v !== undefined && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

/**
 * Read up to `maxBytes` of one entry's uncompressed data. STORED entries are
 * read directly; DEFLATE entries are inflated from at most
 * MAX_INFLATE_INPUT compressed bytes, stopping once `maxBytes` are out, so a
 * zip bomb costs no more than `maxBytes` of memory. Never throws.
 */
export async function readZipEntry(src: ByteSource, entry: ZipEntry, maxBytes: number): Promise<ZipEntryData> {
  try {
    if (entry.flags & FLAG_ENCRYPTED) return fail(`zip entry ${JSON.stringify(entry.name)} is encrypted`);
    if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
      return fail(`zip entry ${JSON.stringify(entry.name)} uses unsupported compression method ${entry.method}`);
    }
    const local = await src.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE);
    if (u32le(local, 0) !== SIG_LOCAL) {
      return fail(`zip entry ${JSON.stringify(entry.name)} has no local header at offset ${entry.localHeaderOffset}`);
    }
    const dataStart = entry.localHeaderOffset + LOCAL_HEADER_SIZE + u16le(local, 26)! + u16le(local, 28)!;
    if (dataStart + entry.compressedSize > src.size) {
      return fail(`zip entry ${JSON.stringify(entry.name)} data runs past end of file`);
    }
    const limit = Math.max(0, maxBytes);
    let result: { data: Uint8Array; truncated: boolean };
    if (entry.method === METHOD_STORED) {
      const want = Math.min(limit, entry.compressedSize);
      const data = await src.read(dataStart, want);
      if (data.length < want) return fail(`zip entry ${JSON.stringify(entry.name)} is truncated`);
      result = { data, truncated: entry.compressedSize > limit };
    } else {
      const inputLen = Math.min(entry.compressedSize, MAX_INFLATE_INPUT);
      const input = await src.read(dataStart, inputLen);
      const inflated = await inflateHead(input, limit, inputLen < entry.compressedSize);
      if ('reason' in inflated) return fail(`zip entry ${JSON.stringify(entry.name)}: ${inflated.reason}`);
      result = inflated;
    }
    if (!result.truncated && result.data.length === entry.uncompressedSize && crc32(result.data) >>> 0 !== entry.crc32) {
      return fail(`zip entry ${JSON.stringify(entry.name)} fails its crc32 check`);
    }
    return { ok: true, ...result };
  } catch (err) {
    return fail(`cannot read zip entry ${JSON.stringify(entry.name)}: ${(err as Error).message}`);
  }
}

/** The name used in the design brief; it reads DEFLATE entries too. */
export const readStoredEntry = readZipEntry;

/**
 * Inflate raw DEFLATE data, keeping at most `maxBytes` of output. A stream,
 * not inflateRawSync: the sync API throws instead of returning a prefix when
 * output exceeds `maxOutputLength`, and we often want only a header.
 */
function inflateHead(
  input: Uint8Array,
  maxBytes: number,
  inputCut: boolean,
): Promise<{ data: Uint8Array; truncated: boolean } | { reason: string }> {
  return new Promise((resolve) => {
    const inflater = createInflateRaw();
    const parts: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (v: { data: Uint8Array; truncated: boolean } | { reason: string }): void => {
      if (settled) return;
      settled = true;
      inflater.destroy();
      resolve(v);
    };
    const collected = (): Uint8Array => Buffer.concat(parts).subarray(0, maxBytes);
    inflater.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      total += chunk.length;
      if (total > maxBytes) settle({ data: collected(), truncated: true });
    });
    inflater.on('end', () => settle({ data: collected(), truncated: inputCut }));
    inflater.on('error', (err: Error) => {
      // We cut the compressed input ourselves, so running out of it is expected.
      if (inputCut && /unexpected end/i.test(err.message)) settle({ data: collected(), truncated: true });
      else settle({ reason: `corrupt deflate data (${err.message})` });
    });
    inflater.end(input);
  });
}
