/**
 * Hub card metadata (YAML front matter) from a card context, per
 * https://huggingface.co/docs/hub/model-cards#model-card-metadata and the
 * dataset card spec. Unknown keys are left out, never guessed.
 */
import { PIPELINE_DATA } from '@huggingface/tasks';
import { stringify } from 'yaml';
import type { CardContext } from './context.js';

/** Licence ids the Hub accepts (https://huggingface.co/docs/hub/repositories-licenses). */
const HUB_LICENSES = new Set([
  'apache-2.0', 'mit', 'openrail', 'bigscience-openrail-m', 'creativeml-openrail-m', 'bigscience-bloom-rail-1.0',
  'bigcode-openrail-m', 'afl-3.0', 'artistic-2.0', 'bsl-1.0', 'bsd', 'bsd-2-clause', 'bsd-3-clause', 'bsd-3-clause-clear',
  'c-uda', 'cc', 'cc0-1.0', 'cc-by-2.0', 'cc-by-2.5', 'cc-by-3.0', 'cc-by-4.0', 'cc-by-sa-3.0', 'cc-by-sa-4.0',
  'cc-by-nc-2.0', 'cc-by-nc-3.0', 'cc-by-nc-4.0', 'cc-by-nd-4.0', 'cc-by-nc-nd-3.0', 'cc-by-nc-nd-4.0', 'cc-by-nc-sa-2.0',
  'cc-by-nc-sa-3.0', 'cc-by-nc-sa-4.0', 'cdla-sharing-1.0', 'cdla-permissive-1.0', 'cdla-permissive-2.0', 'wtfpl',
  'ecl-2.0', 'epl-1.0', 'epl-2.0', 'etalab-2.0', 'eupl-1.1', 'eupl-1.2', 'agpl-3.0', 'gfdl', 'gpl', 'gpl-2.0', 'gpl-3.0',
  'lgpl', 'lgpl-2.1', 'lgpl-3.0', 'isc', 'lppl-1.3c', 'ms-pl', 'mpl-2.0', 'odc-by', 'odbl', 'openrail++', 'osl-3.0',
  'postgresql', 'ofl-1.1', 'ncsa', 'unlicense', 'zlib', 'pddl', 'lgpl-lr', 'llama2', 'llama3', 'llama3.1', 'llama3.2',
  'llama3.3', 'llama4', 'gemma',
]);

/** SPDX ids whose Hub spelling differs (the inverse of src/util/license.ts HUB_ALIASES). */
const SPDX_TO_HUB: Readonly<Record<string, string>> = {
  'gpl-2.0-only': 'gpl-2.0',
  'gpl-3.0-only': 'gpl-3.0',
  'lgpl-2.1-only': 'lgpl-2.1',
  'lgpl-3.0-only': 'lgpl-3.0',
  'agpl-3.0-only': 'agpl-3.0',
  'c-uda-1.0': 'c-uda',
  'odc-by-1.0': 'odc-by',
  'odbl-1.0': 'odbl',
  'pddl-1.0': 'pddl',
  lgpllr: 'lgpl-lr',
};

export interface HubLicense {
  license: string;
  license_name?: string;
  license_link?: string;
}

/** The Hub's `license` (+ `license_name`/`license_link`) for a context, or undefined when the BOM names none. */
export function hubLicense(ctx: CardContext): HubLicense | undefined {
  const l = ctx.licenses[0];
  const withLink = (h: HubLicense): HubLicense => {
    const link = ctx.licenseLink ?? l?.url;
    if (h.license === 'other' && link !== undefined) h.license_link = link;
    return h;
  };
  if (l === undefined) {
    if (ctx.licenseName !== undefined) return withLink({ license: 'other', license_name: ctx.licenseName });
    return undefined;
  }
  if (ctx.licenses.length > 1) {
    return withLink({ license: 'other', license_name: ctx.licenses.map((x) => x.id ?? x.expression ?? x.name).join(' AND ') });
  }
  const raw = l.id ?? l.expression ?? l.name ?? '';
  const low = raw.toLowerCase();
  const hub = SPDX_TO_HUB[low] ?? low;
  if (l.expression === undefined && HUB_LICENSES.has(hub)) return { license: hub };
  return withLink({ license: 'other', license_name: ctx.licenseName ?? raw });
}

export function isPipelineTag(task: string | undefined): task is string {
  return task !== undefined && Object.prototype.hasOwnProperty.call(PIPELINE_DATA, task);
}

function numeric(v: string): number | string {
  return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v) ? Number(v) : v;
}

const uniq = (xs: string[]): string[] => [...new Set(xs)];

/** The front matter object; only keys the BOM gives a value for. */
export function frontMatter(ctx: CardContext): Record<string, unknown> {
  const fm: Record<string, unknown> = {};
  const lic = hubLicense(ctx);
  if (ctx.kind === 'dataset') {
    if (ctx.prettyName !== undefined) fm['pretty_name'] = ctx.prettyName;
    if (lic !== undefined) Object.assign(fm, lic);
    if (ctx.languages.length > 0) fm['language'] = ctx.languages;
    if (ctx.taskCategories.length > 0) fm['task_categories'] = ctx.taskCategories;
    if (ctx.taskIds.length > 0) fm['task_ids'] = ctx.taskIds;
    if (ctx.sizeCategories.length > 0) fm['size_categories'] = ctx.sizeCategories;
    if (ctx.sourceDatasets.length > 0) fm['source_datasets'] = ctx.sourceDatasets;
    if (ctx.tags.length > 0) fm['tags'] = ctx.tags;
    return fm;
  }
  if (lic !== undefined) Object.assign(fm, lic);
  const bases = ctx.baseModels.map((b) => b.hubId ?? b.name);
  if (bases.length === 1) fm['base_model'] = bases[0];
  else if (bases.length > 1) fm['base_model'] = bases;
  if (bases.length > 0 && ctx.baseModelRelation !== undefined) fm['base_model_relation'] = ctx.baseModelRelation;
  const hubDatasets = uniq(ctx.datasets.map((d) => d.hubId).filter((x): x is string => x !== undefined));
  if (hubDatasets.length > 0) fm['datasets'] = hubDatasets;
  if (ctx.languages.length > 0) fm['language'] = ctx.languages;
  if (ctx.libraryName !== undefined) fm['library_name'] = ctx.libraryName;
  if (isPipelineTag(ctx.task)) fm['pipeline_tag'] = ctx.task;
  if (ctx.tags.length > 0) fm['tags'] = ctx.tags;
  const metricTypes = uniq([...ctx.metricNames, ...ctx.metrics.map((m) => m.type)]);
  if (metricTypes.length > 0) fm['metrics'] = metricTypes;
  if (ctx.metrics.length > 0) {
    // One result per (task, dataset, split); task.type falls back to the model's task.
    const results = new Map<string, { task: Record<string, string>; dataset?: Record<string, string>; metrics: { type: string; value: number | string }[] }>();
    for (const m of ctx.metrics) {
      const task = m.task ?? ctx.task;
      const key = JSON.stringify([task, m.dataset, m.split]);
      let r = results.get(key);
      if (r === undefined) {
        r = { task: task !== undefined ? { type: task } : {}, metrics: [] };
        if (m.dataset !== undefined) r.dataset = { name: m.dataset, ...(m.split !== undefined ? { split: m.split } : {}) };
        results.set(key, r);
      }
      r.metrics.push({ type: m.type, value: numeric(m.value) });
    }
    fm['model-index'] = [{ name: ctx.name, results: [...results.values()] }];
  }
  return fm;
}

/** `---\n<yaml>---\n`, or an empty string when nothing is known. */
export function frontMatterText(fm: Record<string, unknown>): string {
  if (Object.keys(fm).length === 0) return '';
  return `---\n${stringify(fm, { lineWidth: 0 })}---\n`;
}
