/**
 * TensorFlow SavedModel: a folder with `saved_model.pb` (graph, signatures,
 * meta info) and `variables/` (weights). The scanner parses the `.pb`;
 * `detectSavedModelDirs` groups the folder's files for the resolver.
 * Spec: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/core/protobuf/saved_model.proto
 *
 * Props emitted:
 * - `saved_model_schema_version` (number): SavedModel.saved_model_schema_version (1 today).
 * - `meta_graph_count` (number): MetaGraphDefs in the file (usually 1).
 * - `saved_model_tags` (string[]): sorted union of the meta graphs' tags, e.g. `serve`, `train`.
 * - `tensorflow_version` (string): the TensorFlow that wrote it, e.g. `2.15.0`
 *   (sorted and comma-joined when meta graphs disagree).
 * - `tensorflow_git_version` (string): the TensorFlow build, e.g. `v2.15.0-rc1-8-g6887368d6d4`.
 * - `signature_keys` (string[]): sorted signature names, e.g. `serving_default`.
 */
import type { FileScan, Props } from '../../types.js';
import { bigintToProp } from '../../util/protobuf.js';
import { sortedUnique } from '../../util/sort.js';
import type { FileScanner } from '../types.js';
import { parseSavedModel, type SavedModelHeader } from './parse.js';

export { detectSavedModelDirs, type SavedModelDir } from './detect.js';

export const scanner: FileScanner = {
  name: 'tf-savedmodel',
  // Matched against the end of the lower-cased basename; SavedModel always uses this exact name.
  extensions: ['saved_model.pb'],
  async scan(src) {
    try {
      if (src.size === 0) return fail('empty file');
      const r = await parseSavedModel(src);
      const props = toProps(r.header);
      if (!r.ok) return fail(`not a savedmodel protobuf: ${r.error}`, props);
      if (r.header.schemaVersion === undefined && r.header.metaGraphCount === 0) {
        return fail('not a savedmodel: no schema version or meta graphs', props);
      }
      return { format: 'tf-savedmodel', parsed: true, props, model: {} };
    } catch (err) {
      return fail(`read failed: ${(err as Error).message}`);
    }
  },
};

function fail(reason: string, props: Props = {}): FileScan {
  return { format: 'tf-savedmodel', parsed: false, reason, props, model: {} };
}

function toProps(h: SavedModelHeader): Props {
  const props: Props = {};
  if (h.schemaVersion !== undefined) props.saved_model_schema_version = bigintToProp(h.schemaVersion);
  if (h.metaGraphCount > 0) props.meta_graph_count = h.metaGraphCount;
  if (h.tags.length > 0) props.saved_model_tags = sortedUnique(h.tags);
  if (h.tensorflowVersions.length > 0) props.tensorflow_version = sortedUnique(h.tensorflowVersions).join(', ');
  if (h.tensorflowGitVersions.length > 0) props.tensorflow_git_version = sortedUnique(h.tensorflowGitVersions).join(', ');
  if (h.signatureKeys.length > 0) props.signature_keys = sortedUnique(h.signatureKeys);
  return props;
}
