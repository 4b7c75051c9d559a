/**
 * Core ML model specs (`.mlmodel`): a protobuf with no magic bytes, claimed
 * by extension. `.mlpackage` folders are found with `detectMlPackages`, and
 * their inner `model.mlmodel` is scanned here like any other.
 * Spec: https://github.com/apple/coremltools/blob/main/mlmodel/format/Model.proto
 *
 * Props emitted:
 * - `specification_version` (number): Core ML spec version (1 = iOS 11 … 8 = iOS 17).
 * - `coreml_model_type_field` (number): field number of the Model.Type oneof member (≥ 200).
 * - `coreml_model_type` (string): its name from Model.proto, e.g. `neuralNetwork`, `mlProgram`.
 * - `is_updatable` (boolean): written only when the model supports on-device update.
 * - `input_count`, `output_count` (number): features in the model description.
 * - `coreml_user_defined_keys` (string[]): sorted Metadata.userDefined keys.
 * - `coremltools_version` (string): `com.github.apple.coremltools.version` from userDefined.
 * - `coremltools_source` (string): `com.github.apple.coremltools.source`, e.g. `torch==2.1.0`.
 */
import type { FileScan, ModelFacts, Props } from '../../types.js';
import { bigintToProp } from '../../util/protobuf.js';
import { sortedUnique } from '../../util/sort.js';
import type { FileScanner } from '../types.js';
import { COREML_MODEL_TYPES, parseCoreMlModel, type CoreMlHeader } from './parse.js';

export { detectMlPackages, findMlPackageModel, type MlPackage } from './package.js';

/** Descriptions are for humans; a multi-megabyte one is not. */
const DESCRIPTION_MAX = 1000;

export const scanner: FileScanner = {
  name: 'coreml',
  extensions: ['.mlmodel'],
  async scan(src) {
    try {
      if (src.size === 0) return fail('empty file');
      const r = await parseCoreMlModel(src);
      const { props, model } = toFacts(r.header);
      if (!r.ok) return fail(`not a core ml protobuf: ${r.error}`, props, model);
      const h = r.header;
      if (h.specificationVersion === undefined) return fail('not a core ml model: no specificationVersion', props, model);
      if (!h.hasDescription && h.typeField === undefined) {
        return fail('not a core ml model: no description or model type', props, model);
      }
      return { format: 'coreml', parsed: true, props, model };
    } catch (err) {
      return fail(`read failed: ${(err as Error).message}`);
    }
  },
};

function fail(reason: string, props: Props = {}, model: ModelFacts = {}): FileScan {
  return { format: 'coreml', parsed: false, reason, props, model };
}

function toFacts(h: CoreMlHeader): { props: Props; model: ModelFacts } {
  const props: Props = {};
  if (h.specificationVersion !== undefined) props.specification_version = bigintToProp(h.specificationVersion);
  if (h.typeField !== undefined) {
    props.coreml_model_type_field = h.typeField;
    const name = COREML_MODEL_TYPES[h.typeField];
    if (name) props.coreml_model_type = name;
  }
  if (h.isUpdatable) props.is_updatable = true;
  if (h.inputCount !== undefined) props.input_count = h.inputCount;
  if (h.outputCount !== undefined) props.output_count = h.outputCount;
  if (h.userDefined.size > 0) props.coreml_user_defined_keys = sortedUnique(h.userDefined.keys());
  const tools = h.userDefined.get('com.github.apple.coremltools.version')?.trim();
  if (tools) props.coremltools_version = tools;
  const source = h.userDefined.get('com.github.apple.coremltools.source')?.trim();
  if (source) props.coremltools_source = source;

  const model: ModelFacts = {};
  const description = h.shortDescription?.trim();
  if (description) model.description = truncate(description, DESCRIPTION_MAX);
  const version = h.versionString?.trim();
  if (version) model.version = version;
  const author = h.author?.trim();
  if (author) model.author = author;
  const license = h.license?.trim();
  if (license) model.licenses = [license];
  return { props, model };
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
