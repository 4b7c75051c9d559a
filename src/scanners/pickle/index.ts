/**
 * Plain pickle and joblib files. Loading one runs arbitrary code, so every
 * result says `pickle: true`; we identify and describe, never unpickle.
 * Every result carries `pickleAnalysis`: the globals the opcode walk found
 * (docs/PICKLE.md).
 *
 * Spec: CPython Lib/pickletools.py; joblib numpy_pickle.py
 * (https://github.com/joblib/joblib/blob/main/joblib/numpy_pickle.py).
 *
 * Props:
 * - `pickle_protocol` (number): protocol from the `\x80` header; absent for protocol 0/1 streams.
 * - `compression` (string): `zlib`, `gzip`, `xz`, `lz4` or `bz2` when the file is compressed (joblib `compress=`).
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { FileScan, ModelFormat, PickleAnalysis, Props } from '../../types.js';
import { SNIFF_BYTES, type FileScanContext, type FileScanner } from '../types.js';
import { PickleAnalyzer, notAnalyzed } from './analyze.js';
import { PICKLE_PROTOCOL_MAX } from './opcodes.js';
import { pickleScan } from './result.js';
import { detectCompression, pickleProtocol, plausibleHeaderlessPickle, sniffPickle } from './sniff.js';
import { walkFailure } from './walk.js';

export { pickleScan } from './result.js';
export { detectCompression, pickleProtocol, plausibleHeaderlessPickle, sniffPickle } from './sniff.js';
export { walkFailure, walkPickle, type PickleWalk } from './walk.js';
export { PickleAnalyzer, notAnalyzed } from './analyze.js';
export { classifyGlobal } from './classify.js';
export { memberHead } from './members.js';

export const scanner: FileScanner = {
  name: 'pickle',
  extensions: ['.pkl', '.pickle', '.joblib'],
  sniff: sniffPickle,
  scan: scanPickle,
};

async function scanPickle(src: ByteSource, ctx: FileScanContext): Promise<FileScan> {
  const format: ModelFormat = ctx.path.toLowerCase().endsWith('.joblib') ? 'joblib' : 'pickle';
  const props: Props = {};
  const result = (parsed: boolean, reason: string | undefined, analysis: PickleAnalysis): FileScan =>
    pickleScan(format, parsed, props, reason, analysis);
  const unread = (reason: string): FileScan => result(false, reason, notAnalyzed(reason));
  try {
    if (src.size === 0) return unread('empty file');
    const head = await src.read(0, SNIFF_BYTES);
    const compression = detectCompression(head);
    if (compression !== undefined) {
      // NOTE: compressed streams are not inflated, so their pickle is not walked.
      props.compression = compression;
      return result(true, undefined, notAnalyzed(`${compression}-compressed stream: its pickle is not inflated or walked`));
    }
    const proto = pickleProtocol(head);
    if (proto !== undefined) {
      if (proto > PICKLE_PROTOCOL_MAX) return unread(`unsupported pickle protocol ${proto}`);
      props.pickle_protocol = proto;
    } else if (head[0] === 0x80) {
      return unread('truncated pickle header');
    } else if (!plausibleHeaderlessPickle(head)) {
      return unread(`not a pickle stream: first byte 0x${head[0]!.toString(16).padStart(2, '0')} is not a plausible opcode`);
    }
    // joblib's raw array bytes between opcodes are stepped over by the walk (see joblib.ts).
    const analyzer = new PickleAnalyzer();
    const [first] = await analyzer.walk(src);
    const broken = first === undefined ? undefined : walkFailure(first);
    return result(broken === undefined, broken, analyzer.result());
  } catch (err) {
    return unread(`read failed: ${(err as Error).message}`);
  }
}
