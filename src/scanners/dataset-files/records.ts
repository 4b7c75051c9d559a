/**
 * Record counts for block formats, walked header to header without reading
 * record bodies, under the byte budget of `WindowReader`.
 * Avro object container files: https://avro.apache.org/docs/1.11.1/specification/#object-container-files
 * TFRecord: https://www.tensorflow.org/tutorials/load_data/tfrecord#tfrecords_format_details
 */
import type { ByteSource } from '../../util/byte-source.js';
import { decodeUtf8, startsWith } from '../../util/binary.js';
import { looksLikeSecret } from '../../util/secrets.js';
import { WindowReader } from './chunks.js';
import { MAX_COLUMNS, MAX_COLUMN_CHARS } from './lines.js';

export interface RecordFacts {
  rows?: number;
  rowsCapped?: boolean;
  columns?: string[];
  compressed?: boolean;
  issues: string[];
}

/** An avro header is its schema plus a few metadata entries; real ones are a few KiB. */
const MAX_AVRO_HEADER_BYTES = 1024 * 1024;
const AVRO_MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1
const SYNC_BYTES = 16;
/** Two varints of at most 10 bytes each. */
const BLOCK_HEADER_MAX = 20;

export async function describeAvro(src: ByteSource): Promise<RecordFacts> {
  const reader = new WindowReader(src);
  const head = await reader.get(0, Math.min(src.size, MAX_AVRO_HEADER_BYTES));
  if (typeof head === 'string' || !startsWith(head, AVRO_MAGIC)) return { issues: ['not an avro file'] };
  const header = readAvroHeader(head);
  if (header === undefined) {
    const why = src.size > MAX_AVRO_HEADER_BYTES ? 'avro header exceeds 1 MiB' : 'truncated avro header';
    return { issues: [why] };
  }
  const facts: RecordFacts = { issues: [] };
  const columns = avroColumns(header.schema);
  if (columns !== undefined) facts.columns = columns;
  let rows = 0;
  let pos = header.end;
  while (pos < src.size) {
    const block = await reader.get(pos, Math.min(BLOCK_HEADER_MAX, src.size - pos));
    if (block === 'budget') return { ...facts, rows, rowsCapped: true };
    const c = new Cursor(block === 'eof' ? new Uint8Array(0) : block);
    const count = c.long();
    const size = c.long();
    if (count === undefined || size === undefined || count < 0 || size < 0) {
      return { ...facts, issues: ['corrupt avro block header'] };
    }
    const syncAt = pos + c.pos + size;
    const sync = await reader.get(syncAt, SYNC_BYTES);
    if (sync === 'budget') return { ...facts, rows, rowsCapped: true };
    if (sync === 'eof') return { ...facts, issues: ['truncated avro file'] };
    if (!sameBytes(sync, header.sync)) return { ...facts, issues: ['avro block sync marker mismatch'] };
    rows += count;
    if (!Number.isSafeInteger(rows)) return { ...facts, issues: ['corrupt avro block header'] };
    pos = syncAt + SYNC_BYTES;
  }
  return { ...facts, rows, rowsCapped: false };
}

interface AvroHeader {
  schema?: string;
  sync: Uint8Array;
  end: number;
}

/** Magic, then a map<string, bytes> of metadata in blocks, then the 16-byte sync marker. */
function readAvroHeader(head: Uint8Array): AvroHeader | undefined {
  const c = new Cursor(head, AVRO_MAGIC.length);
  let schema: string | undefined;
  for (;;) {
    let count = c.long();
    if (count === undefined) return undefined;
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      if (c.long() === undefined) return undefined; // the block's byte size, not needed
    }
    for (let i = 0; i < count; i++) {
      const key = c.bytes();
      const value = c.bytes();
      if (key === undefined || value === undefined) return undefined;
      if (decodeUtf8(key) === 'avro.schema') schema = decodeUtf8(value);
    }
  }
  const sync = c.take(SYNC_BYTES);
  if (sync === undefined) return undefined;
  return schema === undefined ? { sync, end: c.pos } : { schema, sync, end: c.pos };
}

/** Field names of a record schema; other top-level schemas have no columns. */
function avroColumns(schema: string | undefined): string[] | undefined {
  if (schema === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(schema);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('fields' in parsed) || !Array.isArray(parsed.fields)) return undefined;
  const names = (parsed.fields as unknown[])
    .map((f) => (typeof f === 'object' && f !== null && 'name' in f && typeof f.name === 'string' ? f.name : ''))
    .filter((n) => n !== '' && !looksLikeSecret(n))
    .slice(0, MAX_COLUMNS)
    .map((n) => Array.from(n).slice(0, MAX_COLUMN_CHARS).join(''));
  return names.length === 0 ? undefined : names;
}

/** Avro's zigzag varint longs and length-prefixed bytes over one buffer; undefined past its end. */
class Cursor {
  constructor(
    private readonly buf: Uint8Array,
    public pos = 0,
  ) {}

  long(): number | undefined {
    let n = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.buf[this.pos];
      if (b === undefined) return undefined;
      this.pos++;
      n |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        const v = (n & 1n) === 0n ? n >> 1n : -((n + 1n) >> 1n);
        return v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
      }
    }
    return undefined;
  }

  bytes(): Uint8Array | undefined {
    const len = this.long();
    return len === undefined || len < 0 ? undefined : this.take(len);
  }

  take(n: number): Uint8Array | undefined {
    if (this.pos + n > this.buf.length) return undefined;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** u64 length, u32 masked CRC-32C of the length, the data, u32 masked CRC-32C of the data. */
const TFRECORD_HEADER = 12;
const TFRECORD_FOOTER = 4;

export async function describeTfrecord(src: ByteSource): Promise<RecordFacts> {
  const reader = new WindowReader(src);
  const first = await reader.get(0, Math.min(src.size, 2));
  // TensorFlow writes GZIP-compressed TFRecord files under the plain name too.
  if (typeof first !== 'string' && startsWith(first, GZIP_MAGIC)) return { compressed: true, issues: [] };
  let rows = 0;
  let pos = 0;
  while (pos < src.size) {
    const header = await reader.get(pos, TFRECORD_HEADER);
    if (header === 'budget') return { rows, rowsCapped: true, issues: [] };
    if (header === 'eof') return { issues: [rows === 0 ? 'not a tfrecord file' : 'truncated tfrecord file'] };
    const view = new DataView(header.buffer, header.byteOffset, TFRECORD_HEADER);
    if (maskedCrc32c(header.subarray(0, 8)) !== view.getUint32(8, true)) {
      return { issues: [rows === 0 ? 'not a tfrecord file' : `tfrecord record ${rows + 1} has a bad length checksum`] };
    }
    const length = view.getBigUint64(0, true);
    const next = BigInt(pos + TFRECORD_HEADER + TFRECORD_FOOTER) + length;
    if (next > BigInt(src.size)) return { issues: ['truncated tfrecord file'] };
    rows++;
    pos = Number(next);
  }
  return { rows, rowsCapped: false, issues: [] };
}

/** CRC-32C (Castagnoli), reflected polynomial 0x82F63B78. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = (CRC32C_TABLE[(crc ^ b) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's mask: rotate right by 15 and add a constant, so CRCs of CRCs stay useful. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
