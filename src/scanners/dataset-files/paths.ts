/**
 * Which files are data files, and which of them are worth a dataset asset of
 * their own. Pure functions of the root-relative POSIX path.
 */

/** Name ending (lower case) → data format. `.ndjson` is JSON Lines under another name. */
export const DATA_FORMATS: Record<string, string> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'feather',
  '.tfrecord': 'tfrecord',
  '.tfrecords': 'tfrecord',
  '.avro': 'avro',
};

/**
 * Whole-file compression suffixes accepted after a line format. Binary formats
 * compress internally (parquet pages, avro blocks), so `x.parquet.gz` is rare
 * and left unrecognised. TFRecord is the exception: TensorFlow writes GZIP
 * TFRecord files, usually named `*.tfrecord.gz`.
 */
const COMPRESSION_SUFFIXES: readonly string[] = ['.gz', '.zst', '.bz2', '.xz'];
const COMPRESSIBLE: ReadonlySet<string> = new Set(['csv', 'tsv', 'jsonl', 'tfrecord']);

/** The data format a file name says, or undefined for anything else. */
export function dataFormatOf(path: string): { format: string; compressed: boolean } | undefined {
  if (typeof path !== 'string') return undefined;
  let name = basename(path).toLowerCase();
  let compressed = false;
  const suffix = COMPRESSION_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix !== undefined) {
    name = name.slice(0, -suffix.length);
    compressed = true;
  }
  const dot = name.lastIndexOf('.');
  // A dot-file such as `.csv` has no stem: not a data file.
  if (dot <= 0) return undefined;
  const format = DATA_FORMATS[name.slice(dot)];
  if (format === undefined || (compressed && !COMPRESSIBLE.has(format))) return undefined;
  return { format, compressed };
}

/** Folders of installed or vendored third-party code: never the project's data. */
const VENDOR_SEGMENTS: ReadonlySet<string> = new Set([
  'node_modules',
  'bower_components',
  'site-packages',
  'dist-packages',
  'vendor',
  'third_party',
  'third-party',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.ipynb_checkpoints',
  '.pytest_cache',
  '.mypy_cache',
]);

/**
 * Folders of test fixtures. A file below one is a dataset only when a
 * data-like folder sits below the test folder (`tests/data/…`). Go's
 * `testdata/` is a fixture folder by convention, unlike `test_data/`.
 */
const TEST_SEGMENTS: ReadonlySet<string> = new Set([
  'test',
  'tests',
  '__tests__',
  'testdata',
  'spec',
  'specs',
  'fixtures',
  '__fixtures__',
  'mocks',
  '__mocks__',
]);

const DATA_FOLDERS: ReadonlySet<string> = new Set([
  'data',
  'datasets',
  'dataset',
  'corpus',
  'corpora',
  'train',
  'training',
  'eval',
  'evals',
  'evaluation',
  'test_data',
  'raw',
  'processed',
  'benchmark',
  'benchmarks',
  'splits',
]);

/** `raw_data`, `training-data`, `data_v2`, `my_dataset`: a data word joined by `_` or `-`. */
const DATA_FOLDER_COMPOUND = /^(?:[a-z0-9]+[_-])*(?:data|dataset|datasets|corpus|corpora)(?:[_-][a-z0-9]+)*$/;

/**
 * Split names as the Hub and common tooling write them: `train.csv`,
 * `validation.jsonl`, `train-00000-of-00004.parquet`, `test.en.tsv`,
 * `squad_dev.jsonl`. After a leading split word only shard numbers, a
 * two-letter language or a few data words may follow: `test_results.csv` is
 * output, not a split.
 */
const SPLIT_PREFIX =
  /^(?:train|training|test|testing|valid|validation|val|dev|eval|evaluation)(?:[-_.](?:\d[\w.-]*|[a-z]{2}|set|data|split|part[\w.-]*|shard[\w.-]*))?$/;
const SPLIT_SUFFIX = /[-_.](?:train|test|valid|validation|val|dev|eval)$/;

/** Formats that only ever hold data: a committed parquet file is a dataset wherever it sits. */
const DATA_ONLY_FORMATS: ReadonlySet<string> = new Set(['parquet', 'arrow', 'feather', 'tfrecord', 'avro']);

/**
 * Is this data file worth an asset on its own? See the rules on the constants
 * above; `referenced` (code names the file) stands in for a data-like place,
 * but never lifts a file out of vendored or test folders.
 */
export function isDatasetCandidate(path: string, referenced: boolean): boolean {
  const kind = dataFormatOf(path);
  if (kind === undefined) return false;
  const segments = path.toLowerCase().split('/').filter((s) => s !== '' && s !== '.');
  const folders = segments.slice(0, -1);
  if (folders.some((s) => VENDOR_SEGMENTS.has(s))) return false;
  const lastTest = findLastIndex(folders, (s) => TEST_SEGMENTS.has(s));
  if (lastTest !== -1) return folders.slice(lastTest + 1).some(isDataFolder);
  if (referenced || DATA_ONLY_FORMATS.has(kind.format)) return true;
  if (folders.some(isDataFolder) || folders.some(isHubDatasetCache)) return true;
  return isSplitName(segments[segments.length - 1] ?? '');
}

/**
 * Is the file inside installed or vendored code, or inside a test folder?
 * Dataset cards there belong to a dependency or are fixtures.
 */
export function isVendoredOrTestPath(path: string): boolean {
  const folders = path.toLowerCase().split('/').slice(0, -1);
  return folders.some((s) => VENDOR_SEGMENTS.has(s) || TEST_SEGMENTS.has(s));
}

function isDataFolder(segment: string): boolean {
  return DATA_FOLDERS.has(segment) || DATA_FOLDER_COMPOUND.test(segment);
}

/** `datasets--org--name`: a dataset repo in the Hugging Face cache. */
function isHubDatasetCache(segment: string): boolean {
  return segment.startsWith('datasets--');
}

function isSplitName(fileName: string): boolean {
  const stem = stripDataExtension(fileName);
  return SPLIT_PREFIX.test(stem) || SPLIT_SUFFIX.test(stem);
}

/** `train.csv.gz` → `train`. */
function stripDataExtension(fileName: string): string {
  let name = fileName;
  const suffix = COMPRESSION_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix !== undefined) name = name.slice(0, -suffix.length);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}
