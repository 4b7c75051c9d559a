/**
 * ONNX model files (`.onnx`): a protobuf `ModelProto` with no magic bytes,
 * so there is no sniff; the extension claims the file and the content must
 * decode as a ModelProto. Spec: https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 *
 * Props emitted:
 * - `ir_version` (number): ONNX IR version.
 * - `producer_name`, `producer_version` (string): the exporting tool, e.g. `pytorch` `2.3.0`.
 * - `domain` (string): the model's reverse-DNS namespace.
 * - `model_version` (number): the integer model version.
 * - `graph_name` (string): name of the main graph.
 * - `opsets` (string[]): sorted `domain:version`, the default domain written `ai.onnx`.
 * - `onnx_metadata_keys` (string[]): sorted metadata_props keys.
 * - `node_count`, `initializer_count` (number): top-level graph nodes and initializers.
 */
import type { FileScan, ModelFacts, Props } from '../../types.js';
import { bigintToProp } from '../../util/protobuf.js';
import { sortedUnique } from '../../util/sort.js';
import type { FileScanner } from '../types.js';
import { parseOnnxModel, type OnnxHeader } from './parse.js';

/** Descriptions are for humans; a multi-megabyte doc_string is not. */
const DESCRIPTION_MAX = 1000;

export const scanner: FileScanner = {
  name: 'onnx',
  extensions: ['.onnx'],
  async scan(src) {
    try {
      if (src.size === 0) return fail('empty file');
      const r = await parseOnnxModel(src);
      const { props, model } = toFacts(r.header);
      if (!r.ok) return fail(`not an onnx protobuf: ${r.error}`, props, model);
      const h = r.header;
      if (h.irVersion === undefined) return fail('not an onnx model: no ir_version', props, model);
      if (!h.hasGraph && h.opsets.length === 0) return fail('not an onnx model: no graph or opset_import', props, model);
      return { format: 'onnx', parsed: true, props, model };
    } catch (err) {
      return fail(`read failed: ${(err as Error).message}`);
    }
  },
};

function fail(reason: string, props: Props = {}, model: ModelFacts = {}): FileScan {
  return { format: 'onnx', parsed: false, reason, props, model };
}

function toFacts(h: OnnxHeader): { props: Props; model: ModelFacts } {
  const props: Props = {};
  if (h.irVersion !== undefined) props.ir_version = bigintToProp(h.irVersion);
  if (h.producerName) props.producer_name = h.producerName;
  if (h.producerVersion) props.producer_version = h.producerVersion;
  if (h.domain) props.domain = h.domain;
  if (h.modelVersion !== undefined) props.model_version = bigintToProp(h.modelVersion);
  if (h.graphName) props.graph_name = h.graphName;
  if (h.opsets.length > 0) props.opsets = sortedUnique(h.opsets.map((o) => `${o.domain || 'ai.onnx'}:${o.version}`));
  if (h.metadata.size > 0) props.onnx_metadata_keys = sortedUnique(h.metadata.keys());
  if (h.nodeCount !== undefined) props.node_count = h.nodeCount;
  if (h.initializerCount !== undefined) props.initializer_count = h.initializerCount;

  const meta = (key: string): string | undefined => h.metadata.get(key)?.trim() || undefined;
  const model: ModelFacts = {};
  // NOTE: graph names are often exporter defaults (`main_graph`, `torch_jit`); still the best name the file has.
  if (h.graphName) model.name = h.graphName;
  const description = h.docString?.trim() || meta('description') || meta('doc_string');
  if (description) model.description = truncate(description, DESCRIPTION_MAX);
  const version = meta('version') ?? (h.modelVersion !== undefined && h.modelVersion > 0n ? h.modelVersion.toString() : undefined);
  if (version) model.version = version;
  const author = meta('author');
  if (author) model.author = author;
  const license = meta('license');
  if (license) model.licenses = [license];
  if (h.parameterCount !== undefined) model.parameterCount = h.parameterCount;
  return { props, model };
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
