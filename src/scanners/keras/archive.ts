/**
 * Keras v3 `.keras` archives: a zip with `metadata.json`
 * (`keras_version`, `date_saved`), `config.json` (the serialized model:
 * `{ module, class_name, config: { name, layers, … } }`) and
 * `model.weights.h5`.
 *
 * Spec: keras/src/saving/saving_lib.py,
 * https://github.com/keras-team/keras/blob/master/keras/src/saving/saving_lib.py
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { ModelFacts, Props } from '../../types.js';
import { decodeUtf8 } from '../../util/binary.js';
import { readZipDirectory, readZipEntry, type ZipEntry } from '../../util/zip.js';

/** Real configs are KBs to a few MB (very deep Functional graphs); 8 MiB bounds memory. */
export const MAX_KERAS_JSON_BYTES = 8 * 1024 * 1024;
/** Layer configs nest a few levels per wrapper; deeper JSON is not walked for Lambda layers. */
export const MAX_CONFIG_DEPTH = 64;

export type KerasScan =
  | { readonly ok: true; readonly props: Props; readonly model: ModelFacts }
  | { readonly ok: false; readonly reason: string };

export async function scanKerasArchive(src: ByteSource): Promise<KerasScan> {
  const dir = await readZipDirectory(src);
  if (!dir.ok) return { ok: false, reason: `invalid zip archive: ${dir.reason}` };
  const find = (name: string): ZipEntry | undefined => dir.entries.find((e) => e.name === name);
  const metaEntry = find('metadata.json');
  const configEntry = find('config.json');
  if (metaEntry === undefined || configEntry === undefined) {
    return { ok: false, reason: 'keras archive without metadata.json/config.json' };
  }
  const meta = await readJson(src, metaEntry);
  if ('reason' in meta) return { ok: false, reason: meta.reason };
  const config = await readJson(src, configEntry);
  if ('reason' in config) return { ok: false, reason: config.reason };

  const props: Props = {};
  const m = asObject(meta.value);
  if (typeof m?.keras_version === 'string') props.keras_version = m.keras_version;
  if (typeof m?.date_saved === 'string') props.date_saved = m.date_saved;
  const lambdas = countLambdaLayers(config.value, 0);
  if (lambdas > 0) props.lambda_layers = lambdas;

  const model: ModelFacts = {};
  const c = asObject(config.value);
  if (typeof c?.class_name === 'string') model.architecture = c.class_name;
  const name = asObject(c?.config)?.name;
  if (typeof name === 'string' && name !== '') model.name = name;
  return { ok: true, props, model };
}

async function readJson(src: ByteSource, entry: ZipEntry): Promise<{ value: unknown } | { reason: string }> {
  if (entry.uncompressedSize > MAX_KERAS_JSON_BYTES) {
    return { reason: `${entry.name} size ${entry.uncompressedSize} exceeds cap ${MAX_KERAS_JSON_BYTES}` };
  }
  const got = await readZipEntry(src, entry, MAX_KERAS_JSON_BYTES);
  if (!got.ok) return { reason: got.reason };
  if (got.truncated) return { reason: `${entry.name} exceeds cap ${MAX_KERAS_JSON_BYTES}` };
  const text = decodeUtf8(got.data);
  if (text === undefined) return { reason: `${entry.name} is not valid utf-8` };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { reason: `${entry.name} is not valid json: ${(err as Error).message}` };
  }
}

/**
 * Lambda layers carry marshalled Python bytecode, run at load time unless
 * `safe_mode` blocks it; they may sit in nested models, so walk everything.
 */
function countLambdaLayers(v: unknown, depth: number): number {
  if (depth > MAX_CONFIG_DEPTH || typeof v !== 'object' || v === null) return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  let n = !Array.isArray(v) && (v as Record<string, unknown>).class_name === 'Lambda' ? 1 : 0;
  for (const child of children) n += countLambdaLayers(child, depth + 1);
  return n;
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
