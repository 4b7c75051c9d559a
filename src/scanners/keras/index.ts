/**
 * Keras models: v3 `.keras` zip archives, and legacy `.h5`/`.hdf5` HDF5
 * files (Keras 2 `model.save`).
 *
 * Spec: Keras saving_lib.py (https://github.com/keras-team/keras/blob/master/keras/src/saving/saving_lib.py);
 * HDF5 superblock, https://docs.hdfgroup.org/hdf5/latest/_f_m_t3.html#Superblock
 *
 * Props:
 * - `keras_version` (string): from `metadata.json`.
 * - `date_saved` (string): from `metadata.json`, as written (e.g. `2024-05-01@12:00:00`).
 * - `lambda_layers` (number): layers with `class_name` `Lambda` anywhere in `config.json` (only when > 0);
 *   they hold Python bytecode that runs on load.
 * - `hdf5_superblock_version` (number): byte 8 of the HDF5 superblock (0–3).
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { FileScan, ModelFacts, ModelFormat, Props } from '../../types.js';
import { startsWith } from '../../util/binary.js';
import { SNIFF_BYTES, type FileScanContext, type FileScanner } from '../types.js';
import { scanKerasArchive } from './archive.js';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/**
 * The superblock may follow a user block at 0, 512, 1024, 2048, …; files
 * Keras writes have none, and 512 covers the common padded case.
 */
const HDF5_OFFSETS = [0, 512];

export const scanner: FileScanner = {
  name: 'keras',
  extensions: ['.keras', '.h5', '.hdf5'],
  sniff: (head) => startsWith(head, HDF5_SIGNATURE),
  scan: scanKeras,
};

async function scanKeras(src: ByteSource, ctx: FileScanContext): Promise<FileScan> {
  let format: ModelFormat = ctx.path.toLowerCase().endsWith('.keras') ? 'keras' : 'hdf5';
  const done = (parsed: boolean, props: Props, model: ModelFacts, reason?: string): FileScan => ({
    format,
    parsed,
    ...(reason === undefined ? {} : { reason }),
    props,
    model,
  });
  try {
    if (src.size === 0) return done(false, {}, {}, 'empty file');
    const head = await src.read(0, SNIFF_BYTES);
    // The content decides: Keras 2 wrote HDF5 whatever the extension.
    if (startsWith(head, 'PK')) format = 'keras';
    else if (startsWith(head, HDF5_SIGNATURE)) format = 'hdf5';
    else if (format === 'keras') return done(false, {}, {}, 'not a zip archive: a .keras file is a zip');
    if (format === 'keras') {
      const k = await scanKerasArchive(src);
      return k.ok ? done(true, k.props, k.model) : done(false, {}, {}, k.reason);
    }
    return done(...(await scanHdf5(src)));
  } catch (err) {
    return done(false, {}, {}, `read failed: ${(err as Error).message}`);
  }
}

/** NOTE: HDF5 is only identified; walking its B-trees for Keras attributes is a deliberate gap. */
async function scanHdf5(src: ByteSource): Promise<[boolean, Props, ModelFacts, string?]> {
  for (const at of HDF5_OFFSETS) {
    const sb = await src.read(at, HDF5_SIGNATURE.length + 1);
    if (!startsWith(sb, HDF5_SIGNATURE)) continue;
    const version = sb[HDF5_SIGNATURE.length];
    return [true, version === undefined ? {} : { hdf5_superblock_version: version }, {}];
  }
  return [false, {}, {}, 'missing hdf5 signature at offset 0 or 512'];
}
