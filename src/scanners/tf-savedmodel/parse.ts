/**
 * Pure parsing of a TensorFlow `saved_model.pb`: a protobuf `SavedModel`.
 * Spec: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/core/protobuf/saved_model.proto
 * and meta_graph.proto (MetaGraphDef, MetaInfoDef).
 *
 * graph_def (the ops and, in frozen graphs, the constants) can be gigabytes;
 * it is skipped by its length prefix. Only meta info and signature keys are read.
 */
import type { ByteSource } from '../../util/byte-source.js';
import { WIRE_LEN, WIRE_VARINT, checkWire, toInt64, walkMessage, type ProtoField, type WireSchema } from '../../util/protobuf.js';

/** Tags and version strings are short identifiers. */
const STRING_CAP = 64 * 1024;
/** A SavedModel holds a few meta graphs; more top-level fields means garbage. */
const MODEL_MAX_FIELDS = 10_000;
/** Fields of one MetaGraphDef (collections, signatures, assets) walked at most. */
const META_GRAPH_MAX_FIELDS = 1_000_000;

export interface SavedModelHeader {
  schemaVersion?: bigint;
  metaGraphCount: number;
  tags: string[];
  tensorflowVersions: string[];
  tensorflowGitVersions: string[];
  signatureKeys: string[];
}

export type SavedModelParse =
  | { ok: true; header: SavedModelHeader }
  | { ok: false; error: string; header: SavedModelHeader };

const SAVED_MODEL_SCHEMA: WireSchema = { 1: [WIRE_VARINT, 'saved_model_schema_version'], 2: [WIRE_LEN, 'meta_graphs'] };
const META_GRAPH_SCHEMA: WireSchema = { 1: [WIRE_LEN, 'meta_info_def'], 2: [WIRE_LEN, 'graph_def'], 5: [WIRE_LEN, 'signature_def'] };
const META_INFO_SCHEMA: WireSchema = {
  1: [WIRE_LEN, 'meta_graph_version'],
  4: [WIRE_LEN, 'tags'],
  5: [WIRE_LEN, 'tensorflow_version'],
  6: [WIRE_LEN, 'tensorflow_git_version'],
};
const MAP_ENTRY_SCHEMA: WireSchema = { 1: [WIRE_LEN, 'signature key'] };

export async function parseSavedModel(src: ByteSource): Promise<SavedModelParse> {
  const h: SavedModelHeader = {
    metaGraphCount: 0,
    tags: [],
    tensorflowVersions: [],
    tensorflowGitVersions: [],
    signatureKeys: [],
  };
  const r = await walkMessage(
    src,
    async (f) => {
      const bad = checkWire(f, SAVED_MODEL_SCHEMA);
      if (bad !== undefined) return bad;
      if (f.field === 1) h.schemaVersion = toInt64(f.value);
      else if (f.field === 2) {
        h.metaGraphCount++;
        await readMetaGraph(f, h);
      }
      return undefined;
    },
    { maxFields: MODEL_MAX_FIELDS },
  );
  if (!r.ok) return { ok: false, error: r.error, header: h };
  if (!r.complete) return { ok: false, error: `more than ${MODEL_MAX_FIELDS} top-level fields`, header: h };
  return { ok: true, header: h };
}

async function readMetaGraph(f: ProtoField, h: SavedModelHeader): Promise<void> {
  await f.walk(
    async (g) => {
      const bad = checkWire(g, META_GRAPH_SCHEMA);
      if (bad !== undefined) return bad;
      if (g.field === 1) await readMetaInfo(g, h);
      else if (g.field === 5) {
        await g.walk(async (e) => {
          const badKey = checkWire(e, MAP_ENTRY_SCHEMA);
          if (badKey !== undefined) return badKey;
          const key = e.field === 1 ? await e.string(STRING_CAP) : undefined;
          if (key !== undefined) h.signatureKeys.push(key);
          return undefined;
        });
      }
      // graph_def (2), saver_def, collection_def, asset_file_def, object_graph_def: skipped by length.
      return undefined;
    },
    { maxFields: META_GRAPH_MAX_FIELDS },
  );
}

async function readMetaInfo(f: ProtoField, h: SavedModelHeader): Promise<void> {
  await f.walk(async (g) => {
    const bad = checkWire(g, META_INFO_SCHEMA);
    if (bad !== undefined) return bad;
    const push = async (list: string[]): Promise<void> => {
      const s = await g.string(STRING_CAP);
      if (s) list.push(s);
    };
    if (g.field === 4) await push(h.tags);
    else if (g.field === 5) await push(h.tensorflowVersions);
    else if (g.field === 6) await push(h.tensorflowGitVersions);
    return undefined;
  });
}
