/**
 * Pure Core ML `.mlmodel` header parsing: a protobuf `CoreML.Specification.Model`.
 * Spec: https://github.com/apple/coremltools/blob/main/mlmodel/format/Model.proto
 *
 * Only the specification version and the description (inputs, outputs,
 * metadata) are read; the model-type payload (fields 200+, holding the
 * weights) is skipped by its length prefix.
 */
import type { ByteSource } from '../../util/byte-source.js';
import {
  WIRE_LEN,
  WIRE_VARINT,
  checkWire,
  readStringEntry,
  toInt64,
  walkMessage,
  type ProtoField,
  type WireSchema,
} from '../../util/protobuf.js';

/** Metadata strings are human text; a longer one is skipped, not read. */
const STRING_CAP = 1024 * 1024;
/** userDefined keys are identifiers; longer is not a key. */
const KEY_CAP = 64 * 1024;
/** Top-level Model fields are few; more means garbage that happens to decode. */
const MODEL_MAX_FIELDS = 10_000;
/** Inputs and outputs of a description walked at most. */
const DESCRIPTION_MAX_FIELDS = 1_000_000;

/** The `Model.Type` oneof, from Model.proto. */
export const COREML_MODEL_TYPES: Readonly<Record<number, string>> = {
  200: 'pipelineClassifier',
  201: 'pipelineRegressor',
  202: 'pipeline',
  300: 'glmRegressor',
  301: 'supportVectorRegressor',
  302: 'treeEnsembleRegressor',
  303: 'neuralNetworkRegressor',
  304: 'bayesianProbitRegressor',
  400: 'glmClassifier',
  401: 'supportVectorClassifier',
  402: 'treeEnsembleClassifier',
  403: 'neuralNetworkClassifier',
  404: 'kNearestNeighborsClassifier',
  500: 'neuralNetwork',
  501: 'itemSimilarityRecommender',
  502: 'mlProgram',
  555: 'customModel',
  556: 'linkedModel',
  560: 'classConfidenceThresholding',
  600: 'oneHotEncoder',
  601: 'imputer',
  602: 'featureVectorizer',
  603: 'dictVectorizer',
  604: 'scaler',
  606: 'categoricalMapping',
  607: 'normalizer',
  609: 'arrayFeatureExtractor',
  610: 'nonMaximumSuppression',
  900: 'identity',
  2000: 'textClassifier',
  2001: 'wordTagger',
  2002: 'visionFeaturePrint',
  2003: 'soundAnalysisPreprocessing',
  2004: 'gazetteer',
  2005: 'wordEmbedding',
  2006: 'audioFeaturePrint',
  3000: 'serializedModel',
};

/** Model type fields start here; everything below is description and flags. */
const FIRST_TYPE_FIELD = 200;

export interface CoreMlHeader {
  specificationVersion?: bigint;
  hasDescription: boolean;
  isUpdatable?: boolean;
  /** Field number of the model-type oneof member present. */
  typeField?: number;
  inputCount?: number;
  outputCount?: number;
  shortDescription?: string;
  versionString?: string;
  author?: string;
  license?: string;
  /** Metadata.userDefined; a value is undefined when too long or not UTF-8. */
  userDefined: Map<string, string | undefined>;
}

export type CoreMlParse = { ok: true; header: CoreMlHeader } | { ok: false; error: string; header: CoreMlHeader };

const MODEL_SCHEMA: WireSchema = {
  1: [WIRE_VARINT, 'specificationVersion'],
  2: [WIRE_LEN, 'description'],
  10: [WIRE_VARINT, 'isUpdatable'],
};
const DESCRIPTION_SCHEMA: WireSchema = { 1: [WIRE_LEN, 'input'], 10: [WIRE_LEN, 'output'], 100: [WIRE_LEN, 'metadata'] };
const METADATA_SCHEMA: WireSchema = {
  1: [WIRE_LEN, 'shortDescription'],
  2: [WIRE_LEN, 'versionString'],
  3: [WIRE_LEN, 'author'],
  4: [WIRE_LEN, 'license'],
  100: [WIRE_LEN, 'userDefined'],
};
const ENTRY_SCHEMA: WireSchema = { 1: [WIRE_LEN, 'userDefined key'], 2: [WIRE_LEN, 'userDefined value'] };

export async function parseCoreMlModel(src: ByteSource): Promise<CoreMlParse> {
  const h: CoreMlHeader = { hasDescription: false, userDefined: new Map() };
  const r = await walkMessage(
    src,
    async (f) => {
      const bad = checkWire(f, MODEL_SCHEMA);
      if (bad !== undefined) return bad;
      if (f.field === 1) h.specificationVersion = toInt64(f.value);
      else if (f.field === 2) await readDescription(f, h);
      else if (f.field === 10) h.isUpdatable = f.value !== 0n;
      else if (f.field >= FIRST_TYPE_FIELD) {
        if (f.wireType !== WIRE_LEN) return `model type field ${f.field} has wire type ${f.wireType}, expected 2`;
        h.typeField ??= f.field; // a oneof: a second member would be corrupt; keep the first
      }
      return undefined;
    },
    { maxFields: MODEL_MAX_FIELDS },
  );
  if (!r.ok) return { ok: false, error: r.error, header: h };
  if (!r.complete) return { ok: false, error: `more than ${MODEL_MAX_FIELDS} top-level fields`, header: h };
  return { ok: true, header: h };
}

async function readDescription(f: ProtoField, h: CoreMlHeader): Promise<void> {
  h.hasDescription = true;
  let inputs = 0;
  let outputs = 0;
  const walked = await f.walk(
    async (g) => {
      const bad = checkWire(g, DESCRIPTION_SCHEMA);
      if (bad !== undefined) return bad;
      if (g.field === 1) inputs++;
      else if (g.field === 10) outputs++;
      else if (g.field === 100) await readMetadata(g, h);
      return undefined;
    },
    { maxFields: DESCRIPTION_MAX_FIELDS },
  );
  if (walked.complete) {
    h.inputCount = inputs;
    h.outputCount = outputs;
  }
}

async function readMetadata(f: ProtoField, h: CoreMlHeader): Promise<void> {
  await f.walk(async (g) => {
    const bad = checkWire(g, METADATA_SCHEMA);
    if (bad !== undefined) return bad;
    if (g.field === 1) h.shortDescription = await g.string(STRING_CAP);
    else if (g.field === 2) h.versionString = await g.string(STRING_CAP);
    else if (g.field === 3) h.author = await g.string(STRING_CAP);
    else if (g.field === 4) h.license = await g.string(STRING_CAP);
    else if (g.field === 100) await readEntry(g, h);
    return undefined;
  });
}

async function readEntry(f: ProtoField, h: CoreMlHeader): Promise<void> {
  const { key, value } = await readStringEntry(f, ENTRY_SCHEMA, KEY_CAP, STRING_CAP);
  if (key !== undefined) h.userDefined.set(key, value);
}
