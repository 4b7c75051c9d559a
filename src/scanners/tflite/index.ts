/**
 * TensorFlow Lite models (`.tflite`): a FlatBuffer with the file identifier
 * `TFL3` at bytes 4–8.
 * Schema: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/compiler/mlir/lite/schema/schema.fbs
 *
 * Props emitted:
 * - `tflite_schema_version` (number): Model.version, the schema version (3 today).
 * - `subgraph_count` (number): length of Model.subgraphs.
 * - `operator_code_count` (number): distinct operator codes the model uses.
 * - `buffer_count` (number): length of Model.buffers.
 * - `tflite_metadata_names` (string[]): sorted Model.metadata names, e.g. `min_runtime_version`, `TFLITE_METADATA`.
 * - `min_runtime_version` (string): the TFLite runtime the model needs, e.g. `1.14.0`.
 * - `signature_keys` (string[]): sorted SignatureDef keys, e.g. `serving_default`.
 */
import type { FileScan, ModelFacts, Props } from '../../types.js';
import { sortedUnique } from '../../util/sort.js';
import type { FileScanner } from '../types.js';
import { hasTfliteIdentifier, parseTflite, type TfliteHeader } from './parse.js';

/** Descriptions are for humans; a long one is not. */
const DESCRIPTION_MAX = 1000;

export const scanner: FileScanner = {
  name: 'tflite',
  extensions: ['.tflite'],
  sniff: hasTfliteIdentifier,
  async scan(src) {
    try {
      const r = await parseTflite(src);
      const { props, model } = toFacts(r.header);
      if (!r.ok) return { format: 'tflite', parsed: false, reason: r.error, props, model };
      return { format: 'tflite', parsed: true, props, model };
    } catch (err) {
      return { format: 'tflite', parsed: false, reason: `read failed: ${(err as Error).message}`, props: {}, model: {} };
    }
  },
};

function toFacts(h: TfliteHeader): { props: Props; model: ModelFacts } {
  const props: Props = {};
  if (h.version !== undefined) props.tflite_schema_version = h.version;
  if (h.subgraphCount !== undefined) props.subgraph_count = h.subgraphCount;
  if (h.operatorCodeCount !== undefined) props.operator_code_count = h.operatorCodeCount;
  if (h.bufferCount !== undefined) props.buffer_count = h.bufferCount;
  if (h.metadataNames.length > 0) props.tflite_metadata_names = sortedUnique(h.metadataNames);
  if (h.minRuntimeVersion) props.min_runtime_version = h.minRuntimeVersion;
  if (h.signatureKeys.length > 0) props.signature_keys = sortedUnique(h.signatureKeys);
  const model: ModelFacts = {};
  const description = h.description?.trim();
  // NOTE: converters write a banner here ("TOCO Converted.", "MLIR Converted."); it is still the file's own description.
  if (description) model.description = [...description].slice(0, DESCRIPTION_MAX).join('');
  return { props, model };
}
