/**
 * Weight files for the benchmarks: a valid header (so mlbom's scanners parse
 * and claim the file) followed by real random bytes. Never sparse: a sparse
 * file reads from the zero page and hashes unrealistically fast.
 */
import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

export type WeightFormat = 'safetensors' | 'gguf';

/** Random payload is written in blocks this big: large writes, bounded memory. */
const BLOCK = 16 * 1024 * 1024;
/** safetensors: 8-byte length + this many header bytes, so the payload starts 1 KiB in. */
const SAFETENSORS_HEADER = 1016;
const GGUF_ALIGNMENT = 32;

/**
 * A safetensors header for `payload` bytes, split into a few F16 tensors
 * (as a real checkpoint is), padded with spaces to its fixed length.
 * Spec: https://huggingface.co/docs/safetensors/index#format
 */
export function safetensorsHeader(payload: number, firstLayer = 0, tensors = 4): Buffer {
  if (payload % (2 * tensors) !== 0) throw new Error(`payload ${payload} does not split into ${tensors} F16 tensors`);
  const per = payload / tensors;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (let i = 0; i < tensors; i++) {
    const elements = per / 2;
    // A [rows, 256] matrix when it divides evenly reads like a real layer; otherwise one dimension.
    const shape = elements % 256 === 0 ? [elements / 256, 256] : [elements];
    header[`model.layers.${firstLayer + i}.mlp.weight`] = { dtype: 'F16', shape, data_offsets: [i * per, (i + 1) * per] };
  }
  const json = JSON.stringify(header);
  if (json.length > SAFETENSORS_HEADER) throw new Error('safetensors bench header does not fit');
  const out = Buffer.alloc(8 + SAFETENSORS_HEADER, 0x20);
  out.writeBigUInt64LE(BigInt(SAFETENSORS_HEADER), 0);
  out.write(json, 8, 'utf8');
  return out;
}

/** GGUF v3 header with three metadata keys and one F32 tensor filling the rest of the file. */
export function ggufHeader(size: number, name: string): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): void => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    parts.push(b);
  };
  const u64 = (n: number | bigint): void => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    parts.push(b);
  };
  const str = (s: string): void => {
    u64(Buffer.byteLength(s));
    parts.push(Buffer.from(s, 'utf8'));
  };
  const GGUF_TYPE_UINT32 = 4;
  const GGUF_TYPE_STRING = 8;
  const GGML_TYPE_F32 = 0;
  parts.push(Buffer.from('GGUF', 'latin1'));
  u32(3);
  u64(1); // tensor_count
  u64(3); // kv_count
  str('general.architecture');
  u32(GGUF_TYPE_STRING);
  str('llama');
  str('general.name');
  u32(GGUF_TYPE_STRING);
  str(name);
  str('general.alignment');
  u32(GGUF_TYPE_UINT32);
  u32(GGUF_ALIGNMENT);
  // The tensor info's element count depends on where the data starts, which depends on the info's length: fixed-width fields make it one pass.
  const fixed = Buffer.concat(parts).length + 8 + Buffer.byteLength('token_embd.weight') + 4 + 8 + 4 + 8;
  const dataStart = Math.ceil(fixed / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
  if ((size - dataStart) % 4 !== 0 || size <= dataStart) throw new Error(`gguf size ${size} is not a whole number of F32 values after the header`);
  str('token_embd.weight');
  u32(1); // n_dims
  u64((size - dataStart) / 4);
  u32(GGML_TYPE_F32);
  u64(0); // offset within the data section
  const head = Buffer.concat(parts);
  return Buffer.concat([head, Buffer.alloc(dataStart - head.length)]);
}

export interface WeightOptions {
  /** Name recorded in a GGUF header. */
  readonly name?: string;
  /** A safetensors file holds layers `firstLayer`..`firstLayer + 3` (shards of one checkpoint differ). */
  readonly firstLayer?: number;
  /** Fill from this seed (reproducible, ~1 GB/s) instead of the OS random source (~3 GB/s). */
  readonly seed?: number;
}

/**
 * Write a weight file of exactly `size` bytes: header, then random bytes.
 * `size` must be a multiple of 1 KiB (both formats then split evenly).
 */
export function writeWeightFile(path: string, size: number, format: WeightFormat, opts: WeightOptions = {}): void {
  const { name = 'bench', firstLayer = 0, seed } = opts;
  if (size % 1024 !== 0 || size < 4096) throw new Error(`weight size ${size} must be a multiple of 1 KiB, at least 4 KiB`);
  const header = format === 'safetensors' ? safetensorsHeader(size - 8 - SAFETENSORS_HEADER, firstLayer) : ggufHeader(size, name);
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, header);
    // Not from the shared pool: the seeded fill views it as 32-bit words, which needs an aligned offset.
    const block = Buffer.allocUnsafeSlow(Math.min(BLOCK, size));
    let state = (seed ?? 0) >>> 0 || 0x9e3779b9;
    for (let left = size - header.length; left > 0;) {
      const n = Math.min(left, block.length);
      if (seed === undefined) randomFillSync(block, 0, n);
      else state = fillSeeded(block, n, state);
      writeAll(fd, block.subarray(0, n));
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

/** xorshift32 over whole words; returns the state to continue from. `n` is a multiple of 4. */
function fillSeeded(block: Buffer, n: number, state: number): number {
  const words = new Uint32Array(block.buffer, block.byteOffset, n >>> 2);
  let x = state;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return x >>> 0;
}

function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
}
