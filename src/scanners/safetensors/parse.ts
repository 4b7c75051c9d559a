/**
 * safetensors header parsing. Spec and reference implementation:
 * https://github.com/huggingface/safetensors (README "Format", safetensors/src/tensor.rs).
 *
 * Layout: u64 LE header length N, N bytes of UTF-8 JSON, then the tensor data.
 * Only the 8 + N header bytes are read; the data is never touched.
 */
import { readExactly, type ByteSource } from '../../util/byte-source.js';
import { decodeUtf8, u64le } from '../../util/binary.js';
import { errorMessage } from '../../util/error-message.js';
import { compareCodePoints, sortedUnique } from '../../util/sort.js';
import type { FileScan, ModelFacts, Props } from '../../types.js';

/** The reference implementation rejects larger headers (MAX_HEADER_SIZE) to prevent OOM. */
export const MAX_HEADER_BYTES = 100_000_000;
/** `{}` is the smallest valid header. */
const MIN_HEADER_BYTES = 2;
/** How many inconsistencies to spell out in `safetensors_inconsistent`; one is usually enough to act on. */
const MAX_REPORTED_INCONSISTENCIES = 3;

/** Bytes per element; dtypes missing here (F4, F6_*, future ones) skip the size check. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2,
  I64: 8, I32: 4, I16: 2, I8: 1,
  U64: 8, U32: 4, U16: 2, U8: 1,
  BOOL: 1, F8_E4M3: 1, F8_E5M2: 1, F8_E8M0: 1,
};

interface TensorEntry {
  readonly name: string;
  readonly dtype: string;
  readonly elements: bigint;
  readonly begin: number;
  readonly end: number;
}

function fail(reason: string, props: Props = {}): FileScan {
  return { format: 'safetensors', parsed: false, reason, props, model: {} };
}

/** Sniff: a plausible header length followed by `{`. */
export function sniffSafetensors(head: Uint8Array): boolean {
  const n = u64le(head, 0);
  return n !== undefined && n >= BigInt(MIN_HEADER_BYTES) && n <= BigInt(MAX_HEADER_BYTES) && head[8] === 0x7b;
}

/** Parse a `.safetensors` header. Never throws. */
export async function parseSafetensorsHeader(src: ByteSource): Promise<FileScan> {
  try {
    return await parseHeader(src);
  } catch (err) {
    return fail(`read error: ${errorMessage(err)}`);
  }
}

async function parseHeader(src: ByteSource): Promise<FileScan> {
  if (src.size < 8) return fail(`file too small for a safetensors header (${src.size} bytes)`);
  const n = u64le(await src.read(0, 8), 0);
  if (n === undefined) return fail('could not read the header length');
  // Compare as bigint: N may be 2^63 or any other value a Number cannot hold.
  if (n > BigInt(src.size - 8)) return fail(`header length ${n} exceeds file size ${src.size}`);
  if (n > BigInt(MAX_HEADER_BYTES)) return fail(`header length ${n} exceeds cap ${MAX_HEADER_BYTES}`);
  if (n < BigInt(MIN_HEADER_BYTES)) return fail(`header length ${n} is too small`);
  const headerLength = Number(n);
  // The header cap (100 MB) is larger than one file-source read (64 MiB): readExactly reads in pieces.
  const bytes = await readExactly(src, 8, headerLength);
  if (bytes === undefined) return fail(`header length ${n} exceeds file size ${src.size}`);
  const json = parseJsonObject(bytes, 'header');
  if (typeof json === 'string') return fail(json);
  return interpretHeader(json, headerLength, src.size);
}

function interpretHeader(header: Record<string, unknown>, headerLength: number, fileSize: number): FileScan {
  const props: Props = {};
  const tensors: TensorEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(value)) return fail('__metadata__ is not a json object');
      props.safetensors_metadata_keys = Object.keys(value).sort(compareCodePoints);
      if (typeof value.format === 'string') props.safetensors_format = value.format;
      continue;
    }
    const entry = readTensorEntry(name, value);
    if (typeof entry === 'string') return fail(entry);
    tensors.push(entry);
  }
  props.tensor_count = tensors.length;
  props.dtypes = sortedUnique(tensors.map((t) => t.dtype));
  const inconsistencies = checkLayout(tensors, headerLength, fileSize);
  if (inconsistencies.length > 0) props.safetensors_inconsistent = summarize(inconsistencies);
  const total = tensors.reduce((sum, t) => sum + t.elements, 0n);
  // Number is exact up to 2^53 parameters, far beyond any real model.
  const model: ModelFacts = { parameterCount: Number(total) };
  return { format: 'safetensors', parsed: true, props, model };
}

/** A tensor entry, or a reason why it is malformed (the reference loader rejects such files). */
function readTensorEntry(name: string, value: unknown): TensorEntry | string {
  if (!isPlainObject(value)) return `tensor "${name}" is not a json object`;
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') return `tensor "${name}" has no dtype string`;
  if (!Array.isArray(shape) || !shape.every(isCount)) return `tensor "${name}" shape is not a list of non-negative integers`;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    return `tensor "${name}" data_offsets is not a [begin, end] pair of non-negative integers`;
  }
  const [begin, end] = offsets as [number, number];
  const elements = (shape as number[]).reduce((p, d) => p * BigInt(d), 1n);
  return { name, dtype, elements, begin, end };
}

/** Offsets contiguous from 0, sizes matching dtype × shape, data ending at end of file. */
function checkLayout(tensors: readonly TensorEntry[], headerLength: number, fileSize: number): string[] {
  const found: string[] = [];
  const ordered = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end || compareCodePoints(a.name, b.name));
  let expectedBegin = 0;
  for (const t of ordered) {
    if (t.end < t.begin) found.push(`tensor "${t.name}" ends before it begins`);
    else if (t.begin !== expectedBegin) found.push(`tensor "${t.name}" begins at ${t.begin}, expected ${expectedBegin}`);
    const width = DTYPE_BYTES[t.dtype];
    if (width !== undefined && t.end >= t.begin && BigInt(t.end - t.begin) !== t.elements * BigInt(width)) {
      found.push(`tensor "${t.name}" spans ${t.end - t.begin} bytes, ${t.dtype} shape needs ${t.elements * BigInt(width)}`);
    }
    expectedBegin = Math.max(expectedBegin, t.end);
  }
  const described = 8 + headerLength + expectedBegin;
  if (described > fileSize) found.unshift(`file is truncated: header describes ${described} bytes, file has ${fileSize}`);
  else if (described < fileSize) found.push(`file has ${fileSize - described} bytes after the last tensor`);
  return found;
}

function summarize(items: readonly string[]): string {
  const shown = items.slice(0, MAX_REPORTED_INCONSISTENCIES).join('; ');
  const more = items.length - MAX_REPORTED_INCONSISTENCIES;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

/** Integers beyond 2^53 lost precision in JSON.parse; no real tensor needs them. */
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Decode UTF-8 JSON that must be an object; otherwise the reason, naming the input `what`. */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> | string {
  const text = decodeUtf8(bytes);
  if (text === undefined) return `${what} is not valid utf-8`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `${what} is not valid json: ${errorMessage(err)}`;
  }
  if (!isPlainObject(json)) return `${what} is not a json object (${describeJson(json)})`;
  return json;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeJson(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
