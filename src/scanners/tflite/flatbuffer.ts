/**
 * A bounds-checked FlatBuffers table reader over a ByteSource.
 * Format: https://flatbuffers.dev/internals/
 *
 * Every offset in a FlatBuffer comes from the file, so each one is checked
 * against the file size before it is followed; a bad one raises
 * `FlatBufferError`, which the scanner turns into `parsed: false`.
 */
import type { ByteSource } from '../../util/byte-source.js';

export class FlatBufferError extends Error {}

/** A table located in the buffer: its position and its vtable. */
export interface FbTable {
  readonly pos: number;
  readonly vtable: number;
  readonly vtableSize: number;
  readonly tableSize: number;
}

export class FlatBufferReader {
  constructor(
    private readonly src: ByteSource,
    /** The first bytes of the file, already read; most tables live here. */
    private readonly head: Uint8Array,
  ) {}

  get size(): number {
    return this.src.size;
  }

  /** Throw unless `[at, at + length)` lies inside the file. Reads nothing. */
  check(at: number, length: number, what: string): void {
    if (!Number.isSafeInteger(at) || at < 0 || length < 0 || at + length > this.src.size) {
      throw new FlatBufferError(`${what} at byte ${at} (+${length}) is outside the file (${this.src.size} bytes)`);
    }
  }

  async bytes(at: number, length: number, what: string): Promise<Uint8Array> {
    this.check(at, length, what);
    if (at + length <= this.head.length) return this.head.subarray(at, at + length);
    const got = await this.src.read(at, length);
    if (got.length < length) throw new FlatBufferError(`${what} at byte ${at} is truncated`);
    return got;
  }

  async u16(at: number, what: string): Promise<number> {
    const b = await this.bytes(at, 2, what);
    return b[0]! | (b[1]! << 8);
  }

  async u32(at: number, what: string): Promise<number> {
    const b = await this.bytes(at, 4, what);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  }

  async i32(at: number, what: string): Promise<number> {
    const b = await this.bytes(at, 4, what);
    return new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
  }

  /** Follow a uoffset stored at `at` (offsets are relative to where they are stored). */
  async deref(at: number, what: string): Promise<number> {
    return at + (await this.u32(at, what));
  }

  async table(pos: number, what: string): Promise<FbTable> {
    const vtable = pos - (await this.i32(pos, `${what} table`));
    const vtableSize = await this.u16(vtable, `${what} vtable`);
    const tableSize = await this.u16(vtable + 2, `${what} vtable`);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw new FlatBufferError(`${what} vtable size ${vtableSize} is invalid`);
    this.check(vtable, vtableSize, `${what} vtable`);
    if (tableSize < 4) throw new FlatBufferError(`${what} table size ${tableSize} is invalid`);
    this.check(pos, tableSize, `${what} table`);
    return { pos, vtable, vtableSize, tableSize };
  }

  /** Absolute position of field `index`, or undefined when the field is absent. */
  async field(t: FbTable, index: number, width: number, what: string): Promise<number | undefined> {
    const slot = 4 + 2 * index;
    if (slot + 2 > t.vtableSize) return undefined;
    const off = await this.u16(t.vtable + slot, `${what} vtable`);
    if (off === 0) return undefined;
    if (off + width > t.tableSize) throw new FlatBufferError(`${what} field offset ${off} lies outside its table`);
    return t.pos + off;
  }

  async fieldU32(t: FbTable, index: number, what: string): Promise<number | undefined> {
    const at = await this.field(t, index, 4, what);
    return at === undefined ? undefined : this.u32(at, what);
  }

  /** Position of the vector or string a reference field points to. */
  async fieldRef(t: FbTable, index: number, what: string): Promise<number | undefined> {
    const at = await this.field(t, index, 4, what);
    return at === undefined ? undefined : this.deref(at, what);
  }

  async vectorLength(pos: number, elementSize: number, what: string): Promise<number> {
    const n = await this.u32(pos, `${what} length`);
    this.check(pos + 4, n * elementSize, what);
    return n;
  }

  /** A string's bytes when at most `cap` long; undefined when longer. */
  async string(pos: number, cap: number, what: string): Promise<Uint8Array | undefined> {
    const n = await this.u32(pos, `${what} length`);
    if (n > cap) return undefined;
    return this.bytes(pos + 4, n, what);
  }

  /** The table that element `i` of a vector of tables points to. */
  async vectorTable(vector: number, i: number, what: string): Promise<FbTable> {
    return this.table(await this.deref(vector + 4 + 4 * i, what), what);
  }
}
