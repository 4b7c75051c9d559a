/**
 * A bounded, never-throwing protobuf wire-format walker over a ByteSource.
 * Spec: https://protobuf.dev/programming-guides/encoding/
 *
 * Model protobufs (ONNX graphs, SavedModel graph_defs) can be gigabytes, so
 * the walker never reads a length-delimited payload unless the caller asks
 * for it with a cap: everything else is skipped by its length prefix.
 */
import type { ByteSource } from './byte-source.js';
import { decodeUtf8 } from './binary.js';

/** A 64-bit varint takes at most 10 bytes; anything longer is corrupt. */
export const MAX_VARINT_BYTES = 10;
/** Buffer size while walking forward through many small fields (node lists). */
const SEQUENTIAL_CHUNK = 64 * 1024;
/** Buffer size after a jump over a skipped payload: usually only a key follows. */
const JUMP_CHUNK = 4 * 1024;
/** Default cap on fields per message walk, so a hostile file cannot spin us forever. */
export const DEFAULT_MAX_FIELDS = 10_000_000;

export type WireType = 0 | 1 | 2 | 5;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** One field met during a walk. Payloads are read only on request. */
export interface ProtoField {
  readonly field: number;
  readonly wireType: WireType;
  /** Value of a varint, fixed64 or fixed32 field (unsigned); 0n for length-delimited. */
  readonly value: bigint;
  /** Absolute offset of the value (for length-delimited: after the length prefix). */
  readonly offset: number;
  /** Payload length of a length-delimited field; byte size of the value otherwise. */
  readonly length: number;
  /** The payload when it is at most `cap` bytes, else undefined. */
  bytes(cap: number): Promise<Uint8Array | undefined>;
  /** The payload as UTF-8 when at most `cap` bytes and valid, else undefined. */
  string(cap: number): Promise<string | undefined>;
  /**
   * Walk the payload as a nested message, sharing this walk's buffered
   * reader. Malformed nested data aborts the whole outer walk.
   */
  walk(visit: ProtoVisitor, options?: WalkOptions): Promise<NestedWalk>;
}

/** Return a string to abort the walk with that error. */
export type ProtoVisitor = (f: ProtoField) => Promise<string | void> | string | void;

export interface WalkOptions {
  /** Stop (with `complete: false`) after this many fields. */
  readonly maxFields?: number;
}

export interface NestedWalk {
  readonly fields: number;
  /** False when `maxFields` stopped the walk early. */
  readonly complete: boolean;
}

export type WalkResult =
  | { readonly ok: true; readonly fields: number; readonly complete: boolean }
  | { readonly ok: false; readonly error: string };

/** Thrown only inside this module and turned into a `WalkResult` at the boundary. */
class WireError extends Error {}

/** A forward-biased buffered view over a ByteSource. */
class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;

  constructor(private readonly src: ByteSource) {}

  /** Up to `n` bytes at `pos`, never past `end`. */
  async window(pos: number, n: number, end: number): Promise<Uint8Array> {
    const want = Math.max(0, Math.min(n, end - pos));
    const rel = pos - this.bufStart;
    if (rel >= 0 && rel + want <= this.buf.length) return this.buf.subarray(rel, rel + want);
    const sequential = rel >= 0 && rel <= this.buf.length;
    const chunk = Math.max(want, sequential ? SEQUENTIAL_CHUNK : JUMP_CHUNK);
    let got: Uint8Array;
    try {
      got = await this.src.read(pos, Math.min(chunk, this.src.size - pos));
    } catch (err) {
      throw new WireError(`read failed at byte ${pos}: ${(err as Error).message}`);
    }
    this.buf = got;
    this.bufStart = pos;
    return got.subarray(0, Math.min(want, got.length));
  }
}

/**
 * Decode a varint from `bytes` at `at`. Returns the value (a number while it
 * is a safe integer, else a bigint) and the next offset, or an error string.
 */
export function decodeVarint(
  bytes: Uint8Array,
  at: number,
): { value: number | bigint; next: number } | { error: string } {
  let num = 0;
  let big: bigint | undefined;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const b = bytes[at + i];
    if (b === undefined) return { error: 'truncated varint' };
    const low = b & 0x7f;
    if (i === MAX_VARINT_BYTES - 1) {
      if (b & 0x80) break;
      if (b > 1) return { error: 'varint overflows 64 bits' };
    }
    if (big === undefined && i < 7) num += low * 2 ** (7 * i);
    else big = (big ?? BigInt(num)) | (BigInt(low) << BigInt(7 * i));
    if ((b & 0x80) === 0) {
      const value = big === undefined ? num : big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      return { value, next: at + i + 1 };
    }
  }
  return { error: `varint longer than ${MAX_VARINT_BYTES} bytes` };
}

/** Decode a packed repeated varint payload (e.g. tensor dims). */
export function decodePackedVarints(bytes: Uint8Array, maxItems: number): bigint[] | { error: string } {
  const out: bigint[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (out.length >= maxItems) return { error: `more than ${maxItems} packed values` };
    const r = decodeVarint(bytes, at);
    if ('error' in r) return r;
    out.push(BigInt(r.value));
    at = r.next;
  }
  return out;
}

/** Interpret an unsigned 64-bit varint as two's-complement int64 (protobuf `int64`). */
export function toInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** A number when safe, else a decimal string: for props, which cannot hold bigints. */
export function bigintToProp(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

async function walkRange(
  cursor: Cursor,
  start: number,
  end: number,
  visit: ProtoVisitor,
  options: WalkOptions | undefined,
): Promise<NestedWalk> {
  const maxFields = options?.maxFields ?? DEFAULT_MAX_FIELDS;
  let pos = start;
  let fields = 0;
  while (pos < end) {
    if (fields >= maxFields) return { fields, complete: false };
    const keyAt = pos;
    const head = await cursor.window(pos, 2 * MAX_VARINT_BYTES, end);
    const key = decodeVarint(head, 0);
    if ('error' in key) throw new WireError(`at byte ${keyAt}: ${key.error} in field key`);
    if (typeof key.value !== 'number' || key.value > 0xffffffff) throw new WireError(`at byte ${keyAt}: field key too large`);
    const field = Math.floor(key.value / 8);
    const wire = key.value % 8;
    if (field === 0) throw new WireError(`at byte ${keyAt}: field number 0 is invalid`);
    let rel = key.next;
    let value = 0n;
    let offset: number;
    let length: number;
    if (wire === WIRE_VARINT) {
      const v = decodeVarint(head, rel);
      if ('error' in v) throw new WireError(`at byte ${keyAt + rel}: ${v.error} in field ${field}`);
      value = BigInt(v.value);
      offset = keyAt + rel;
      length = v.next - rel;
    } else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) {
      length = wire === WIRE_FIXED64 ? 8 : 4;
      if (rel + length > head.length) throw new WireError(`at byte ${keyAt}: truncated fixed${length * 8} field ${field}`);
      const dv = new DataView(head.buffer, head.byteOffset + rel, length);
      value = length === 8 ? dv.getBigUint64(0, true) : BigInt(dv.getUint32(0, true));
      offset = keyAt + rel;
    } else if (wire === WIRE_LEN) {
      const v = decodeVarint(head, rel);
      if ('error' in v) throw new WireError(`at byte ${keyAt + rel}: ${v.error} in length of field ${field}`);
      rel = v.next;
      offset = keyAt + rel;
      const remaining = end - offset;
      if (BigInt(v.value) > BigInt(remaining)) {
        throw new WireError(`at byte ${keyAt}: field ${field} length ${v.value} exceeds the ${remaining} bytes remaining`);
      }
      length = Number(v.value);
    } else if (wire === 3 || wire === 4) {
      throw new WireError(`at byte ${keyAt}: group wire type ${wire} (field ${field}) is not supported`);
    } else {
      throw new WireError(`at byte ${keyAt}: unknown wire type ${wire} (field ${field})`);
    }
    fields++;
    const wireType = wire as WireType;
    const payloadLen = wireType === WIRE_LEN ? length : 0;
    const bytes = async (cap: number): Promise<Uint8Array | undefined> => {
      if (wireType !== WIRE_LEN || payloadLen > cap) return undefined;
      const got = await cursor.window(offset, payloadLen, offset + payloadLen);
      if (got.length < payloadLen) throw new WireError(`at byte ${offset}: field ${field} payload truncated`);
      return got;
    };
    const f: ProtoField = {
      field,
      wireType,
      value,
      offset,
      length,
      bytes,
      string: async (cap) => {
        const b = await bytes(cap);
        return b === undefined ? undefined : decodeUtf8(b);
      },
      walk: async (inner, innerOptions) => {
        if (wireType !== WIRE_LEN) throw new WireError(`at byte ${keyAt}: field ${field} is not a message`);
        return walkRange(cursor, offset, offset + payloadLen, inner, innerOptions);
      },
    };
    const abort = await visit(f);
    if (typeof abort === 'string') throw new WireError(abort);
    pos = offset + length;
  }
  return { fields, complete: true };
}

/**
 * Walk the fields of the message in `[start, end)` of `src` (the whole source
 * by default), calling `visit` for each. Never throws: malformed wire data,
 * I/O errors and visitor aborts become `{ ok: false, error }`.
 */
export async function walkMessage(
  src: ByteSource,
  visit: ProtoVisitor,
  options?: WalkOptions & { readonly start?: number; readonly end?: number },
): Promise<WalkResult> {
  const start = options?.start ?? 0;
  const end = Math.min(options?.end ?? src.size, src.size);
  try {
    const r = await walkRange(new Cursor(src), start, end, visit, options);
    return { ok: true, ...r };
  } catch (err) {
    return { ok: false, error: err instanceof WireError ? err.message : `unexpected error: ${String(err)}` };
  }
}

/** An error string when a known field arrives with the wrong wire type, else undefined. */
export function wireMismatch(f: ProtoField, expected: WireType, name: string): string | undefined {
  return f.wireType === expected
    ? undefined
    : `field ${f.field} (${name}) has wire type ${f.wireType}, expected ${expected}`;
}

/** Expected wire type and name of the fields a caller understands. */
export type WireSchema = Readonly<Record<number, readonly [WireType, string]>>;

/** `wireMismatch` against a schema; unknown fields always pass. */
export function checkWire(f: ProtoField, schema: WireSchema): string | undefined {
  const expected = schema[f.field];
  return expected === undefined ? undefined : wireMismatch(f, expected[0], expected[1]);
}

/**
 * Read a string-to-string entry message, `{ 1: key, 2: value }` (a
 * `map<string, string>` entry, or ONNX's StringStringEntryProto). A string
 * over its cap, or not valid UTF-8, comes back undefined; a field with the
 * wrong wire type (per `schema`) ends the entry early.
 */
export async function readStringEntry(
  f: ProtoField,
  schema: WireSchema,
  keyCap: number,
  valueCap: number,
): Promise<{ key: string | undefined; value: string | undefined }> {
  let key: string | undefined;
  let value: string | undefined;
  await f.walk(async (g) => {
    const bad = checkWire(g, schema);
    if (bad !== undefined) return bad;
    if (g.field === 1) key = await g.string(keyCap);
    else if (g.field === 2) value = await g.string(valueCap);
    return undefined;
  });
  return { key, value };
}
