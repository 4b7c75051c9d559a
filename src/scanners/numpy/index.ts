/**
 * NumPy arrays: `.npy` (one array) and `.npz` (a zip of `.npy` members).
 * Arrays with an object dtype are stored as pickles, so loading them with
 * `allow_pickle=True` runs code; those results say `pickle: true` and carry
 * the `pickleAnalysis` of those pickles (docs/PICKLE.md).
 *
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * Props (`.npy`):
 * - `npy_version` (string): format version, e.g. `1.0`.
 * - `dtype` (string): the header's `descr`, e.g. `<f4`; structured dtypes in Python list notation.
 * - `shape` (string): dimensions joined by `x`, e.g. `3x4`; `scalar` for shape `()`.
 * - `fortran_order` (boolean): column-major data.
 * - `object_dtype` (boolean): true when the dtype holds Python objects (pickled data); only when true.
 * Props (`.npz`):
 * - `members` (number): files in the archive.
 * - `member_names` (string[]): sorted member names, at most 1000.
 * - `member_names_truncated` (boolean): true when `member_names` was cut at 1000.
 * - `dtypes` (string[]): sorted unique dtypes of the members whose header was read.
 * - `unreadable_members` (number): members whose npy header could not be read (only when > 0).
 * - `object_dtype` (boolean): as for `.npy`, when any member has an object dtype.
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { FileScan, ModelFormat, ModelFacts, PickleAnalysis, Props } from '../../types.js';
import { startsWith } from '../../util/binary.js';
import { SNIFF_BYTES, type FileScanContext, type FileScanner } from '../types.js';
import { PickleAnalyzer } from '../pickle/index.js';
import { NPY_MAGIC, elementCount, formatShape, readNpyHeader } from './npy.js';
import { scanNpz, type ObjectMember } from './npz.js';

export const scanner: FileScanner = {
  name: 'numpy',
  extensions: ['.npy', '.npz'],
  sniff: (head) => startsWith(head, NPY_MAGIC),
  scan: scanNumpy,
};

interface Outcome {
  parsed: boolean;
  reason?: string;
  props?: Props;
  model?: ModelFacts;
  pickle?: boolean;
  pickleAnalysis?: PickleAnalysis;
}

async function scanNumpy(src: ByteSource, ctx: FileScanContext): Promise<FileScan> {
  let format: ModelFormat = ctx.path.toLowerCase().endsWith('.npz') ? 'numpy-zip' : 'numpy';
  const done = (o: Outcome): FileScan => ({
    format,
    parsed: o.parsed,
    ...(o.reason === undefined ? {} : { reason: o.reason }),
    props: o.props ?? {},
    model: o.model ?? {},
    pickle: o.pickle ?? false,
    ...(o.pickleAnalysis === undefined ? {} : { pickleAnalysis: o.pickleAnalysis }),
  });
  try {
    if (src.size === 0) return done({ parsed: false, reason: 'empty file' });
    const head = await src.read(0, SNIFF_BYTES);
    // The content decides: np.save output misnamed .npz is still an .npy.
    if (startsWith(head, NPY_MAGIC)) format = 'numpy';
    else if (startsWith(head, 'PK')) format = 'numpy-zip';
    return done(format === 'numpy' ? await scanNpy(src) : await npzOutcome(src));
  } catch (err) {
    return done({ parsed: false, reason: `read failed: ${(err as Error).message}` });
  }
}

async function scanNpy(src: ByteSource): Promise<Outcome> {
  const npy = await readNpyHeader((n) => src.read(0, n), src.size);
  if (!npy.ok) return { parsed: false, reason: npy.reason };
  const h = npy.header;
  const props: Props = {
    npy_version: h.version,
    dtype: h.dtype,
    shape: formatShape(h.shape),
    fortran_order: h.fortranOrder,
  };
  if (h.objectDtype) props.object_dtype = true;
  const count = elementCount(h.shape);
  const model = count === undefined ? {} : { parameterCount: count };
  if (!h.objectDtype) return { parsed: true, props, model, pickle: false };
  // np.save writes an object array as one pickle right after the header.
  const analyzer = new PickleAnalyzer();
  await analyzer.walk(src, { start: h.dataOffset });
  return { parsed: true, props, model, pickle: true, pickleAnalysis: analyzer.result() };
}

/** Each object-dtype member's pickle, walked as part of one analysis. */
async function analyzeNpzObjects(src: ByteSource, members: readonly ObjectMember[]): Promise<PickleAnalysis> {
  const analyzer = new PickleAnalyzer();
  for (const m of members) await analyzer.walkMember(src, m.entry, { start: m.dataOffset });
  return analyzer.result();
}

async function npzOutcome(src: ByteSource): Promise<Outcome> {
  const npz = await scanNpz(src);
  if (!npz.ok) return { parsed: false, reason: npz.reason };
  return {
    parsed: true,
    props: npz.props,
    model: npz.parameterCount === undefined ? {} : { parameterCount: npz.parameterCount },
    pickle: npz.objectDtype,
    ...(npz.objectDtype ? { pickleAnalysis: await analyzeNpzObjects(src, npz.objectMembers) } : {}),
  };
}
