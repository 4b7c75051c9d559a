/**
 * A bounds-checked reader of the Thrift compact protocol, enough to walk a
 * Parquet footer. Spec:
 * https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 *
 * Every length and count comes from the file, so each is checked against the
 * bytes left before it is used; nesting is capped. Problems raise
 * `ThriftError`, which the caller turns into an issue.
 */
export class ThriftError extends Error {}

export const T_BOOL_TRUE = 1;
export const T_BOOL_FALSE = 2;
export const T_BYTE = 3;
export const T_I16 = 4;
export const T_I32 = 5;
export const T_I64 = 6;
export const T_DOUBLE = 7;
export const T_BINARY = 8;
export const T_LIST = 9;
export const T_SET = 10;
export const T_MAP = 11;
export const T_STRUCT = 12;
export const T_UUID = 13;

/** Real footers nest about 6 deep (FileMetaData → RowGroup → ColumnChunk → …); stops hostile input. */
const MAX_DEPTH = 64;

export interface FieldHeader {
  readonly id: number;
  readonly type: number;
}

export class CompactReader {
  pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw new ThriftError('footer ends early');
    return this.bytes[this.pos++] as number;
  }

  /** An unsigned varint as a bigint (i64 needs all 64 bits). */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new ThriftError('varint longer than 10 bytes');
  }

  /** A zigzag varint (i16, i32, i64) as a bigint. */
  zigzag(): bigint {
    const n = this.varint();
    return (n & 1n) === 0n ? n >> 1n : -((n + 1n) >> 1n);
  }

  i32(): number {
    const v = this.zigzag();
    if (v < -(2n ** 31n) || v >= 2n ** 31n) throw new ThriftError('i32 out of range');
    return Number(v);
  }

  /** A length-prefixed byte string (Thrift `binary` and `string`). */
  binary(): Uint8Array {
    const len = this.varint();
    if (len > BigInt(this.remaining)) throw new ThriftError('string longer than the footer');
    const start = this.pos;
    this.pos += Number(len);
    return this.bytes.subarray(start, this.pos);
  }

  /** The next field of a struct, or undefined at its STOP byte. `lastId` is the previous field's id. */
  fieldHeader(lastId: number): FieldHeader | undefined {
    const b = this.byte();
    if (b === 0) return undefined;
    const type = b & 0x0f;
    const delta = b >> 4;
    const id = delta === 0 ? Number(this.zigzag()) : lastId + delta;
    return { id, type };
  }

  /** A list or set header. Each element takes at least one byte, so the size is bounded by what is left. */
  listHeader(): { size: number; type: number } {
    const b = this.byte();
    const type = b & 0x0f;
    const size = (b >> 4) === 15 ? this.varint() : BigInt(b >> 4);
    if (size > BigInt(this.remaining)) throw new ThriftError('list longer than the footer');
    return { size: Number(size), type };
  }

  /** Skip a value of `type`. In a struct a bool lives in the field header; in a list or map it is a byte. */
  skip(type: number, inContainer: boolean, depth = 0): void {
    if (depth > MAX_DEPTH) throw new ThriftError(`nesting deeper than ${MAX_DEPTH}`);
    switch (type) {
      case T_BOOL_TRUE:
      case T_BOOL_FALSE:
        if (inContainer) this.byte();
        return;
      case T_BYTE:
        this.byte();
        return;
      case T_I16:
      case T_I32:
      case T_I64:
        this.varint();
        return;
      case T_DOUBLE:
        this.advance(8);
        return;
      case T_UUID:
        this.advance(16);
        return;
      case T_BINARY:
        this.binary();
        return;
      case T_LIST:
      case T_SET: {
        const { size, type: elem } = this.listHeader();
        for (let i = 0; i < size; i++) this.skip(elem, true, depth + 1);
        return;
      }
      case T_MAP:
        this.skipMap(depth);
        return;
      case T_STRUCT:
        this.skipStruct(depth);
        return;
      default:
        throw new ThriftError(`unknown thrift type ${type}`);
    }
  }

  skipStruct(depth: number): void {
    let lastId = 0;
    for (;;) {
      const field = this.fieldHeader(lastId);
      if (field === undefined) return;
      this.skip(field.type, false, depth + 1);
      lastId = field.id;
    }
  }

  private skipMap(depth: number): void {
    const size = this.varint();
    if (size === 0n) return;
    // Each entry takes at least two bytes (key and value).
    if (size * 2n > BigInt(this.remaining)) throw new ThriftError('map longer than the footer');
    const kinds = this.byte();
    for (let i = 0; i < Number(size); i++) {
      this.skip(kinds >> 4, true, depth + 1);
      this.skip(kinds & 0x0f, true, depth + 1);
    }
  }

  private advance(n: number): void {
    if (n > this.remaining) throw new ThriftError('footer ends early');
    this.pos += n;
  }
}
