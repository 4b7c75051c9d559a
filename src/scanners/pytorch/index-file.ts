/**
 * `pytorch_model.bin.index.json`: the map from tensor names to the shard
 * files of a sharded PyTorch checkpoint, written by transformers'
 * `save_pretrained`. Same layout as the safetensors index:
 * `{ "metadata": { "total_size": n }, "weight_map": { "<tensor>": "<file>" } }`.
 *
 * Spec: https://huggingface.co/docs/transformers/main/en/big_models#sharded-checkpoints
 */
import { posix } from 'node:path';
import type { ByteSource } from '../../util/byte-source.js';
import type { FileScan, Props } from '../../types.js';
import { decodeUtf8 } from '../../util/binary.js';
import { sortedUnique } from '../../util/sort.js';
import { pickleScan } from '../pickle/result.js';

/** Real indexes are a few MB even for 100B-parameter models; 50 MB bounds memory. */
export const MAX_INDEX_BYTES = 50_000_000;

export async function scanPytorchIndex(src: ByteSource, indexPath: string): Promise<FileScan> {
  const props: Props = { index_for: 'pytorch' };
  const result = (parsed: boolean, reason?: string, shards?: string[]): FileScan => ({
    ...pickleScan('pytorch-zip', parsed, props, reason),
    ...(shards === undefined ? {} : { shards }),
  });
  if (src.size === 0) return result(false, 'empty file');
  if (src.size > MAX_INDEX_BYTES) return result(false, `index file size ${src.size} exceeds cap ${MAX_INDEX_BYTES}`);
  let doc: unknown;
  try {
    const text = decodeUtf8(await src.read(0, src.size));
    if (text === undefined) return result(false, 'index is not valid utf-8');
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return result(false, `index is not valid json: ${(err as Error).message}`);
  }
  if (!isObject(doc) || !isObject(doc.weight_map)) return result(false, 'index has no weight_map object');
  const files = Object.values(doc.weight_map).filter((v): v is string => typeof v === 'string');
  props.tensor_count = Object.keys(doc.weight_map).length;
  const totalSize = isObject(doc.metadata) ? doc.metadata.total_size : undefined;
  if (typeof totalSize === 'number' && Number.isSafeInteger(totalSize) && totalSize >= 0) props.total_size = totalSize;
  const dir = posix.dirname(indexPath);
  const resolved = files.map((f) => resolveShard(dir, f));
  const rejected = resolved.filter((r) => r === undefined).length;
  if (rejected > 0) props.rejected_shard_names = rejected;
  return result(true, undefined, sortedUnique(resolved.filter((r): r is string => r !== undefined)));
}

/** Shard names are relative to the index's folder; anything that would leave the scan root is refused. */
function resolveShard(dir: string, file: string): string | undefined {
  if (file === '' || file.includes('\\') || file.includes('\0') || file.startsWith('/')) return undefined;
  const joined = posix.normalize(dir === '.' ? file : `${dir}/${file}`);
  if (joined === '..' || joined.startsWith('../') || joined === '.' || joined.endsWith('/')) return undefined;
  return joined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
