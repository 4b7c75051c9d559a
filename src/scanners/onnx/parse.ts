/**
 * Pure ONNX `ModelProto` header parsing over a ByteSource.
 * Spec: https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 *
 * The graph (field 7) holds the weights and can be gigabytes: it is walked
 * field by field, skipping nodes and tensor payloads by their length prefix,
 * so only keys, names and initializer dims are ever read.
 */
import type { ByteSource } from '../../util/byte-source.js';
import {
  WIRE_LEN,
  WIRE_VARINT,
  decodePackedVarints,
  toInt64,
  checkWire,
  readStringEntry,
  walkMessage,
  type ProtoField,
  type WireSchema,
} from '../../util/protobuf.js';

/** Names, versions and doc strings are short; a longer one is skipped, not read. */
const STRING_CAP = 1024 * 1024;
/** Graph and metadata names: anything longer is not a name. */
const NAME_CAP = 64 * 1024;
/** Top-level ModelProto fields: a dozen scalars plus opsets and metadata entries. */
const MODEL_MAX_FIELDS = 100_000;
/** Top-level fields of the graph (nodes, inputs, initializers…) walked at most. */
const GRAPH_MAX_FIELDS = 10_000_000;
/** Fields walked over all initializer tensors, so string tensors cannot stall the scan. */
const TENSOR_FIELD_BUDGET = 10_000_000;
/** ONNX tensors have a handful of dims; more means a corrupt tensor. */
const MAX_DIMS = 64;

export interface OnnxOpset {
  readonly domain: string;
  readonly version: bigint;
}

export interface OnnxHeader {
  irVersion?: bigint;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: bigint;
  docString?: string;
  hasGraph: boolean;
  graphName?: string;
  nodeCount?: number;
  initializerCount?: number;
  /**
   * Sum of initializer element counts; undefined when any could not be
   * counted, or when there are none (old exporters keep weights in Constant nodes).
   */
  parameterCount?: number;
  opsets: OnnxOpset[];
  /** metadata_props; a value is undefined when too long or not UTF-8. */
  metadata: Map<string, string | undefined>;
}

export type OnnxParse = { ok: true; header: OnnxHeader } | { ok: false; error: string; header: OnnxHeader };

const MODEL_SCHEMA: WireSchema = {
  1: [WIRE_VARINT, 'ir_version'],
  2: [WIRE_LEN, 'producer_name'],
  3: [WIRE_LEN, 'producer_version'],
  4: [WIRE_LEN, 'domain'],
  5: [WIRE_VARINT, 'model_version'],
  6: [WIRE_LEN, 'doc_string'],
  7: [WIRE_LEN, 'graph'],
  8: [WIRE_LEN, 'opset_import'],
  14: [WIRE_LEN, 'metadata_props'],
};
const OPSET_SCHEMA: WireSchema = { 1: [WIRE_LEN, 'opset domain'], 2: [WIRE_VARINT, 'opset version'] };
const ENTRY_SCHEMA: WireSchema = { 1: [WIRE_LEN, 'metadata key'], 2: [WIRE_LEN, 'metadata value'] };
const GRAPH_SCHEMA: WireSchema = { 1: [WIRE_LEN, 'node'], 2: [WIRE_LEN, 'graph name'], 5: [WIRE_LEN, 'initializer'] };

export async function parseOnnxModel(src: ByteSource): Promise<OnnxParse> {
  const h: OnnxHeader = { hasGraph: false, opsets: [], metadata: new Map() };
  const r = await walkMessage(
    src,
    async (f) => {
      const bad = checkWire(f, MODEL_SCHEMA);
      if (bad !== undefined) return bad;
      switch (f.field) {
        case 1:
          h.irVersion = toInt64(f.value);
          break;
        case 2:
          h.producerName = await f.string(STRING_CAP);
          break;
        case 3:
          h.producerVersion = await f.string(STRING_CAP);
          break;
        case 4:
          h.domain = await f.string(STRING_CAP);
          break;
        case 5:
          h.modelVersion = toInt64(f.value);
          break;
        case 6:
          h.docString = await f.string(STRING_CAP);
          break;
        case 7:
          await readGraph(f, h);
          break;
        case 8:
          await readOpset(f, h);
          break;
        case 14:
          await readMetadataProp(f, h);
          break;
        // training_info (20), functions (25) and unknown fields are skipped by length.
      }
      return undefined;
    },
    { maxFields: MODEL_MAX_FIELDS },
  );
  if (!r.ok) return { ok: false, error: r.error, header: h };
  if (!r.complete) return { ok: false, error: `more than ${MODEL_MAX_FIELDS} top-level fields`, header: h };
  return { ok: true, header: h };
}

async function readOpset(f: ProtoField, h: OnnxHeader): Promise<void> {
  let domain = '';
  let version = 0n;
  await f.walk(async (g) => {
    const bad = checkWire(g, OPSET_SCHEMA);
    if (bad !== undefined) return bad;
    if (g.field === 1) domain = (await g.string(NAME_CAP)) ?? '';
    else if (g.field === 2) version = toInt64(g.value);
    return undefined;
  });
  h.opsets.push({ domain, version });
}

async function readMetadataProp(f: ProtoField, h: OnnxHeader): Promise<void> {
  const { key, value } = await readStringEntry(f, ENTRY_SCHEMA, NAME_CAP, STRING_CAP);
  if (key !== undefined) h.metadata.set(key, value);
}

async function readGraph(f: ProtoField, h: OnnxHeader): Promise<void> {
  h.hasGraph = true;
  let nodes = 0;
  let initializers = 0;
  let params = 0n;
  let paramsKnown = true;
  const budget = { fields: TENSOR_FIELD_BUDGET };
  const walked = await f.walk(
    async (g) => {
      const bad = checkWire(g, GRAPH_SCHEMA);
      if (bad !== undefined) return bad;
      if (g.field === 1) nodes++;
      else if (g.field === 2) h.graphName = await g.string(NAME_CAP);
      else if (g.field === 5) {
        initializers++;
        const n = paramsKnown ? await countTensorElements(g, budget) : undefined;
        if (n === undefined) paramsKnown = false;
        else params += n;
      }
      // NOTE: sparse_initializer (15) is not counted; sparse weights are rare in exported models.
      return undefined;
    },
    { maxFields: GRAPH_MAX_FIELDS },
  );
  if (walked.complete) {
    h.nodeCount = nodes;
    h.initializerCount = initializers;
    if (paramsKnown && initializers > 0 && params <= BigInt(Number.MAX_SAFE_INTEGER)) h.parameterCount = Number(params);
  }
}

/** Product of a TensorProto's dims (field 1, packed or not), or undefined when unreadable. */
async function countTensorElements(t: ProtoField, budget: { fields: number }): Promise<bigint | undefined> {
  const dims: bigint[] = [];
  let bad = false;
  const walked = await t.walk(
    async (d) => {
      if (d.field !== 1) return undefined;
      if (d.wireType === WIRE_VARINT) dims.push(toInt64(d.value));
      else if (d.wireType === WIRE_LEN) {
        const packed = await d.bytes(MAX_DIMS * 10);
        const vals = packed === undefined ? undefined : decodePackedVarints(packed, MAX_DIMS);
        if (vals === undefined || !Array.isArray(vals)) bad = true;
        else dims.push(...vals.map(toInt64));
      } else bad = true;
      return undefined;
    },
    { maxFields: budget.fields },
  );
  budget.fields -= walked.fields;
  if (!walked.complete || bad || dims.length > MAX_DIMS || dims.some((x) => x < 0n)) return undefined;
  return dims.reduce((a, b) => a * b, 1n);
}
