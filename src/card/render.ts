/** Card drafts: context → template context (front matter, completeness) → Markdown. */
import { readFile } from 'node:fs/promises';
import { Template } from '@huggingface/jinja';
import { MlbomError } from '../errors.js';
import type { CardContext } from './context.js';
import { frontMatter, frontMatterText, hubLicense, isPipelineTag } from './frontmatter.js';

export interface SectionScore {
  section: string;
  filled: number;
  total: number;
  missing: string[];
}

export interface TemplateContext extends CardContext {
  front_matter: string;
  front_matter_data: Record<string, unknown>;
  hub_license?: string;
  license_label?: string;
  pipeline_tag?: string;
  /** The weights' SHA-256 rows first, then the rest. */
  sha256: { name: string; content: string; role?: string; upstream?: boolean }[];
  other_hashes: { name: string; alg: string; content: string }[];
  pickle_risk: boolean;
  completeness: SectionScore[];
  completeness_filled: number;
  completeness_total: number;
}

const has = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== '');

/** Field presence per card section, in template order. A field is filled only when the BOM gives it. */
export function completeness(ctx: CardContext): SectionScore[] {
  const s = (section: string, fields: [string, unknown][]): SectionScore => ({
    section,
    filled: fields.filter(([, v]) => has(v)).length,
    total: fields.length,
    missing: fields.filter(([, v]) => !has(v)).map(([n]) => n),
  });
  const c = ctx.considerations;
  const licensed = ctx.licenses.length > 0 || ctx.licenseName !== undefined ? true : undefined;
  const localOnly = ctx.purl === undefined && ctx.hashes.some((h) => h.alg.toUpperCase() === 'SHA-256');
  const pinnedKnown = ctx.pinned !== undefined || ctx.version?.length === 40 || localOnly ? true : undefined;
  if (ctx.kind === 'dataset') {
    return [
      s('Dataset Details', [['description', ctx.description], ['curated by', ctx.supplier ?? (ctx.authors.length > 0 ? ctx.authors : undefined)], ['language', ctx.languages], ['license', licensed], ['source', ctx.hubId ?? ctx.purl ?? (ctx.locations.length > 0 ? ctx.locations : undefined)]]),
      s('Uses', [['direct use', c.useCases], ['out-of-scope use', undefined]]),
      s('Dataset Structure', [['formats', ctx.dataFormats], ['rows', ctx.rows], ['columns', ctx.columns], ['splits', ctx.splits]]),
      s('Dataset Creation', [['curation rationale', undefined], ['source data', ctx.sourceDatasets], ['personal and sensitive information', undefined]]),
      s('Bias, Risks, and Limitations', [['bias, risks and limitations', [...c.technicalLimitations, ...c.ethicalConsiderations]]]),
      s('Security and integrity', [['file hashes', ctx.hashes], ['pinned revision', pinnedKnown]]),
      s('Decommissioning plan', [['retention and deletion', undefined]]),
      s('Citation', [['citation', undefined]]),
      s('Dataset Card Contact', [['contact', ctx.supplier ?? (ctx.authors.length > 0 ? ctx.authors : undefined)]]),
    ];
  }
  return [
    s('Model Details', [
      ['description', ctx.description],
      ['developed by', ctx.supplier ?? (ctx.authors.length > 0 ? ctx.authors : undefined)],
      ['model type', ctx.task ?? ctx.modelArchitecture ?? ctx.architectureFamily],
      ['language', ctx.languages],
      ['license', licensed],
      ['base model', ctx.baseModels],
      ['version', ctx.version],
    ]),
    s('Uses', [['direct use', c.useCases], ['intended users', c.users], ['out-of-scope use', undefined]]),
    s('Bias, Risks, and Limitations', [['technical limitations', c.technicalLimitations], ['ethical considerations', c.ethicalConsiderations]]),
    s('How to Get Started', [['where to load it from', ctx.hubId ?? (ctx.locations.length > 0 ? ctx.locations : undefined)]]),
    s('Training Details', [['training data', ctx.datasets], ['training procedure', undefined]]),
    s('Evaluation', [['metrics and results', ctx.metrics], ['testing data', ctx.metrics.some((m) => m.dataset !== undefined) ? true : undefined]]),
    s('Environmental Impact', [['environmental impact', c.environmentalConsiderations]]),
    s('Technical Specifications', [['architecture', ctx.modelArchitecture ?? ctx.architectureFamily ?? ctx.modelType], ['parameters', ctx.parameterCount], ['format', ctx.formats], ['library', ctx.libraryName]]),
    s('Citation', [['citation', undefined]]),
    s('Model Card Contact', [['contact', ctx.supplier ?? (ctx.authors.length > 0 ? ctx.authors : undefined)]]),
    s('Security and integrity', [['file hashes', ctx.hashes], ['pinned revision', pinnedKnown], ['serialization format', ctx.formats.length > 0 || ctx.serialization !== undefined ? true : undefined], ['upstream verification', ctx.upstreamVerification]]),
    s('Guardrails and known failure modes', [['guardrails', undefined], ['known failure modes', c.technicalLimitations]]),
    s('Red-teaming and evaluation status', [['red-teaming', undefined], ['evaluation status', ctx.metrics]]),
    s('Decommissioning plan', [['decommissioning plan', undefined]]),
  ];
}

export function templateContext(ctx: CardContext): TemplateContext {
  const fm = frontMatter(ctx);
  const lic = hubLicense(ctx);
  const scores = completeness(ctx);
  const sha = ctx.hashes.filter((h) => h.alg.toUpperCase() === 'SHA-256');
  const weightsFirst = [...sha.filter((h) => h.role === 'weights' || h.role === undefined), ...sha.filter((h) => h.role !== 'weights' && h.role !== undefined)];
  const tc: TemplateContext = {
    ...ctx,
    front_matter: frontMatterText(fm),
    front_matter_data: fm,
    sha256: weightsFirst.map((h) => ({ name: h.name, content: h.content, ...(h.role !== undefined ? { role: h.role } : {}), ...(h.upstream === true ? { upstream: true } : {}) })),
    other_hashes: ctx.hashes.filter((h) => h.alg.toUpperCase() !== 'SHA-256').map((h) => ({ name: h.name, alg: h.alg, content: h.content })),
    pickle_risk: ctx.serialization === 'pickle' || ctx.lambdaLayers.length > 0,
    completeness: scores,
    completeness_filled: scores.reduce((n, x) => n + x.filled, 0),
    completeness_total: scores.reduce((n, x) => n + x.total, 0),
  };
  if (lic !== undefined) {
    tc.hub_license = lic.license;
    tc.license_label = lic.license === 'other' ? (lic.license_name ?? 'other') : (ctx.licenses[0]?.id ?? ctx.licenses[0]?.expression ?? lic.license);
  }
  if (isPipelineTag(ctx.task)) tc.pipeline_tag = ctx.task;
  return tc;
}

/** The built-in template for a card kind. Tests and the CLI run from dist/src/card/. */
export function defaultTemplatePath(kind: 'model' | 'dataset'): URL {
  return new URL(`../../../templates/${kind}-card.md.jinja`, import.meta.url);
}

export async function loadTemplate(path: string | URL, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new MlbomError('INPUT', `cannot read template ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function renderCard(source: string, tc: TemplateContext, shown: string): string {
  let tpl: Template;
  try {
    tpl = new Template(source);
  } catch (err) {
    throw new MlbomError('INPUT', `template ${shown} does not parse: ${(err as Error).message}`);
  }
  let out: string;
  try {
    out = tpl.render(tc as unknown as Record<string, unknown>);
  } catch (err) {
    throw new MlbomError('INPUT', `template ${shown} failed to render: ${(err as Error).message}`);
  }
  return `${tidy(out).trim()}\n`;
}

/** A blank line before every Markdown heading outside code fences, and never more than one blank line. */
function tidy(md: string): string {
  const lines = md.split('\n');
  const out: string[] = [];
  let fence = false;
  for (const line of lines) {
    if (/^```/.test(line)) fence = !fence;
    if (!fence && /^#{1,6} /.test(line) && out.length > 0 && out[out.length - 1] !== '' && out[out.length - 1] !== '---') out.push('');
    out.push(line);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
