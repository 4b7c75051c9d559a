/**
 * Pure TFLite header parsing: the root `Model` table of the FlatBuffer.
 * Schema: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/compiler/mlir/lite/schema/schema.fbs
 *
 * Only tables, vector lengths and short strings are read; buffer data
 * (the weights) is never touched.
 */
import type { ByteSource } from '../../util/byte-source.js';
import { decodeUtf8, startsWith } from '../../util/binary.js';
import { FlatBufferError, FlatBufferReader, type FbTable } from './flatbuffer.js';

/** Root table, vtables and small vectors sit near the start; one read covers them. */
const HEAD_CAP = 1024 * 1024;
/** The description is a converter banner ("MLIR Converted."); longer is not read. */
const DESCRIPTION_CAP = 64 * 1024;
/** Metadata and signature names are identifiers. */
const NAME_CAP = 4 * 1024;
/** Metadata entries and signatures walked at most; real models have a handful. */
const MAX_ENTRIES = 1000;
/** `min_runtime_version` is a short semver string in a buffer. */
const RUNTIME_VERSION_CAP = 64;

export const TFLITE_IDENTIFIER = 'TFL3';

/** Model table fields, by index in schema.fbs. */
const F_VERSION = 0;
const F_OPERATOR_CODES = 1;
const F_SUBGRAPHS = 2;
const F_DESCRIPTION = 3;
const F_BUFFERS = 4;
const F_METADATA = 6;
const F_SIGNATURE_DEFS = 7;

export interface TfliteHeader {
  version?: number;
  operatorCodeCount?: number;
  subgraphCount?: number;
  bufferCount?: number;
  description?: string;
  metadataNames: string[];
  minRuntimeVersion?: string;
  signatureKeys: string[];
}

export type TfliteParse = { ok: true; header: TfliteHeader } | { ok: false; error: string; header: TfliteHeader };

export function hasTfliteIdentifier(head: Uint8Array): boolean {
  return startsWith(head, TFLITE_IDENTIFIER, 4);
}

export async function parseTflite(src: ByteSource): Promise<TfliteParse> {
  const h: TfliteHeader = { metadataNames: [], signatureKeys: [] };
  if (src.size < 8) return { ok: false, error: `file too small for a flatbuffer header (${src.size} bytes)`, header: h };
  try {
    const head = await src.read(0, Math.min(src.size, HEAD_CAP));
    if (!hasTfliteIdentifier(head)) {
      return { ok: false, error: `missing tflite identifier ${TFLITE_IDENTIFIER} at byte 4`, header: h };
    }
    const fb = new FlatBufferReader(src, head);
    const model = await fb.table(await fb.deref(0, 'root offset'), 'model');
    h.version = (await fb.fieldU32(model, F_VERSION, 'version')) ?? 0; // absent means the schema default, 0
    h.operatorCodeCount = await optionalLength(fb, model, F_OPERATOR_CODES, 'operator_codes');
    h.subgraphCount = await optionalLength(fb, model, F_SUBGRAPHS, 'subgraphs');
    const description = await fb.fieldRef(model, F_DESCRIPTION, 'description');
    if (description !== undefined) {
      const bytes = await fb.string(description, DESCRIPTION_CAP, 'description');
      h.description = bytes === undefined ? undefined : decodeUtf8(bytes);
    }
    const buffers = await fb.fieldRef(model, F_BUFFERS, 'buffers');
    if (buffers !== undefined) h.bufferCount = await fb.vectorLength(buffers, 4, 'buffers');
    await readMetadata(fb, model, h, buffers);
    await readSignatureKeys(fb, model, h);
    return { ok: true, header: h };
  } catch (err) {
    const error = err instanceof FlatBufferError ? err.message : `read failed: ${(err as Error).message}`;
    return { ok: false, error, header: h };
  }
}

async function optionalLength(fb: FlatBufferReader, t: FbTable, index: number, what: string): Promise<number | undefined> {
  const at = await fb.fieldRef(t, index, what);
  return at === undefined ? undefined : fb.vectorLength(at, 4, what);
}

async function readName(fb: FlatBufferReader, t: FbTable, index: number, what: string): Promise<string | undefined> {
  const at = await fb.fieldRef(t, index, what);
  const bytes = at === undefined ? undefined : await fb.string(at, NAME_CAP, what);
  return bytes === undefined ? undefined : decodeUtf8(bytes);
}

/** Metadata { name: string; buffer: uint } — and the `min_runtime_version` it may point to. */
async function readMetadata(fb: FlatBufferReader, model: FbTable, h: TfliteHeader, buffers: number | undefined): Promise<void> {
  const vector = await fb.fieldRef(model, F_METADATA, 'metadata');
  if (vector === undefined) return;
  const n = await fb.vectorLength(vector, 4, 'metadata');
  for (let i = 0; i < Math.min(n, MAX_ENTRIES); i++) {
    const entry = await fb.vectorTable(vector, i, 'metadata');
    const name = await readName(fb, entry, 0, 'metadata name');
    if (name === undefined) continue;
    h.metadataNames.push(name);
    const index = await fb.fieldU32(entry, 1, 'metadata buffer');
    if (name === 'min_runtime_version' && buffers !== undefined && index !== undefined && index < (h.bufferCount ?? 0)) {
      h.minRuntimeVersion = await readSmallBuffer(fb, await fb.vectorTable(buffers, index, 'buffer'));
    }
  }
}

/**
 * Buffer.data (field 0, [ubyte]) as text, trailing NULs dropped.
 * NOTE: models over 2 GB keep buffers outside the FlatBuffer (offset/size
 * fields); those are not followed here.
 */
async function readSmallBuffer(fb: FlatBufferReader, buffer: FbTable): Promise<string | undefined> {
  const data = await fb.fieldRef(buffer, 0, 'buffer data');
  if (data === undefined) return undefined;
  const n = await fb.vectorLength(data, 1, 'buffer data');
  if (n > RUNTIME_VERSION_CAP) return undefined;
  const text = decodeUtf8(await fb.bytes(data + 4, n, 'buffer data'));
  return text?.replace(/\0+$/, '') || undefined;
}

/** SignatureDef.signature_key (field 2) of each signature. */
async function readSignatureKeys(fb: FlatBufferReader, model: FbTable, h: TfliteHeader): Promise<void> {
  const vector = await fb.fieldRef(model, F_SIGNATURE_DEFS, 'signature_defs');
  if (vector === undefined) return;
  const n = await fb.vectorLength(vector, 4, 'signature_defs');
  for (let i = 0; i < Math.min(n, MAX_ENTRIES); i++) {
    const key = await readName(fb, await fb.vectorTable(vector, i, 'signature_def'), 2, 'signature_key');
    if (key !== undefined) h.signatureKeys.push(key);
  }
}
