/**
 * Sharded-checkpoint index (`model.safetensors.index.json`), as written by
 * transformers / huggingface_hub: `{ metadata: { total_size, total_parameters? }, weight_map: { tensor: shard } }`.
 * https://huggingface.co/docs/huggingface_hub/package_reference/serialization
 */
import { posix } from 'node:path';
import { readExactly, type ByteSource } from '../../util/byte-source.js';
import { errorMessage } from '../../util/error-message.js';
import { sortedUnique } from '../../util/sort.js';
import type { FileScan, ModelFacts, Props } from '../../types.js';
import { isPlainObject, parseJsonObject } from './parse.js';

/** Real indexes are a few MB at most (one line per tensor); anything bigger is not one. */
export const MAX_INDEX_BYTES = 50 * 1024 * 1024;

function fail(reason: string): FileScan {
  return { format: 'safetensors-index', parsed: false, reason, props: {}, model: {} };
}

/**
 * Parse a safetensors index. `indexPath` is the index's root-relative POSIX
 * path; shard names are resolved against its folder. Never throws.
 */
export async function parseSafetensorsIndex(src: ByteSource, indexPath: string): Promise<FileScan> {
  try {
    return await parseIndex(src, indexPath);
  } catch (err) {
    return fail(`read error: ${errorMessage(err)}`);
  }
}

async function parseIndex(src: ByteSource, indexPath: string): Promise<FileScan> {
  if (src.size > MAX_INDEX_BYTES) return fail(`index file size ${src.size} exceeds cap ${MAX_INDEX_BYTES}`);
  const bytes = await readExactly(src, 0, src.size);
  if (bytes === undefined) return fail('index file shrank while reading');
  const json = parseJsonObject(bytes, 'index');
  if (typeof json === 'string') return fail(json);
  const weightMap = json.weight_map;
  if (!isPlainObject(weightMap)) return fail('index has no weight_map object');

  const props: Props = { tensor_count: Object.keys(weightMap).length };
  const model: ModelFacts = {};
  const metadata = json.metadata;
  if (isPlainObject(metadata)) {
    if (isCount(metadata.total_size)) props.total_size = metadata.total_size;
    if (isCount(metadata.total_parameters)) model.parameterCount = metadata.total_parameters;
  }

  const folder = posix.dirname(indexPath);
  const shards: string[] = [];
  let ignored = 0;
  for (const file of sortedUnique(Object.values(weightMap).filter((v): v is string => typeof v === 'string'))) {
    const resolved = resolveShard(folder, file);
    if (resolved === undefined) ignored++;
    else shards.push(resolved);
  }
  const nonStrings = Object.values(weightMap).filter((v) => typeof v !== 'string').length;
  if (ignored + nonStrings > 0) props.ignored_shard_count = ignored + nonStrings;
  return { format: 'safetensors-index', parsed: true, props, model, shards: sortedUnique(shards) };
}

/**
 * Resolve a shard name inside the scan root, or undefined for names that are
 * absolute, empty or climb out of the root: an index must not point discovery
 * at files outside the tree.
 */
function resolveShard(folder: string, file: string): string | undefined {
  const name = file.replaceAll('\\', '/');
  if (name === '' || name.startsWith('/') || /^[A-Za-z]:/.test(name)) return undefined;
  const joined = posix.normalize(posix.join(folder, name));
  if (joined === '..' || joined.startsWith('../') || joined === '.' || joined.endsWith('/')) return undefined;
  return joined;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
