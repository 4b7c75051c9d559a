/**
 * The Python and JavaScript calls that download a URL, and where each takes
 * the URL and the file it saves to.
 * - torch.hub: https://pytorch.org/docs/stable/hub.html
 * - urllib: https://docs.python.org/3/library/urllib.request.html#urllib.request.urlretrieve
 * - keras get_file: https://keras.io/api/utils/python_utils/#getfile-function
 * - torchvision: https://pytorch.org/vision/stable/_modules/torchvision/datasets/utils.html
 * - gdown: https://github.com/wkentaro/gdown, wget: https://pypi.org/project/wget/
 * - datasets load_dataset: https://huggingface.co/docs/datasets/loading#remote-files
 * - TensorFlow Hub: https://www.tensorflow.org/hub/api_docs/python/hub
 * - TensorFlow.js: https://js.tensorflow.org/api/latest/#loadLayersModel
 * - ONNX Runtime Web: https://onnxruntime.ai/docs/api/js/interfaces/InferenceSessionFactory.html
 */
import type { Use } from './classify.js';

export interface ArgSpec {
  readonly pos?: number;
  readonly kw?: readonly string[];
}

export interface CallRule {
  /** Last segment of the callee. */
  readonly name: string;
  /** Allowed segment before it (after imports are expanded), when the name alone is too common. */
  readonly parent?: readonly string[];
  readonly use: Use;
  /** The `download_via` when the callee is not reached through an import. */
  readonly label?: string;
  readonly url: ArgSpec;
  readonly dest?: ArgSpec;
}

/** Readers whose first argument may be a URL (pandas, polars, pyarrow, TensorFlow). */
const DATA_READERS = [
  'read_csv', 'read_table', 'read_json', 'read_parquet', 'read_feather', 'read_excel', 'read_orc', 'read_ndjson', 'read_ipc',
  'read_avro', 'scan_csv', 'scan_parquet', 'scan_ndjson', 'scan_ipc', 'from_csv', 'from_json', 'from_parquet', 'TFRecordDataset',
];
const READER_PATH_KEYS = ['filepath_or_buffer', 'path', 'source', 'path_or_paths', 'filenames', 'path_or_buf', 'io', 'url'];

const RULES: readonly CallRule[] = [
  { name: 'load_state_dict_from_url', use: 'model-download', label: 'torch.hub.load_state_dict_from_url', url: { pos: 0, kw: ['url'] }, dest: { kw: ['file_name'] } },
  { name: 'download_url_to_file', use: 'model-download', label: 'torch.hub.download_url_to_file', url: { pos: 0, kw: ['url'] }, dest: { pos: 1, kw: ['dst'] } },
  { name: 'load_url', parent: ['model_zoo'], use: 'model-download', label: 'torch.utils.model_zoo.load_url', url: { pos: 0, kw: ['url'] }, dest: { kw: ['file_name'] } },
  { name: 'KerasLayer', use: 'model-download', label: 'tensorflow_hub.KerasLayer', url: { pos: 0, kw: ['handle'] } },
  { name: 'load', parent: ['tensorflow_hub', 'hub'], use: 'model-download', label: 'tensorflow_hub.load', url: { pos: 0, kw: ['handle'] } },
  { name: 'Module', parent: ['tensorflow_hub', 'hub'], use: 'model-download', label: 'tensorflow_hub.Module', url: { pos: 0, kw: ['spec'] } },
  { name: 'loadLayersModel', use: 'model-download', label: 'tf.loadLayersModel', url: { pos: 0 } },
  { name: 'loadGraphModel', use: 'model-download', label: 'tf.loadGraphModel', url: { pos: 0 } },
  { name: 'create', parent: ['InferenceSession'], use: 'model-download', label: 'ort.InferenceSession.create', url: { pos: 0 } },
  { name: 'urlretrieve', use: 'download', label: 'urllib.request.urlretrieve', url: { pos: 0, kw: ['url'] }, dest: { pos: 1, kw: ['filename'] } },
  { name: 'download', parent: ['wget'], use: 'download', label: 'wget.download', url: { pos: 0, kw: ['url'] }, dest: { pos: 1, kw: ['out'] } },
  { name: 'download', parent: ['gdown'], use: 'download', label: 'gdown.download', url: { pos: 0, kw: ['url'] }, dest: { pos: 1, kw: ['output'] } },
  { name: 'cached_download', parent: ['gdown'], use: 'download', label: 'gdown.cached_download', url: { pos: 0, kw: ['url'] }, dest: { pos: 1, kw: ['path'] } },
  { name: 'get_file', use: 'download', label: 'keras.utils.get_file', url: { pos: 1, kw: ['origin'] }, dest: { pos: 0, kw: ['fname'] } },
  { name: 'download_url', use: 'download', label: 'torchvision.datasets.utils.download_url', url: { pos: 0, kw: ['url'] }, dest: { pos: 2, kw: ['filename'] } },
  { name: 'download_and_extract_archive', use: 'download', label: 'torchvision.datasets.utils.download_and_extract_archive', url: { pos: 0, kw: ['url'] }, dest: { pos: 3, kw: ['filename'] } },
  { name: 'load_dataset', use: 'data-load', label: 'datasets.load_dataset', url: { kw: ['data_files'] } },
  { name: 'csv', parent: ['data'], use: 'data-load', label: 'tf.data.csv', url: { pos: 0 } },
  ...DATA_READERS.map((name): CallRule => ({ name, use: 'data-load', url: { pos: 0, kw: READER_PATH_KEYS } })),
  // Plain HTTP GETs: what they fetch counts only when its extension says weights or data.
  { name: 'get', use: 'fetch', url: { pos: 0, kw: ['url'] } },
  { name: 'urlopen', use: 'fetch', label: 'urllib.request.urlopen', url: { pos: 0, kw: ['url'] } },
  { name: 'fetch', use: 'fetch', label: 'fetch', url: { pos: 0 } },
  { name: 'got', use: 'fetch', label: 'got', url: { pos: 0 } },
];

const BY_NAME = new Map<string, CallRule[]>();
for (const r of RULES) BY_NAME.set(r.name, [...(BY_NAME.get(r.name) ?? []), r]);

/** The rule for a callee given as segments (imports expanded), if any. */
export function ruleFor(segments: readonly string[]): CallRule | undefined {
  const name = segments[segments.length - 1] ?? '';
  const parent = segments[segments.length - 2];
  return BY_NAME.get(name)?.find((r) => r.parent === undefined || (parent !== undefined && r.parent.includes(parent)));
}

/** `hf_hub_url(repo_id, filename, *, subfolder, repo_type, revision)` builds a Hub file URL. */
export const HF_HUB_URL = 'hf_hub_url';

/** Commands a Python or JS string or list runs through a shell (`os.system("wget …")`). */
export const SHELL_COMMAND = /^\s*(?:wget|curl|aria2c)\s/;
