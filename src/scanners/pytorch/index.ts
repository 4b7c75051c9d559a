/**
 * PyTorch checkpoints (`torch.save`): the zip format since 1.6, legacy
 * back-to-back pickles before it, and the `pytorch_model.bin.index.json`
 * shard index. Loading any of them runs pickle, so every result says
 * `pickle: true`. We never unpickle: the facts come from zip entry names,
 * tiny records and header bytes, and `pickleAnalysis` from walking the
 * pickles' opcodes (pickles.ts, docs/PICKLE.md).
 *
 * Spec: https://github.com/pytorch/pytorch/blob/main/torch/serialization.py
 *
 * Props:
 * - `archive_name` (string): the top folder of a zip checkpoint (e.g. `archive`, `pytorch_model`).
 * - `zip_entries` (number): entries in the zip's central directory.
 * - `tensor_storages` (number): `<archive>/data/<key>` entries, one per tensor storage.
 * - `torch_format_version` (string): the zip container version record (`<archive>/version` or `.data/version`).
 * - `torch_save_format_version` (string): the `torch.save` format record (`<archive>/.format_version`).
 * - `byteorder` (string): `little` or `big`, from `<archive>/byteorder`.
 * - `pickle_protocol` (number): pickle protocol of `data.pkl` (zip) or of the file (legacy, plain pickle).
 * - `index_for` (string): `pytorch` on a `.bin.index.json` shard index.
 * - `total_size` (number): the index's `metadata.total_size`, bytes of all shards.
 * - `tensor_count` (number): tensors named in the index's `weight_map`.
 * - `rejected_shard_names` (number): index shard names refused because they leave the scan root (only when > 0).
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { FileScan } from '../../types.js';
import { startsWith, u16le } from '../../util/binary.js';
import { SNIFF_BYTES, type FileScanContext, type FileScanner } from '../types.js';
import { PICKLE_PROTOCOL_MAX } from '../pickle/opcodes.js';
import { PickleAnalyzer, notAnalyzed, pickleProtocol, pickleScan, sniffPickle, walkFailure } from '../pickle/index.js';
import { scanTorchArchive } from './archive.js';
import { scanPytorchIndex } from './index-file.js';
import { analyzeTorchZip } from './pickles.js';

const ZIP_LOCAL_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** 0x1950a86a20f9469cfc6c, the first thing legacy torch.save pickles, little-endian as LONG1 stores it. */
const LEGACY_MAGIC = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const OP_LONG1 = 0x8a;
const OP_FRAME = 0x95;
const INDEX_SUFFIX = '.bin.index.json';

export const scanner: FileScanner = {
  name: 'pytorch',
  extensions: ['.pt', '.pth', '.ckpt', INDEX_SUFFIX],
  weakExtensions: ['.bin'],
  sniff: (head) => sniffTorchZip(head) || sniffPickle(head),
  scan: scanPytorch,
};

/**
 * Zip magic, and a first entry inside a folder: torch nests every record
 * under `<archive>/`, while most other zips (docx, plain archives) start
 * with a top-level file. A name cut off by the sniff window is accepted;
 * scan() decides from the central directory.
 */
export function sniffTorchZip(head: Uint8Array): boolean {
  if (!startsWith(head, ZIP_LOCAL_MAGIC)) return false;
  const nameLen = u16le(head, 26);
  if (nameLen === undefined || nameLen === 0 || head.length < 30) return false;
  const visible = head.subarray(30, 30 + nameLen);
  return visible.includes(0x2f) || visible.length < nameLen;
}

/** Legacy checkpoints open with `PROTO n`, an optional FRAME, then `LONG1` of the magic number. */
export function hasLegacyMagic(head: Uint8Array): boolean {
  if (pickleProtocol(head) === undefined) return false;
  const at = head[2] === OP_FRAME ? 11 : 2;
  return startsWith(head, [OP_LONG1, LEGACY_MAGIC.length, ...LEGACY_MAGIC], at);
}

async function scanPytorch(src: ByteSource, ctx: FileScanContext): Promise<FileScan> {
  if (ctx.path.toLowerCase().endsWith(INDEX_SUFFIX)) return scanPytorchIndex(src, ctx.path);
  const unread = (reason: string): FileScan => pickleScan('pytorch-zip', false, {}, reason, notAnalyzed(reason));
  try {
    if (src.size === 0) return unread('empty file');
    const head = await src.read(0, SNIFF_BYTES);
    if (startsWith(head, ZIP_LOCAL_MAGIC)) {
      const archive = await scanTorchArchive(src);
      // A zip that is not a torch archive can still hide pickles torch's reader would load.
      const analysis =
        archive.entries !== undefined
          ? await analyzeTorchZip(src, archive.entries, archive.dataPkl)
          : notAnalyzed(archive.ok ? 'zip archive not read' : archive.reason);
      return archive.ok
        ? pickleScan('pytorch-zip', true, archive.props, undefined, analysis)
        : pickleScan('pytorch-zip', false, {}, archive.reason, analysis);
    }
    const proto = pickleProtocol(head);
    if (proto !== undefined && proto <= PICKLE_PROTOCOL_MAX) {
      // Without the magic it is some other pickle that happens to carry a torch extension.
      const format = hasLegacyMagic(head) ? 'pytorch-legacy' : 'pickle';
      const props = { pickle_protocol: proto };
      // A legacy checkpoint holds at least five pickles (magic, protocol version, sys info,
      // object, storage keys); the first two are tiny, so requiring them catches truncation.
      const analyzer = new PickleAnalyzer();
      const ends = await analyzer.walk(src, { required: format === 'pytorch-legacy' ? 2 : 1 });
      const broken = ends.map(walkFailure).find((f) => f !== undefined);
      return pickleScan(format, broken === undefined, props, broken, analyzer.result());
    }
    return unread('not a pytorch checkpoint: neither a zip archive nor a pickle stream');
  } catch (err) {
    return unread(`read failed: ${(err as Error).message}`);
  }
}
