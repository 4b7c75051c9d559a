/**
 * Card context: every fact a model or dataset card can state, read from a
 * CycloneDX JSON BOM only (mlbom's or another tool's, e.g. cdxgen). Nothing
 * is inferred beyond what the BOM says; a missing fact stays undefined.
 */
import { MlbomError } from '../errors.js';

type Json = Record<string, unknown>;

export interface FileHash {
  name: string;
  alg: string;
  content: string;
  role?: string;
  /** The hash comes from the Hub, not from a file on disk. */
  upstream?: boolean;
}

export interface LicenseInfo {
  /** SPDX id as written in the BOM, e.g. `Apache-2.0`. */
  id?: string;
  name?: string;
  expression?: string;
  url?: string;
}

export interface MetricInfo {
  type: string;
  value: string;
  slice?: string;
  /** Parsed from mlbom's slice `"<task> on <dataset> (<split>)"`. */
  task?: string;
  dataset?: string;
  split?: string;
}

export interface DatasetRef {
  /** What the card can call it: a Hub id (`org/name`) or the component name. */
  name: string;
  /** A Hugging Face Hub dataset id, when the BOM gives one (purl `pkg:huggingface`). */
  hubId?: string;
  bomRef?: string;
  purl?: string;
}

export interface BaseModelRef {
  name: string;
  hubId?: string;
  purl?: string;
  version?: string;
}

export interface CardContext {
  kind: 'model' | 'dataset';
  bomRef?: string;
  name: string;
  group?: string;
  /** `group/name` when there is a group, else the name. */
  fullName: string;
  version?: string;
  purl?: string;
  /** A Hub repo id, when the purl is `pkg:huggingface/...`. */
  hubId?: string;
  description?: string;
  supplier?: string;
  authors: string[];
  licenses: LicenseInfo[];
  licenseName?: string;
  licenseLink?: string;
  hashes: FileHash[];
  task?: string;
  architectureFamily?: string;
  modelArchitecture?: string;
  datasets: DatasetRef[];
  metrics: MetricInfo[];
  metricNames: string[];
  baseModels: BaseModelRef[];
  baseModelRelation?: string;
  pinned?: boolean;
  revision?: string;
  requestedRevision?: string;
  serialization?: string;
  format?: string;
  formats: string[];
  quantization?: string;
  parameterCount?: string;
  contextLength?: string;
  upstreamVerification?: string;
  upstreamMismatch: string[];
  upstreamRepo?: string;
  trustRemoteCode?: boolean;
  lambdaLayers: string[];
  libraryName?: string;
  languages: string[];
  tags: string[];
  modelType?: string;
  torchDtype?: string;
  size?: string;
  gated?: string;
  enrichmentError?: string;
  locations: string[];
  externalReferences: { type: string; url: string }[];
  /** Dataset facts. */
  dataFormats: string[];
  rows?: string;
  columns: string[];
  taskCategories: string[];
  taskIds: string[];
  sizeCategories: string[];
  sourceDatasets: string[];
  prettyName?: string;
  splits: string[];
  /** modelCard considerations, when the BOM has them (cdxgen and others may). */
  considerations: {
    users: string[];
    useCases: string[];
    technicalLimitations: string[];
    ethicalConsiderations: string[];
    fairnessAssessments: string[];
    environmentalConsiderations: string[];
  };
  /** Every `mlbom:` property, lists as arrays. */
  properties: Record<string, string[]>;
  /** The tool(s) that made the BOM. */
  bomTools: string[];
}

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Parse BOM text; anything that is not a CycloneDX JSON BOM is an INPUT error. */
export function parseBomJson(text: string, shown: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new MlbomError('INPUT', `${shown} is not JSON (only CycloneDX JSON BOMs are read)`);
  }
  if (!isRecord(doc) || doc['bomFormat'] !== 'CycloneDX') throw new MlbomError('INPUT', `${shown} is not a CycloneDX BOM (no "bomFormat": "CycloneDX")`);
  return doc;
}

/** Every component in the BOM, nested ones included, depth first. */
function allComponents(bom: Json): Json[] {
  const out: Json[] = [];
  const walk = (list: unknown): void => {
    for (const c of arr(list)) {
      if (!isRecord(c)) continue;
      out.push(c);
      walk(c['components']);
    }
  };
  const meta = bom['metadata'];
  if (isRecord(meta) && isRecord(meta['component'])) walk([meta['component']]);
  walk(bom['components']);
  return out;
}

function props(c: Json): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of arr(c['properties'])) {
    if (!isRecord(p)) continue;
    const name = str(p['name']);
    const value = str(p['value']);
    if (name === undefined || value === undefined) continue;
    (out[name] ??= []).push(value);
  }
  return out;
}

const one = (p: Record<string, string[]>, k: string): string | undefined => p[`mlbom:${k}`]?.[0];
const many = (p: Record<string, string[]>, k: string): string[] => p[`mlbom:${k}`] ?? [];
const bool = (p: Record<string, string[]>, k: string): boolean | undefined => {
  const v = one(p, k);
  return v === 'true' ? true : v === 'false' ? false : undefined;
};

/** `pkg:huggingface/org/name@rev?...` → `org/name` (also one-segment ids). */
export function hubIdFromPurl(purl: string | undefined): string | undefined {
  if (purl === undefined) return undefined;
  const m = /^pkg:huggingface\/([^@?#]+)/.exec(purl);
  if (m === null) return undefined;
  return m[1]!.split('/').map((s) => decodeURIComponent(s)).join('/');
}

/** A model or a dataset? Prompts (`data` with `data[0].type` other, or asset_kind prompt) are neither. */
export function cardKind(c: Json): 'model' | 'dataset' | undefined {
  if (c['type'] === 'machine-learning-model') return 'model';
  if (c['type'] !== 'data') return undefined;
  const kind = one(props(c), 'asset_kind');
  if (kind === 'prompt') return undefined;
  if (kind === 'dataset') return 'dataset';
  const d0 = arr(c['data'])[0];
  if (isRecord(d0)) return d0['type'] === 'dataset' ? 'dataset' : undefined;
  return 'dataset';
}

function licenses(c: Json): LicenseInfo[] {
  const out: LicenseInfo[] = [];
  for (const l of arr(c['licenses'])) {
    if (!isRecord(l)) continue;
    const expr = str(l['expression']);
    if (expr !== undefined) {
      out.push({ expression: expr });
      continue;
    }
    const lic = l['license'];
    if (!isRecord(lic)) continue;
    const info: LicenseInfo = {};
    const id = str(lic['id']);
    const name = str(lic['name']);
    const url = str(lic['url']);
    if (id !== undefined) info.id = id;
    if (name !== undefined) info.name = name;
    if (url !== undefined) info.url = url;
    if (id !== undefined || name !== undefined) out.push(info);
  }
  return out;
}

function hashesOf(c: Json, name: string, role?: string, upstream?: boolean): FileHash[] {
  const out: FileHash[] = [];
  for (const h of arr(c['hashes'])) {
    if (!isRecord(h)) continue;
    const alg = str(h['alg']);
    const content = str(h['content']);
    if (alg === undefined || content === undefined) continue;
    const fh: FileHash = { name, alg, content };
    if (role !== undefined) fh.role = role;
    if (upstream === true) fh.upstream = true;
    out.push(fh);
  }
  return out;
}

function entityName(v: unknown): string | undefined {
  if (typeof v === 'string') return str(v);
  if (!isRecord(v)) return undefined;
  return str(v['name']) ?? str(v['url']) ?? (arr(v['url']).map(str).find((x) => x !== undefined));
}

function textList(v: unknown, key?: string): string[] {
  const out: string[] = [];
  for (const x of arr(v)) {
    if (typeof x === 'string' && x.trim() !== '') out.push(x);
    else if (isRecord(x)) {
      const t = str(key !== undefined ? x[key] : undefined) ?? str(x['description']) ?? str(x['name']);
      if (t !== undefined) out.push(t);
    }
  }
  return out;
}

function parseSlice(slice: string | undefined): { task?: string; dataset?: string; split?: string } {
  if (slice === undefined) return {};
  const m = /^(.+?) on (.+?)(?: \(([^()]+)\))?$/.exec(slice);
  if (m === null) return {};
  const out: { task?: string; dataset?: string; split?: string } = { task: m[1]!, dataset: m[2]! };
  if (m[3] !== undefined) out.split = m[3];
  return out;
}

function buildOne(c: Json, kind: 'model' | 'dataset', byRef: Map<string, Json>, bomTools: string[]): CardContext {
  const p = props(c);
  const name = str(c['name']) ?? str(c['bom-ref']) ?? '(unnamed)';
  const group = str(c['group']);
  const purl = str(c['purl']);
  const ctx: CardContext = {
    kind,
    name,
    fullName: group !== undefined ? `${group}/${name}` : name,
    authors: [],
    licenses: licenses(c),
    hashes: [],
    datasets: [],
    metrics: [],
    metricNames: many(p, 'metric_names'),
    baseModels: [],
    formats: [],
    upstreamMismatch: many(p, 'upstream_mismatch'),
    lambdaLayers: many(p, 'lambda_layers'),
    languages: many(p, 'languages'),
    tags: many(p, 'tags'),
    locations: [],
    externalReferences: [],
    dataFormats: many(p, 'data_formats'),
    columns: many(p, 'columns'),
    taskCategories: many(p, 'task_categories'),
    taskIds: many(p, 'task_ids'),
    sizeCategories: many(p, 'size_categories'),
    sourceDatasets: many(p, 'source_datasets'),
    splits: many(p, 'splits'),
    considerations: { users: [], useCases: [], technicalLimitations: [], ethicalConsiderations: [], fairnessAssessments: [], environmentalConsiderations: [] },
    properties: p,
    bomTools,
  };
  const set = <K extends keyof CardContext>(k: K, v: CardContext[K] | undefined): void => {
    if (v !== undefined) ctx[k] = v;
  };
  set('bomRef', str(c['bom-ref']));
  set('group', group);
  set('version', str(c['version']));
  set('purl', purl);
  set('hubId', hubIdFromPurl(purl));
  set('description', str(c['description']));
  set('supplier', entityName(c['supplier']) ?? entityName(c['manufacturer']) ?? str(c['publisher']));
  const authors = [...arr(c['authors']).map(entityName), str(c['author'])].filter((x): x is string => x !== undefined);
  ctx.authors = authors;
  set('licenseName', one(p, 'license_name'));
  set('licenseLink', one(p, 'license_link'));
  // Hashes: the component's own, then its nested files'.
  ctx.hashes.push(...hashesOf(c, name));
  const nested = (list: unknown, prefix: string): void => {
    for (const f of arr(list)) {
      if (!isRecord(f)) continue;
      const fp = props(f);
      const fname = `${prefix}${str(f['name']) ?? '(unnamed)'}`;
      ctx.hashes.push(...hashesOf(f, fname, one(fp, 'role'), one(fp, 'upstream') === 'true'));
      const fmt = one(fp, 'format');
      if (fmt !== undefined && !ctx.formats.includes(fmt)) ctx.formats.push(fmt);
      if (one(fp, 'serialization') === 'pickle' && ctx.serialization === undefined) ctx.serialization = 'pickle';
      nested(f['components'], `${fname}/`);
    }
  };
  nested(c['components'], '');
  const mc = c['modelCard'];
  if (isRecord(mc)) {
    const mp = mc['modelParameters'];
    if (isRecord(mp)) {
      set('task', str(mp['task']));
      set('architectureFamily', str(mp['architectureFamily']));
      set('modelArchitecture', str(mp['modelArchitecture']));
      for (const d of arr(mp['datasets'])) {
        if (!isRecord(d)) continue;
        const ref = str(d['ref']);
        if (ref !== undefined) {
          const target = byRef.get(ref);
          if (target === undefined) {
            ctx.datasets.push({ name: ref, bomRef: ref });
            continue;
          }
          const tp = str(target['purl']);
          const d0 = arr(target['data'])[0];
          const hub = hubIdFromPurl(tp);
          const dn = hub ?? (isRecord(d0) ? str(d0['name']) : undefined) ?? str(target['name']) ?? ref;
          const dr: DatasetRef = { name: dn, bomRef: ref };
          if (hub !== undefined) dr.hubId = hub;
          if (tp !== undefined) dr.purl = tp;
          ctx.datasets.push(dr);
        } else {
          const dn = str(d['name']);
          if (dn !== undefined) ctx.datasets.push({ name: dn });
        }
      }
    }
    const qa = mc['quantitativeAnalysis'];
    if (isRecord(qa)) {
      for (const m of arr(qa['performanceMetrics'])) {
        if (!isRecord(m)) continue;
        const type = str(m['type']);
        const value = str(m['value']);
        if (type === undefined || value === undefined) continue;
        const slice = str(m['slice']);
        ctx.metrics.push({ type, value, ...(slice !== undefined ? { slice } : {}), ...parseSlice(slice) });
      }
    }
    const cons = mc['considerations'];
    if (isRecord(cons)) {
      ctx.considerations.users = textList(cons['users']);
      ctx.considerations.useCases = textList(cons['useCases']);
      ctx.considerations.technicalLimitations = textList(cons['technicalLimitations']);
      ctx.considerations.ethicalConsiderations = textList(cons['ethicalConsiderations'], 'name');
      ctx.considerations.fairnessAssessments = textList(cons['fairnessAssessments'], 'harms');
      ctx.considerations.environmentalConsiderations = textList(isRecord(cons['environmentalConsiderations']) ? [] : cons['environmentalConsiderations']);
    }
  }
  const ped = c['pedigree'];
  if (isRecord(ped)) {
    for (const a of arr(ped['ancestors'])) {
      if (!isRecord(a)) continue;
      const an = str(a['name']);
      if (an === undefined) continue;
      const ag = str(a['group']);
      const ap = str(a['purl']);
      const b: BaseModelRef = { name: ag !== undefined ? `${ag}/${an}` : an };
      const hub = hubIdFromPurl(ap);
      if (hub !== undefined) b.hubId = hub;
      if (ap !== undefined) b.purl = ap;
      const av = str(a['version']);
      if (av !== undefined) b.version = av;
      ctx.baseModels.push(b);
    }
  }
  set('baseModelRelation', one(p, 'base_model_relation'));
  set('pinned', bool(p, 'pinned'));
  set('revision', one(p, 'revision'));
  set('requestedRevision', one(p, 'requested_revision'));
  if (one(p, 'serialization') !== undefined) ctx.serialization = one(p, 'serialization');
  set('format', one(p, 'format'));
  if (ctx.format !== undefined && !ctx.formats.includes(ctx.format)) ctx.formats.unshift(ctx.format);
  set('quantization', one(p, 'quantization'));
  set('parameterCount', one(p, 'parameter_count'));
  set('contextLength', one(p, 'context_length'));
  set('upstreamVerification', one(p, 'upstream_verification'));
  set('upstreamRepo', one(p, 'upstream_repo'));
  set('trustRemoteCode', bool(p, 'trust_remote_code'));
  set('libraryName', one(p, 'library_name'));
  set('modelType', one(p, 'model_type'));
  set('torchDtype', one(p, 'torch_dtype'));
  set('size', one(p, 'size'));
  set('gated', one(p, 'gated'));
  set('enrichmentError', one(p, 'enrichment_error'));
  set('rows', one(p, 'rows'));
  set('prettyName', one(p, 'pretty_name'));
  const ev = c['evidence'];
  if (isRecord(ev)) {
    for (const o of arr(ev['occurrences'])) {
      if (!isRecord(o)) continue;
      const loc = str(o['location']);
      if (loc === undefined) continue;
      const line = str(o['line']);
      ctx.locations.push(line !== undefined ? `${loc}:${line}` : loc);
    }
  }
  for (const r of arr(c['externalReferences'])) {
    if (!isRecord(r)) continue;
    const url = str(r['url']);
    const type = str(r['type']);
    if (url !== undefined && type !== undefined) ctx.externalReferences.push({ type, url });
  }
  return ctx;
}

/** One context per model and dataset component of the BOM, in BOM order. */
export function buildCardContexts(bom: Json): CardContext[] {
  const comps = allComponents(bom);
  const byRef = new Map<string, Json>();
  for (const c of comps) {
    const r = str(c['bom-ref']);
    if (r !== undefined) byRef.set(r, c);
  }
  const meta = bom['metadata'];
  const tools: string[] = [];
  if (isRecord(meta)) {
    const t = meta['tools'];
    const list = isRecord(t) ? arr(t['components']) : arr(t);
    for (const x of list) {
      if (!isRecord(x)) continue;
      const n = str(x['name']);
      if (n !== undefined) tools.push(str(x['version']) !== undefined ? `${n} ${str(x['version'])}` : n);
    }
  }
  const out: CardContext[] = [];
  for (const c of comps) {
    const kind = cardKind(c);
    if (kind !== undefined) out.push(buildOne(c, kind, byRef, tools));
  }
  return out;
}

/** Contexts matching `sel`: a bom-ref, a name, `group/name`, a Hub id or a purl. */
export function selectContexts(all: CardContext[], sel: string): CardContext[] {
  return all.filter((c) => c.bomRef === sel || c.name === sel || c.fullName === sel || c.hubId === sel || c.purl === sel);
}
