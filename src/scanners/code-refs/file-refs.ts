/**
 * Local files named in code.
 * - Data files: `pd.read_csv("data/train.csv")`, `Dataset.from_parquet(...)`,
 *   `tf.data.TFRecordDataset(...)`, or any string literal naming a data file
 *   that exists in the tree → `dataset:ref:<path>`; the resolve stage makes
 *   the file a dataset component and links the reference to it.
 * - Weight files: a literal naming a model file that exists in the tree
 *   (`ort.InferenceSession("models/router.onnx")`) → `model:ref:<path>`,
 *   which only adds this code location as evidence on the local model.
 */
import { dataFormatOf } from '../dataset-files/paths.js';
import type { Value } from './calls.js';
import { emitLocal, type FileCtx } from './hub-refs.js';
import { existsLocally } from './hub-ids.js';
import type { Token } from './tokens.js';

/** Readers whose first argument is a data file (pandas, polars, datasets, TensorFlow, pyarrow). */
const READERS = new Set([
  'read_csv', 'read_table', 'read_json', 'read_parquet', 'read_feather', 'read_ndjson', 'read_ipc', 'read_avro',
  'scan_csv', 'scan_parquet', 'scan_ndjson', 'scan_ipc', 'from_csv', 'from_json', 'from_parquet', 'TFRecordDataset',
]);
/** Keywords these readers take the path under. */
const PATH_KEYS = ['filepath_or_buffer', 'path', 'source', 'path_or_paths', 'filenames', 'path_or_buf'];
const REFERENCED_CONFIDENCE = 0.6;
/**
 * Weight formats a file scanner always records as a model asset, so a
 * reference to one that exists always has a model to link to. (`.h5`,
 * `.npy`, `.bin` may be data or anything: left out.)
 */
const WEIGHT_FILE = /\.(?:onnx|gguf|safetensors|pt|pth|ckpt|pkl|pickle|joblib|keras|tflite|mlmodel)$/i;

export function scanFileRefs(ctx: FileCtx, bare: Uint8Array): void {
  for (const call of ctx.calls) {
    const last = call.callee.slice(call.callee.lastIndexOf('.') + 1);
    if (!READERS.has(last)) continue;
    const arg: Value | undefined = PATH_KEYS.map((k) => call.keywords.get(k)).find((v) => v !== undefined) ?? call.positional[0];
    const r = ctx.bindings.resolveString(arg, call.open);
    if (r === undefined || !isDataPath(r.text)) continue;
    emitLocal(ctx, { value: { text: r.text, confidence: Math.min(r.confidence, 0.8) }, kind: 'dataset', allowBare: false, line: call.line }, r.text);
  }
  // A literal naming a data or weight file that is in the tree is a reference wherever it appears.
  for (let i = 0; i < ctx.tokens.length; i++) {
    const t = ctx.tokens[i] as Token;
    if (t.kind !== 'string' || !t.literal || bare[i] === 1 || t.text.length > 512) continue;
    const kind = isDataPath(t.text) ? 'dataset' : WEIGHT_FILE.test(t.text) && isPlainPath(t.text) ? 'model' : undefined;
    if (kind === undefined || !existsLocally(t.text, ctx.path, ctx.exists)) continue;
    emitLocal(ctx, { value: { text: t.text, confidence: REFERENCED_CONFIDENCE }, kind, allowBare: false, line: t.line }, t.text);
  }
}

/** A relative or absolute file path with a data format's extension (no URL, glob or template). */
function isDataPath(s: string): boolean {
  return isPlainPath(s) && dataFormatOf(s.replace(/\\/g, '/')) !== undefined;
}

function isPlainPath(s: string): boolean {
  return s.length <= 512 && !/[*?{}$%\s<>|"]/.test(s) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s);
}
