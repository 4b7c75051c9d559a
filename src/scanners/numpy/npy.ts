/**
 * The `.npy` header: `\x93NUMPY`, major, minor, a header length (u16 LE in
 * v1, u32 LE in v2/v3), then a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
 *
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { decodeLatin1, decodeUtf8, startsWith, u16le, u32le } from '../../util/binary.js';
import { parsePyLiteral, reprPy, type PyValue } from './literal.js';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** numpy itself refuses headers over 10,000 bytes by default; 1 MiB leaves room for huge structured dtypes. */
export const MAX_NPY_HEADER = 1024 * 1024;
/** First read: enough for any ordinary header, so one read usually suffices. */
export const NPY_FIRST_READ = 4096;
/** numpy 2 allows 64 dimensions (1.x: 32). */
export const MAX_NPY_DIMS = 64;

export interface NpyHeader {
  /** e.g. `1.0`. */
  readonly version: string;
  /** The `descr` as written: `<f4`, or a Python-style list for structured dtypes. */
  readonly dtype: string;
  /** The dtype holds Python objects, which numpy stores as a pickle. */
  readonly objectDtype: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly bigint[];
  /** Where the array data (or, for an object dtype, the pickle) starts. */
  readonly dataOffset: number;
}

export type NpyResult = { readonly ok: true; readonly header: NpyHeader } | { readonly ok: false; readonly reason: string };

/** Where the header text lies, from the fixed preamble; needs the first 12 bytes. */
export function npyHeaderSpan(
  prefix: Uint8Array,
  totalSize: number,
): { ok: true; start: number; end: number; major: number; minor: number } | { ok: false; reason: string } {
  if (!startsWith(prefix, NPY_MAGIC)) return { ok: false, reason: 'missing npy magic' };
  const major = prefix[6];
  const minor = prefix[7];
  if (major === undefined || minor === undefined) return { ok: false, reason: 'truncated npy preamble' };
  if (major < 1 || major > 3) return { ok: false, reason: `unsupported npy version ${major}.${minor}` };
  const len = major === 1 ? u16le(prefix, 8) : u32le(prefix, 8);
  const start = major === 1 ? 10 : 12;
  if (len === undefined) return { ok: false, reason: 'truncated npy preamble' };
  if (len > MAX_NPY_HEADER) return { ok: false, reason: `npy header length ${len} exceeds cap ${MAX_NPY_HEADER}` };
  if (start + len > totalSize) return { ok: false, reason: `npy header length ${len} exceeds file size ${totalSize}` };
  return { ok: true, start, end: start + len, major, minor };
}

/**
 * Parse the header given a reader of the first `n` bytes (a file, or a zip
 * member). Reads NPY_FIRST_READ bytes, and more only when the header says so.
 */
export async function readNpyHeader(
  readPrefix: (n: number) => Promise<Uint8Array | { reason: string }>,
  totalSize: number,
): Promise<NpyResult> {
  let prefix = await readPrefix(NPY_FIRST_READ);
  if ('reason' in prefix) return { ok: false, reason: prefix.reason };
  const span = npyHeaderSpan(prefix, totalSize);
  if (!span.ok) return span;
  if (prefix.length < span.end) {
    prefix = await readPrefix(span.end);
    if ('reason' in prefix) return { ok: false, reason: prefix.reason };
    if (prefix.length < span.end) return { ok: false, reason: 'truncated npy header' };
  }
  const bytes = prefix.subarray(span.start, span.end);
  // v3 switched the header encoding from latin1 to utf-8 for unicode field names.
  const text = span.major >= 3 ? decodeUtf8(bytes) : decodeLatin1(bytes);
  if (text === undefined) return { ok: false, reason: 'npy header is not valid utf-8' };
  return interpretHeader(text, `${span.major}.${span.minor}`, span.end);
}

function interpretHeader(text: string, version: string, dataOffset: number): NpyResult {
  const lit = parsePyLiteral(text);
  if (!lit.ok) return { ok: false, reason: `npy header is not a python literal: ${lit.reason}` };
  const v = lit.value;
  if (v === null || typeof v !== 'object' || v.kind !== 'dict') return { ok: false, reason: 'npy header is not a dict literal' };
  const descr = v.entries.get('descr');
  const fortran = v.entries.get('fortran_order');
  const shape = v.entries.get('shape');
  for (const [key, val] of [['descr', descr], ['fortran_order', fortran], ['shape', shape]] as const) {
    if (val === undefined) return { ok: false, reason: `npy header has no '${key}'` };
  }
  if (typeof fortran !== 'boolean') return { ok: false, reason: "npy header 'fortran_order' is not True or False" };
  const dims = shapeOf(shape);
  if (dims === undefined) return { ok: false, reason: `npy header 'shape' is not a tuple of at most ${MAX_NPY_DIMS} non-negative ints` };
  if (typeof descr !== 'string' && !isSeq(descr, 'list')) return { ok: false, reason: "npy header 'descr' is not a dtype" };
  return {
    ok: true,
    header: {
      version,
      dtype: typeof descr === 'string' ? descr : reprPy(descr!),
      objectDtype: hasObjectField(descr!),
      fortranOrder: fortran,
      shape: dims,
      dataOffset,
    },
  };
}

function isSeq(v: PyValue | undefined, kind: 'tuple' | 'list'): v is { kind: 'tuple' | 'list'; items: readonly PyValue[] } {
  return v !== null && typeof v === 'object' && v.kind === kind;
}

function shapeOf(v: PyValue | undefined): bigint[] | undefined {
  if (!isSeq(v, 'tuple') || v.items.length > MAX_NPY_DIMS) return undefined;
  const dims: bigint[] = [];
  for (const d of v.items) {
    if (typeof d !== 'bigint' || d < 0n) return undefined;
    dims.push(d);
  }
  return dims;
}

/** `|O` (or `O8` from old numpy), at top level or inside a structured dtype's fields. */
function hasObjectField(descr: PyValue): boolean {
  if (typeof descr === 'string') return /^[|<>=]?O\d*$/.test(descr);
  if (!isSeq(descr, 'list')) return false;
  // Structured: a list of (name, dtype[, shape]) tuples; dtype may nest.
  return descr.items.some((field) => isSeq(field, 'tuple') && field.items[1] !== undefined && hasObjectField(field.items[1]));
}

/** `3x4`, or `scalar` for shape `()`. */
export function formatShape(shape: readonly bigint[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

/** Element count, or undefined past 2^53 where a JS number stops being exact. */
export function elementCount(shape: readonly bigint[]): number | undefined {
  if (shape.includes(0n)) return 0;
  let n = 1n;
  for (const d of shape) {
    n *= d;
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  }
  return Number(n);
}
