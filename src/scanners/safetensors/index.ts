/**
 * safetensors weights and their sharded-checkpoint index.
 *
 * Props emitted (`.safetensors`):
 * - `tensor_count`: number of tensors in the header (excluding `__metadata__`).
 * - `dtypes`: sorted unique tensor dtypes, e.g. `["BF16","F32"]`.
 * - `safetensors_metadata_keys`: sorted keys of the `__metadata__` map, when present.
 * - `safetensors_format`: `__metadata__.format` (`pt`, `tf`, `flax`, `mlx`, …), when present.
 * - `safetensors_inconsistent`: why the header's offsets do not match the file
 *   (truncated download, gaps, wrong sizes); the header facts are still reported.
 *
 * Props emitted (`.safetensors.index.json`):
 * - `tensor_count`: number of entries in `weight_map`.
 * - `total_size`: `metadata.total_size`, the summed byte size of the shards' tensors.
 * - `ignored_shard_count`: shard names dropped because they were not strings or
 *   pointed outside the scan root (absolute, `..`).
 */
import type { FileScanner } from '../types.js';
import { parseSafetensorsIndex } from './index-file.js';
import { parseSafetensorsHeader, sniffSafetensors } from './parse.js';

export { parseSafetensorsHeader, sniffSafetensors, MAX_HEADER_BYTES } from './parse.js';
export { parseSafetensorsIndex, MAX_INDEX_BYTES } from './index-file.js';

const INDEX_SUFFIX = '.safetensors.index.json';

export const scanner: FileScanner = {
  name: 'safetensors',
  extensions: ['.safetensors', INDEX_SUFFIX],
  sniff: sniffSafetensors,
  scan: (src, ctx) =>
    ctx.path.toLowerCase().endsWith(INDEX_SUFFIX) ? parseSafetensorsIndex(src, ctx.path) : parseSafetensorsHeader(src),
};
