/**
 * Hugging Face dataset cards: a README.md whose YAML front matter carries
 * dataset metadata. Keys: https://huggingface.co/docs/hub/datasets-cards and
 * https://github.com/huggingface/hub-docs/blob/main/datasetcard.md;
 * `configs`/`data_files`: https://huggingface.co/docs/hub/datasets-manual-configuration
 */
import type { Asset, DatasetFacts, ModelFacts, Props, SourceScan } from '../../types.js';
import { parseFrontMatter } from '../../util/front-matter.js';
import { looksLikeSecret } from '../../util/secrets.js';
import { sortedUnique } from '../../util/sort.js';
import { huggingfacePurl, parseHubCachePath } from '../hf-model-dir/hub-cache.js';
import { cardContents, cardTitle } from './card-body.js';
import { dataFormatOf } from './paths.js';

export const SCANNER = 'dataset-files';

/** Keys only dataset cards use. `configs` counts only with `data_files` (see `hasDataFilesConfig`). */
export const DATASET_CARD_KEYS: readonly string[] = [
  'dataset_info',
  'task_categories',
  'task_ids',
  'size_categories',
  'pretty_name',
  'source_datasets',
  'annotations_creators',
  'language_creators',
  'multilinguality',
];
/** Keys only model cards use: such a card belongs to the model scanner. */
export const MODEL_CARD_ONLY_KEYS: readonly string[] = ['pipeline_tag', 'model-index', 'base_model', 'library_name'];
/** Keys that say what the card is about, as opposed to who wrote it. */
const STRONG_KEYS: readonly string[] = ['dataset_info', 'task_categories', 'task_ids', 'size_categories'];
/** Where a card may state its data classification (no Hub standard; rare). */
const CLASSIFICATION_KEYS: readonly string[] = ['classification', 'data_classification', 'sensitivity', 'confidentiality'];
/** Generated cards can list thousands of shards; a BOM property stays readable. */
const MAX_LIST = 500;

export function isDatasetCardData(data: Record<string, unknown>): boolean {
  if (MODEL_CARD_ONLY_KEYS.some((key) => key in data)) return false;
  return hasDataFilesConfig(data.configs) || DATASET_CARD_KEYS.some((key) => key in data);
}

/** A card whose broken front matter still shows a dataset key deserves an issue; any other README does not. */
const DATASET_KEY_LINE = new RegExp(`^(?:configs|${DATASET_CARD_KEYS.join('|')})\\s*:`, 'm');

export function scanDatasetCard(text: string, path: string): SourceScan {
  const { data, body, error } = parseFrontMatter(text);
  if (error !== undefined) {
    if (!DATASET_KEY_LINE.test(text.slice(0, 64 * 1024))) return empty();
    const message = looksLikeSecret(error) ? 'invalid dataset card front matter' : `invalid dataset card front matter: ${error}`;
    return { assets: [], relationships: [], issues: [{ path, scanner: SCANNER, message }] };
  }
  if (data === undefined || !isDatasetCardData(data)) return empty();
  const folder = dirname(path);
  const hub = parseHubCachePath(folder);
  // A model snapshot's README is the model scanner's, whatever its keys say.
  if (hub !== undefined && hub.kind !== 'dataset') return empty();
  const prettyName = text_(data.pretty_name);
  const asset: Asset = {
    id: hub === undefined ? `dataset:${folder}` : `dataset:hf:${hub.repoId}`,
    kind: 'dataset',
    name: prettyName ?? (folder === '.' ? undefined : basename(folder)) ?? cardTitle(body) ?? 'dataset',
    scanners: [SCANNER],
    locations: [{ path, line: 1 }],
    files: [],
    props: cardProps(data, prettyName),
    model: cardModel(data),
    parsed: true,
    confidence: STRONG_KEYS.some((key) => key in data) || hasDataFilesConfig(data.configs) ? 0.95 : 0.85,
    dataset: datasetFacts(data, body),
  };
  if (hub !== undefined) {
    const slash = hub.repoId.indexOf('/');
    asset.name = slash === -1 ? hub.repoId : hub.repoId.slice(slash + 1);
    if (slash !== -1) asset.group = hub.repoId.slice(0, slash);
    asset.version = hub.revision;
    asset.purl = huggingfacePurl(hub.repoId, hub.revision, 'dataset');
  }
  return { assets: [asset], relationships: [], issues: [] };
}

function cardProps(data: Record<string, unknown>, prettyName: string | undefined): Props {
  const props: Props = {};
  setList(props, 'task_categories', stringList(data.task_categories));
  setList(props, 'task_ids', stringList(data.task_ids));
  setList(props, 'size_categories', stringList(data.size_categories));
  // Older cards spell it `languages`.
  setList(props, 'languages', [...stringList(data.language), ...stringList(data.languages)]);
  if (prettyName !== undefined) props.pretty_name = prettyName;
  const configs = records(data.configs);
  setList(props, 'configs', configs.flatMap((c) => stringList(c.config_name)));
  setList(props, 'data_files', configs.flatMap((c) => dataFilePaths(c.data_files)));
  setList(props, 'source_datasets', stringList(data.source_datasets));
  setList(props, 'splits', [...configs.flatMap((c) => dataFileSplits(c.data_files)), ...infoSplits(data.dataset_info).names]);
  const licenseName = text_(data.license_name);
  if (licenseName !== undefined) props.license_name = licenseName;
  const licenseLink = text_(data.license_link);
  if (licenseLink !== undefined) props.license_link = licenseLink;
  return props;
}

function cardModel(data: Record<string, unknown>): ModelFacts {
  const licenses = stringList(data.license);
  return licenses.length > 0 ? { licenses: sortedUnique(licenses) } : {};
}

function datasetFacts(data: Record<string, unknown>, body: string): DatasetFacts {
  const paths = records(data.configs).flatMap((c) => dataFilePaths(c.data_files));
  const formats = sortedUnique(paths.flatMap((p) => dataFormatOf(p)?.format ?? []));
  const contents = cardContents(body);
  const classification = CLASSIFICATION_KEYS.map((key) => text_(data[key])).find((v) => v !== undefined);
  const rows = infoSplits(data.dataset_info).rows;
  return {
    ...(formats.length > 0 ? { formats } : {}),
    ...(rows !== undefined ? { rows, rowsCapped: false } : {}),
    ...(contents !== undefined ? { contents } : {}),
    ...(classification !== undefined ? { classification } : {}),
  };
}

/** True when some `configs[]` entry names its `data_files`: the Hub's manual configuration. */
function hasDataFilesConfig(value: unknown): boolean {
  return records(value).some((c) => c.data_files !== undefined && c.data_files !== null);
}

/** `data_files` as a string, a list of strings, a list of `{split, path}` (path a string or list), or a split → path mapping. */
function dataFilePaths(value: unknown): string[] {
  if (typeof value === 'string') return stringList(value);
  if (Array.isArray(value)) return value.flatMap((item) => (isRecord(item) ? stringList(item.path) : stringList(item)));
  if (isRecord(value)) return Object.values(value).flatMap((v) => stringList(v));
  return [];
}

function dataFileSplits(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => (isRecord(item) ? stringList(item.split) : []));
  if (isRecord(value)) return Object.keys(value);
  return [];
}

/**
 * Split names from `dataset_info` (one config as a mapping, or a list of
 * configs), and the total `num_examples` when there is exactly one config:
 * summing across configs would count the same examples several times.
 */
function infoSplits(value: unknown): { names: string[]; rows?: number } {
  const configs = Array.isArray(value) ? value.filter(isRecord) : isRecord(value) ? [value] : [];
  const names: string[] = [];
  let rows = 0;
  let counted = false;
  for (const config of configs) {
    for (const split of records(config.splits)) {
      names.push(...stringList(split.name));
      const n = split.num_examples;
      if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) {
        rows += n;
        counted = true;
      }
    }
  }
  return configs.length === 1 && counted && Number.isSafeInteger(rows) ? { names, rows } : { names };
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text_(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' || looksLikeSecret(t) ? undefined : t;
}

/** A YAML scalar or list of scalars; the Hub accepts both for these keys. */
function stringList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => {
    if (typeof item === 'number' || typeof item === 'boolean') return [String(item)];
    const t = text_(item);
    return t === undefined ? [] : [t];
  });
}

function setList(props: Props, key: string, values: string[]): void {
  const list = sortedUnique(values).slice(0, MAX_LIST);
  if (list.length > 0) props[key] = list;
}

function empty(): SourceScan {
  return { assets: [], relationships: [], issues: [] };
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '.' : path.slice(0, slash);
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}
