/**
 * Protobuf wire-format encoders for tests
 * (https://protobuf.dev/programming-guides/encoding/). Mirrors
 * fixtures/generate/_protobuf-writer.mjs.
 */

/** Unsigned LEB128 varint. */
export function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}

/** A field key: field number and wire type. */
export const key = (field: number, wire: number): Buffer => varint(field * 8 + wire);
/** A varint field (wire type 0). */
export const int = (field: number, n: number | bigint): Buffer => Buffer.concat([key(field, 0), varint(n)]);
/** A length-delimited field (wire type 2) holding `b`. */
export const bytes = (field: number, b: Uint8Array): Buffer => Buffer.concat([key(field, 2), varint(b.length), b]);
/** A UTF-8 string field. */
export const str = (field: number, s: string): Buffer => bytes(field, Buffer.from(s, 'utf8'));
/** An embedded message made of already-encoded fields. */
export const msg = (field: number, ...parts: Uint8Array[]): Buffer => bytes(field, Buffer.concat(parts));
