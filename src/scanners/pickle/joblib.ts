/**
 * joblib's inline numpy arrays. `joblib.dump` (uncompressed) pickles a
 * `NumpyArrayWrapper` in place of each array and writes the array's bytes
 * raw, straight after the wrapper's BUILD, in the middle of the pickle
 * stream: since joblib 1.2 one byte giving a padding length p (1..16),
 * p bytes 0xff, then shape × itemsize bytes; older files have no padding.
 * An object-dtype array is written as a whole protocol-2 pickle instead.
 *
 * Spec: joblib/numpy_pickle.py (`NumpyArrayWrapper.write_array`,
 * `NumpyUnpickler.load_build`), https://github.com/joblib/joblib/blob/main/joblib/numpy_pickle.py;
 * numpy's `dtype.__reduce__` (`arraydescr_reduce` in numpy/_core/src/multiarray/descriptor.c).
 */
import type { Value } from './values.js';

const WRAPPER_MODULES = new Set(['joblib.numpy_pickle', 'sklearn.externals.joblib.numpy_pickle']);
const RECONSTRUCTOR_MODULES = new Set(['copyreg', 'copy_reg']);

export type ArrayPayload =
  /** `bytes` of array data; when `align` is set a padding-length byte and its padding come first. */
  | { readonly kind: 'raw'; readonly bytes: number; readonly align?: number; readonly structured: boolean }
  /** An object array: a complete pickle follows. */
  | { readonly kind: 'pickle' }
  | { readonly kind: 'unknown'; readonly reason: string };

function isWrapperClass(v: Value | undefined): boolean {
  return typeof v === 'object' && v !== null && v.t === 'global' && v.name === 'NumpyArrayWrapper' && WRAPPER_MODULES.has(v.module);
}

/**
 * Is this the wrapper object BUILD is about to fill? Protocol 2+ makes it
 * with NEWOBJ on the class; protocols 0 and 1 with copyreg._reconstructor.
 */
export function isArrayWrapper(inst: Value): boolean {
  if (typeof inst !== 'object' || inst === null || inst.t !== 'call') return false;
  if (isWrapperClass(inst.fn)) return true;
  const fn = inst.fn;
  if (typeof fn !== 'object' || fn === null || fn.t !== 'global') return false;
  if (fn.name !== '_reconstructor' || !RECONSTRUCTOR_MODULES.has(fn.module)) return false;
  const args = inst.args;
  return typeof args === 'object' && args !== null && args.t === 'tuple' && isWrapperClass(args.items[0]);
}

/** How many bytes follow the wrapper, from its pickled `__dict__`. */
export function wrapperPayload(state: Value): ArrayPayload {
  if (typeof state !== 'object' || state === null || state.t !== 'dict') {
    return unknown('joblib array wrapper state is not a dict');
  }
  const itemsize = dtypeItemsize(state.entries.get('dtype'));
  if ('reason' in itemsize) return unknown(itemsize.reason);
  if (itemsize.object) return { kind: 'pickle' };
  const count = elementCount(state.entries.get('shape'));
  if (count === undefined) return unknown('joblib array wrapper shape is not a tuple of ints');
  const bytes = count * BigInt(itemsize.size);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return unknown(`joblib array of ${bytes} bytes`);
  const align = state.entries.get('numpy_array_alignment_bytes');
  // Absent before joblib 1.2, None when the file could not tell() its position.
  if (align === undefined || align === null) return { kind: 'raw', bytes: Number(bytes), structured: itemsize.structured };
  if (typeof align !== 'number' || align < 1 || align > 255) return unknown('joblib array alignment is not a small int');
  return { kind: 'raw', bytes: Number(bytes), align, structured: itemsize.structured };
}

function unknown(reason: string): ArrayPayload {
  return { kind: 'unknown', reason };
}

/**
 * The item size from `numpy.dtype(<kind><size>, False, True)`: numpy pickles
 * a dtype by its kind letter and size in bytes (characters for `U`).
 */
type Itemsize = { readonly size: number; readonly structured: boolean; readonly object: boolean } | { readonly reason: string };

function dtypeItemsize(dtype: Value | undefined): Itemsize {
  if (typeof dtype !== 'object' || dtype === null || dtype.t !== 'call') return { reason: 'joblib array wrapper has no dtype' };
  const fn = dtype.fn;
  const args = dtype.args;
  const isDtype = typeof fn === 'object' && fn !== null && fn.t === 'global' && fn.name === 'dtype' && /^numpy(\.|$)/.test(fn.module);
  const spec = typeof args === 'object' && args !== null && args.t === 'tuple' ? args.items[0] : undefined;
  if (!isDtype || typeof spec !== 'string') return { reason: 'joblib array dtype is not a numpy.dtype call' };
  const m = /^([biufcmMOSUV])(\d{1,9})$/.exec(spec);
  if (m === null) return { reason: `joblib array dtype ${JSON.stringify(spec.slice(0, 40))} not understood` };
  const n = Number(m[2]);
  return { size: m[1] === 'U' ? n * 4 : n, structured: m[1] === 'V', object: m[1] === 'O' };
}

function elementCount(shape: Value | undefined): bigint | undefined {
  if (typeof shape === 'number') return shape >= 0 ? BigInt(shape) : undefined;
  if (typeof shape !== 'object' || shape === null || shape.t !== 'tuple') return undefined;
  let n = 1n;
  for (const d of shape.items) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return undefined;
    n *= BigInt(d);
  }
  return n;
}
