/**
 * GGUF metadata values (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md,
 * "gguf_metadata_value_type"). Arrays are walked by length and never kept:
 * `tokenizer.ggml.tokens` alone can hold 250k strings.
 */
import { view } from '../../util/binary.js';
import { Cursor, GgufFormatError } from './cursor.js';

/** The spec limits keys to 2^16 - 1 bytes. */
export const MAX_KEY_BYTES = 65_535;
/** Longest string value accepted (chat templates are the largest real ones, tens of KB). Same as huggingface.js. */
export const MAX_STRING_BYTES = 10 * 1024 * 1024;
/** Strings longer than this are skipped unless the key needs them; keeps a hostile header from filling memory. */
export const MAX_KEPT_STRING_BYTES = 64 * 1024;
/** Entries per array (huggingface.js); real vocabularies are well below it. */
export const MAX_ARRAY_COUNT = 1_000_000;
/** Arrays of arrays deeper than this are refused (huggingface.js). */
export const MAX_ARRAY_DEPTH = 4;

const STRING = 8;
const ARRAY = 9;
/** Byte width of each fixed-size value type. */
const FIXED_BYTES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

export interface GgufArray {
  readonly kind: 'array';
  readonly elementType: number;
  readonly count: number;
}

/** A string too long to keep; only its length is recorded. */
export interface GgufSkippedString {
  readonly kind: 'skipped-string';
  readonly length: number;
}

/** 64-bit integers are numbers when they fit exactly, bigints otherwise. */
export type GgufValue = number | bigint | boolean | string | GgufArray | GgufSkippedString;

const utf8 = new TextDecoder('utf-8');

async function readLength(cur: Cursor, what: 'key' | 'string', cap: number): Promise<number> {
  const length = await cur.u64();
  if (length > BigInt(cap)) throw new GgufFormatError(`${what} length ${length} exceeds cap ${cap}`);
  return Number(length);
}

export async function readKey(cur: Cursor): Promise<string> {
  return utf8.decode(await cur.bytes(await readLength(cur, 'key', MAX_KEY_BYTES)));
}

/** A string value, decoded when at most `keepBytes` long. */
export async function readString(cur: Cursor, keepBytes: number): Promise<string | GgufSkippedString> {
  const length = await readLength(cur, 'string', MAX_STRING_BYTES);
  if (length > keepBytes) {
    cur.skip(length);
    return { kind: 'skipped-string', length };
  }
  return utf8.decode(await cur.bytes(length));
}

/** Read one value of `type`. `keepBytes` bounds string values that are kept. */
export async function readValue(cur: Cursor, type: number, keepBytes: number): Promise<GgufValue> {
  if (type === STRING) return readString(cur, keepBytes);
  if (type === ARRAY) return readArray(cur, 1);
  const width = FIXED_BYTES[type];
  if (width === undefined) throw new GgufFormatError(`unknown value type ${type}`);
  return decodeFixed(type, await cur.bytes(width));
}

async function readArray(cur: Cursor, depth: number): Promise<GgufArray> {
  if (depth > MAX_ARRAY_DEPTH) throw new GgufFormatError(`arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
  const elementType = await cur.u32();
  const rawCount = await cur.u64();
  if (elementType !== STRING && elementType !== ARRAY && FIXED_BYTES[elementType] === undefined) {
    throw new GgufFormatError(`unknown array element type ${elementType}`);
  }
  if (rawCount > BigInt(MAX_ARRAY_COUNT)) throw new GgufFormatError(`array count ${rawCount} exceeds cap ${MAX_ARRAY_COUNT}`);
  const count = Number(rawCount);
  const width = FIXED_BYTES[elementType];
  if (width !== undefined) {
    cur.skip(count * width);
  } else if (elementType === STRING) {
    // Each string carries its own length, so the walk is unavoidable; the bytes are not read.
    for (let i = 0; i < count; i++) cur.skip(await readLength(cur, 'string', MAX_STRING_BYTES));
  } else {
    for (let i = 0; i < count; i++) await readArray(cur, depth + 1);
  }
  return { kind: 'array', elementType, count };
}

function decodeFixed(type: number, b: Uint8Array): GgufValue {
  const v = view(b);
  switch (type) {
    case 0: return v.getUint8(0);
    case 1: return v.getInt8(0);
    case 2: return v.getUint16(0, true);
    case 3: return v.getInt16(0, true);
    case 4: return v.getUint32(0, true);
    case 5: return v.getInt32(0, true);
    case 6: return v.getFloat32(0, true);
    case 7: return v.getUint8(0) !== 0;
    case 10: return exact(v.getBigUint64(0, true));
    case 11: return exact(v.getBigInt64(0, true));
    default: return v.getFloat64(0, true);
  }
}

function exact(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}
