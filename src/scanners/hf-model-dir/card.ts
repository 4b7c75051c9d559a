/**
 * Facts from a Hugging Face model card (README.md front matter and body).
 * Metadata keys: https://huggingface.co/docs/hub/model-cards#model-card-metadata
 * model-index: https://github.com/huggingface/hub-docs/blob/main/modelcard.md
 */
import type { ModelFacts, PerformanceMetric, Props } from '../../types.js';
import { normalizeLicense } from '../../util/license.js';
import { sortedUnique } from '../../util/sort.js';
import { isRecord } from './config.js';

export interface CardFacts {
  model: ModelFacts;
  props: Props;
  /** `model-index[0].name`: the model's own name for itself. */
  indexName?: string;
}

/** Keys that mark front matter as a model card rather than any YAML header. */
export const MODEL_CARD_KEYS: readonly string[] = [
  'license',
  'license_name',
  'license_link',
  'base_model',
  'base_model_relation',
  'datasets',
  'language',
  'library_name',
  'pipeline_tag',
  'tags',
  'metrics',
  'model-index',
];

/** CycloneDX descriptions are prose, not a copy of the card. */
const MAX_DESCRIPTION_CHARS = 500;
/** A card with more results than this is generated noise; keep the BOM readable. */
const MAX_METRICS = 1000;

export function hasModelCardKeys(data: Record<string, unknown>): boolean {
  return MODEL_CARD_KEYS.some((key) => key in data);
}

export function cardFacts(data: Record<string, unknown>): CardFacts {
  const model: ModelFacts = {};
  const props: Props = {};
  const licenseName = text(data.license_name);
  const licenses = stringList(data.license).flatMap((raw) => {
    const n = normalizeLicense(raw);
    const value = n.spdx ?? n.expression ?? n.name;
    // `other` says "see license_name"; the name is the useful fact.
    if (n.name?.toLowerCase() === 'other' && licenseName !== undefined) return [licenseName];
    return value === undefined ? [] : [value];
  });
  if (licenses.length > 0) model.licenses = sortedUnique(licenses);
  if (licenseName !== undefined) props.license_name = licenseName;
  setText(props, 'license_link', data.license_link);
  const baseModels = stringList(data.base_model);
  if (baseModels.length > 0) model.baseModels = sortedUnique(baseModels);
  const relation = text(data.base_model_relation);
  if (relation !== undefined) model.baseModelRelation = relation;
  const datasets = stringList(data.datasets);
  if (datasets.length > 0) model.datasets = sortedUnique(datasets);
  const task = text(data.pipeline_tag);
  if (task !== undefined) model.task = task;
  setText(props, 'library_name', data.library_name);
  setList(props, 'languages', data.language);
  setList(props, 'tags', data.tags);
  setList(props, 'metric_names', data.metrics);
  const index = modelIndex(data['model-index']);
  if (index.metrics.length > 0) model.metrics = index.metrics;
  return index.name === undefined ? { model, props } : { model, props, indexName: index.name };
}

/** Each `results[].metrics[]` becomes one metric; malformed entries are skipped. */
function modelIndex(value: unknown): { name?: string; metrics: PerformanceMetric[] } {
  if (!Array.isArray(value)) return { metrics: [] };
  const metrics: PerformanceMetric[] = [];
  const first: unknown = value[0];
  const name = isRecord(first) ? text(first.name) : undefined;
  for (const entry of value) {
    if (!isRecord(entry) || !Array.isArray(entry.results)) continue;
    for (const result of entry.results) {
      if (!isRecord(result) || !Array.isArray(result.metrics)) continue;
      const slice = resultSlice(result);
      for (const metric of result.metrics) {
        const parsed = isRecord(metric) ? toMetric(metric, slice) : undefined;
        if (parsed !== undefined && metrics.length < MAX_METRICS) metrics.push(parsed);
      }
    }
  }
  return name === undefined ? { metrics } : { name, metrics };
}

function toMetric(metric: Record<string, unknown>, slice: string | undefined): PerformanceMetric | undefined {
  const type = text(metric.type) ?? text(metric.name);
  const raw = metric.value;
  const value = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : text(raw);
  if (type === undefined || value === undefined) return undefined;
  return slice === undefined ? { type, value } : { type, value, slice };
}

/** `"<task> on <dataset> (<split>)"`, from whichever parts are present. */
function resultSlice(result: Record<string, unknown>): string | undefined {
  const task = isRecord(result.task) ? (text(result.task.type) ?? text(result.task.name)) : undefined;
  const dataset = isRecord(result.dataset) ? (text(result.dataset.name) ?? text(result.dataset.type)) : undefined;
  const split = isRecord(result.dataset) ? text(result.dataset.split) : undefined;
  const on = dataset === undefined ? undefined : split === undefined ? dataset : `${dataset} (${split})`;
  if (task !== undefined && on !== undefined) return `${task} on ${on}`;
  return task ?? on;
}

/**
 * The first prose paragraph after the H1 (or from the top when there is no
 * H1), skipping headings, HTML, badges and code, joined into one line.
 */
export function cardDescription(body: string): string | undefined {
  const lines = body.split(/\r?\n/);
  const h1 = lines.findIndex((line) => /^#\s/.test(line));
  const paragraph: string[] = [];
  let inFence = false;
  let inComment = false;
  for (const line of lines.slice(h1 + 1)) {
    const trimmed = line.trim();
    if (/^(```|~~~)/.test(trimmed)) inFence = !inFence;
    if (inComment || trimmed.startsWith('<!--')) {
      inComment = !trimmed.includes('-->');
      continue;
    }
    const skip = inFence || /^(```|~~~)/.test(trimmed) || isDecoration(trimmed);
    if (skip || trimmed === '') {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(trimmed);
  }
  const joined = paragraph.join(' ').replace(/\s+/g, ' ').trim();
  if (joined === '') return undefined;
  const chars = Array.from(joined);
  return chars.length <= MAX_DESCRIPTION_CHARS ? joined : `${chars.slice(0, MAX_DESCRIPTION_CHARS - 1).join('').trimEnd()}…`;
}

function isDecoration(line: string): boolean {
  if (/^#{1,6}\s/.test(line)) return true; // heading
  if (line.startsWith('<')) return true; // HTML block: images, centred divs
  if (/^(?:\[!\[|!\[)/.test(line)) return true; // image or badge
  if (/^(?:-{3,}|\*{3,}|_{3,})$/.test(line)) return true; // rule
  return line.startsWith('|'); // table
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A YAML scalar or list of scalars; the Hub accepts both for these keys. */
function stringList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => {
    if (typeof item === 'number' || typeof item === 'boolean') return [String(item)];
    const t = text(item);
    return t === undefined ? [] : [t];
  });
}

function setText(props: Props, key: string, value: unknown): void {
  const t = text(value);
  if (t !== undefined) props[key] = t;
}

function setList(props: Props, key: string, value: unknown): void {
  const list = stringList(value);
  if (list.length > 0) props[key] = sortedUnique(list);
}
