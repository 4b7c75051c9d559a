/**
 * GGUF header reader. Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 *
 * Layout (v2/v3, little-endian): magic `GGUF`, u32 version, u64 tensor_count,
 * u64 kv_count, the KV pairs, the tensor infos, padding to `general.alignment`,
 * then tensor data (never read). v1 used u32 counts and lengths.
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { FileScan } from '../../types.js';
import { errorMessage } from '../../util/error-message.js';
import { Cursor, GgufEofError, GgufFormatError } from './cursor.js';
import { MAX_KEPT_STRING_BYTES, MAX_STRING_BYTES, readKey, readString, readValue, type GgufValue } from './values.js';
import { toFileScan } from './facts.js';

/** Most bytes the parser examines: real headers with 250k-token vocabularies are ~10 MB. */
export const MAX_HEADER_BYTES = 256 * 1024 * 1024;
/** huggingface.js caps; no real model comes near either. */
export const MAX_KV_COUNT = 100_000;
export const MAX_TENSOR_COUNT = 10_000_000;
/** ggml uses 4 (GGML_MAX_DIMS); 8 leaves room for growth without accepting garbage. */
export const MAX_TENSOR_DIMS = 8;

const MAGIC = [0x47, 0x47, 0x55, 0x46]; // "GGUF"
/** Keys whose string values are kept however long (up to MAX_STRING_BYTES). */
const LONG_STRING_KEYS = new Set(['tokenizer.chat_template']);

export interface GgufHeader {
  readonly version: number;
  readonly tensorCount: number;
  readonly kvCount: number;
  /** First occurrence of each key, in file order. */
  readonly kv: ReadonlyMap<string, GgufValue>;
  /** Sum of products of tensor dims, when all tensor infos were read. */
  readonly parameterCount?: bigint;
  /** Set when the tensor infos or data are cut short. */
  readonly truncated?: string;
  /** Set when a tensor info is malformed or breaks a cap. */
  readonly tensorInfoError?: string;
}

function fail(reason: string): FileScan {
  return { format: 'gguf', parsed: false, reason, props: {}, model: {} };
}

export function sniffGguf(head: Uint8Array): boolean {
  return MAGIC.every((b, i) => head[i] === b);
}

/** Parse a GGUF file's header into scan facts. Never throws. */
export async function parseGgufHeader(src: ByteSource): Promise<FileScan> {
  try {
    return toFileScan(await readGgufHeader(src));
  } catch (err) {
    if (err instanceof GgufEofError) return fail(`truncated: ${err.message}`);
    if (err instanceof GgufFormatError) return fail(err.message);
    return fail(`read error: ${errorMessage(err)}`);
  }
}

/** Read header, metadata and tensor infos. Throws GgufFormatError on input it refuses. */
export async function readGgufHeader(src: ByteSource): Promise<GgufHeader> {
  if (src.size < 4) throw new GgufFormatError(`file too small for a gguf header (${src.size} bytes)`);
  const cur = new Cursor(src, MAX_HEADER_BYTES);
  const magic = await cur.bytes(4);
  if (!sniffGguf(magic)) throw new GgufFormatError(`bad magic 0x${Buffer.from(magic).toString('hex')} (expected "GGUF")`);
  const version = await cur.u32();
  checkVersion(version);
  const tensorCount = await readCount(cur, 'tensor_count', MAX_TENSOR_COUNT);
  const kvCount = await readCount(cur, 'kv_count', MAX_KV_COUNT);
  const kv = await readKvs(cur, kvCount);
  const header = { version, tensorCount, kvCount, kv };
  try {
    const { parameterCount, lastOffset } = await readTensorInfos(cur, tensorCount);
    const truncated = checkDataStart(cur.position, kv, lastOffset, src.size);
    return { ...header, parameterCount, ...(truncated === undefined ? {} : { truncated }) };
  } catch (err) {
    // The metadata is complete and worth reporting; record what went wrong after it.
    if (err instanceof GgufEofError) return { ...header, truncated: `tensor infos: ${err.message}` };
    if (err instanceof GgufFormatError) return { ...header, tensorInfoError: err.message };
    throw err;
  }
}

function checkVersion(version: number): void {
  if (version === 2 || version === 3) return;
  // A big-endian file's version reads byte-swapped, e.g. 3 as 0x03000000.
  if (version !== 0 && (version & 0xffff) === 0) {
    throw new GgufFormatError(`big-endian gguf is not supported (version field 0x${version.toString(16).padStart(8, '0')})`);
  }
  throw new GgufFormatError(`unsupported gguf version ${version}`);
}

async function readCount(cur: Cursor, what: string, cap: number): Promise<number> {
  const n = await cur.u64();
  if (n > BigInt(cap)) throw new GgufFormatError(`${what} ${n} exceeds cap ${cap}`);
  return Number(n);
}

async function readKvs(cur: Cursor, count: number): Promise<Map<string, GgufValue>> {
  const kv = new Map<string, GgufValue>();
  for (let i = 0; i < count; i++) {
    let key: string | undefined;
    try {
      key = await readKey(cur);
      const type = await cur.u32();
      const keep = LONG_STRING_KEYS.has(key) ? MAX_STRING_BYTES : MAX_KEPT_STRING_BYTES;
      const value = await readValue(cur, type, keep);
      if (!kv.has(key)) kv.set(key, value);
    } catch (err) {
      throw withContext(err, `kv ${i}${key === undefined ? '' : ` "${key}"`}`);
    }
  }
  return kv;
}

async function readTensorInfos(cur: Cursor, count: number): Promise<{ parameterCount: bigint; lastOffset: bigint }> {
  let parameterCount = 0n;
  let lastOffset = -1n;
  for (let i = 0; i < count; i++) {
    try {
      await readString(cur, 0); // the name is not needed, only walked past
      const dims = await cur.u32();
      if (dims > MAX_TENSOR_DIMS) throw new GgufFormatError(`${dims} dimensions exceeds cap ${MAX_TENSOR_DIMS}`);
      let elements = 1n;
      for (let d = 0; d < dims; d++) elements *= await cur.u64();
      await cur.u32(); // ggml type
      const offset = await cur.u64();
      parameterCount += elements;
      if (offset > lastOffset) lastOffset = offset;
    } catch (err) {
      throw withContext(err, `tensor ${i}`);
    }
  }
  return { parameterCount, lastOffset };
}

/**
 * Tensor sizes depend on ggml block layouts, so the file's end is not checked
 * exactly; a tensor starting past the end of the file proves truncation.
 */
function checkDataStart(infoEnd: number, kv: ReadonlyMap<string, GgufValue>, lastOffset: bigint, size: number): string | undefined {
  const a = kv.get('general.alignment');
  const alignment = typeof a === 'number' && Number.isInteger(a) && a > 0 ? a : 32;
  const dataStart = Math.ceil(infoEnd / alignment) * alignment;
  if (lastOffset >= 0n && BigInt(dataStart) + lastOffset > BigInt(size)) {
    return `tensor data: a tensor starts at byte ${BigInt(dataStart) + lastOffset} but file size is ${size}`;
  }
  return undefined;
}

function withContext(err: unknown, where: string): unknown {
  if (err instanceof GgufEofError) return new GgufEofError(`${where}: ${err.message}`);
  if (err instanceof GgufFormatError) return new GgufFormatError(`${where}: ${err.message}`);
  return err;
}
