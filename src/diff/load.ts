/**
 * Read a CycloneDX BOM (JSON or XML, spec 1.4–1.7, any producer) into a
 * compact map of comparable assets. Everything that is noise for a release
 * diff (timestamp, serial number, tools, ordering, bom-ref spelling) is
 * dropped here, so compare.ts only sees facts.
 */
import { MlbomError } from '../errors.js';
import { type Asset, type AssetType, type Bom } from './types.js';
import { xmlToJson } from './xml.js';

export type Json = Record<string, unknown>;

const SUPPORTED = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);

/** Parse BOM text; throws MlbomError('INPUT') with a one-line reason. */
export function parseBomText(text: string, shown: string): Bom {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  let raw: Json;
  if (t.startsWith('<')) raw = xmlToJson(t, shown);
  else {
    try {
      raw = JSON.parse(t) as Json;
    } catch (err) {
      throw new MlbomError('INPUT', `${shown} is not JSON or XML (${(err as Error).message})`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || raw.bomFormat !== 'CycloneDX') {
      throw new MlbomError('INPUT', `${shown} is not a CycloneDX BOM (no "bomFormat": "CycloneDX")`);
    }
  }
  const spec = str(raw.specVersion) ?? '';
  if (!SUPPORTED.has(spec)) throw new MlbomError('INPUT', `${shown}: unsupported CycloneDX specVersion ${JSON.stringify(spec)}`);
  return normalizeBom(raw, spec);
}

// ---------- JSON-shaped BOM → assets ----------

function normalizeBom(raw: Json, specVersion: string): Bom {
  const comps = arr(raw.components);
  const services = arr(raw.services);
  // bom-ref → a name that survives renaming (purl without version, else group/name).
  const identity = new Map<string, string>();
  const visit = (c: Json): void => {
    const ref = str(c['bom-ref']);
    if (ref !== undefined) identity.set(ref, displayId(c));
    for (const n of arr(c.components)) visit(n);
  };
  comps.forEach(visit);
  services.forEach(visit);
  const assets: Asset[] = [];
  // A vulnerability may name a nested file component; it counts against the top-level asset.
  const owner = new Map<string, Asset>();
  const own = (c: Json, asset: Asset): void => {
    const ref = str(c['bom-ref']);
    if (ref !== undefined) owner.set(ref, asset);
    for (const n of arr(c.components)) own(n, asset);
  };
  for (const c of comps) {
    const asset = componentAsset(c, identity);
    assets.push(asset);
    own(c, asset);
  }
  for (const s of services) {
    const asset = serviceAsset(s);
    assets.push(asset);
    own(s, asset);
  }
  attachFindings(arr(raw.vulnerabilities), owner);
  return { specVersion, assets };
}

/**
 * Vulnerabilities (mlbom's risk findings, or CVEs from other tools) become
 * `mlbom:finding` values on the assets they affect, keyed by what stays
 * stable between releases: the rule (or vulnerability id), severity and evidence.
 */
function attachFindings(vulns: Json[], owner: ReadonlyMap<string, Asset>): void {
  for (const v of vulns) {
    const props = arr(v.properties);
    const prop = (name: string): string[] => props.filter((p) => str(p.name) === name).map((p) => str(p.value) ?? '');
    const key = prop('mlbom:rule')[0] ?? str(v.id) ?? '?';
    const severity = str(asObj(arr(v.ratings)[0])?.severity) ?? 'unknown';
    const evidence = prop('mlbom:evidence');
    const value = `${key} [${severity}]${evidence.length > 0 ? ` ${evidence.join(', ')}` : ''}`;
    for (const a of arr(v.affects)) {
      const asset = owner.get(str(a.ref) ?? '');
      if (asset === undefined) continue;
      const list = asset.props.get('mlbom:finding') ?? [];
      if (!list.includes(value)) list.push(value);
      asset.props.set('mlbom:finding', list.sort());
    }
  }
}

function displayId(c: Json): string {
  const purl = str(c.purl);
  if (purl !== undefined) return purlBase(purl);
  const g = str(c.group);
  return `${g !== undefined ? `${g}/` : ''}${str(c.name) ?? str(c['bom-ref']) ?? '?'}`;
}

/** `pkg:type/ns/name@version?q#s` → `pkg:type/ns/name` (lower-cased type). */
export function purlBase(purl: string): string {
  let p = purl.split('#')[0]!.split('?')[0]!;
  const at = p.lastIndexOf('@');
  if (at > p.indexOf('/')) p = p.slice(0, at);
  return p.replace(/^pkg:([^/]+)/, (_m, t: string) => `pkg:${t.toLowerCase()}`);
}

function purlVersion(purl: string): string | undefined {
  const p = purl.split('#')[0]!.split('?')[0]!;
  const at = p.lastIndexOf('@');
  return at > p.indexOf('/') ? decodeURIComponent(p.slice(at + 1)) : undefined;
}

function baseAsset(c: Json, type: string): Asset {
  const props = new Map<string, string[]>();
  for (const p of arr(c.properties)) {
    const n = str(p.name);
    if (n === undefined) continue;
    const v = str(p.value) ?? '';
    const list = props.get(n);
    if (list) list.push(v);
    else props.set(n, [v]);
  }
  const purl = str(c.purl);
  const occ = arr(asObj(c.evidence)?.occurrences).map((o) => str(o.location)).filter((x): x is string => x !== undefined);
  return {
    type,
    assetType: 'other',
    ref: str(c['bom-ref']),
    name: str(c.name) ?? '',
    group: str(c.group),
    version: str(c.version) ?? (purl !== undefined ? purlVersion(purl) : undefined),
    purl,
    purlBase: purl !== undefined ? purlBase(purl) : undefined,
    path: occ.length > 0 ? occ.map((l) => l.replace(/#\d+$/, '')).sort()[0] : undefined,
    props,
    fields: new Map(),
    datasets: [],
    metrics: new Map(),
  };
}

function componentAsset(c: Json, identity: Map<string, string>): Asset {
  const type = str(c.type) ?? 'library';
  const a = baseAsset(c, type);
  a.assetType = assetTypeOf(type, a.props.get('mlbom:asset_kind')?.[0]);
  const f = a.fields;
  const hashes = hashList(c);
  // Files nested in a model (weights, config) count as the model's content.
  const nested = arr(c.components);
  for (const n of nested) for (const h of hashList(n)) hashes.push(`${str(n.name) ?? '?'} ${h}`);
  if (hashes.length > 0) f.set('hashes', hashes.sort().join('\n'));
  const lic = licenseExpr(c.licenses);
  if (lic !== undefined) f.set('license', lic);
  const mc = asObj(c.modelCard);
  if (mc !== undefined) {
    const mp = asObj(mc.modelParameters);
    setIf(f, 'task', str(mp?.task));
    setIf(f, 'architecture', [str(mp?.architectureFamily), str(mp?.modelArchitecture)].filter(Boolean).join(' / ') || undefined);
    a.datasets = [...new Set(arr(mp?.datasets).map((d) => {
      const ref = str(d.ref);
      return ref !== undefined ? (identity.get(ref) ?? ref) : (str(d.name) ?? str(d.type) ?? '?');
    }))].sort();
    for (const m of arr(asObj(mc.quantitativeAnalysis)?.performanceMetrics)) {
      const key = [str(m.type) ?? '?', str(m.slice)].filter(Boolean).join(' @ ');
      a.metrics.set(key, { value: str(m.value) ?? '' });
    }
    const cons = asObj(mc.considerations);
    if (cons !== undefined) {
      for (const k of Object.keys(cons).sort()) {
        const v = JSON.stringify(cons[k]);
        f.set(`considerations.${k}`, v);
      }
    }
  }
  const anc = arr(asObj(c.pedigree)?.ancestors).map((x) => {
    const p = str(x.purl);
    return p ?? `${displayId(x)}${str(x.version) !== undefined ? `@${str(x.version)}` : ''}`;
  });
  if (anc.length > 0) f.set('pedigree.ancestors', anc.sort().join(', '));
  return a;
}

function serviceAsset(s: Json): Asset {
  const a = baseAsset(s, 'service');
  a.assetType = 'service';
  const f = a.fields;
  setIf(f, 'endpoints', arr(s.endpoints, true).map(String).sort().join(', ') || undefined);
  const prov = asObj(s.provider);
  setIf(f, 'provider', str(prov?.name));
  const tb = s['x-trust-boundary'] ?? s.trustBoundary;
  setIf(f, 'trust-boundary', tb === undefined ? undefined : String(tb));
  setIf(f, 'trust-zone', str(s.trustZone));
  setIf(f, 'authenticated', s.authenticated === undefined ? undefined : String(s.authenticated));
  const flows = arr(s.data).map((d) => `${str(d.flow) ?? '?'}: ${str(d.classification) ?? ''}`.trim());
  setIf(f, 'data-flow', flows.sort().join('; ') || undefined);
  const lic = licenseExpr(s.licenses);
  if (lic !== undefined) f.set('license', lic);
  return a;
}

export function assetTypeOf(type: string, kind: string | undefined): AssetType {
  if (kind === 'model' || kind === 'dataset' || kind === 'prompt' || kind === 'service' || kind === 'package') return kind;
  if (type === 'machine-learning-model') return 'model';
  if (type === 'data') return 'dataset';
  if (type === 'library' || type === 'framework') return 'package';
  if (type === 'service') return 'service';
  return 'other';
}

function hashList(c: Json): string[] {
  return arr(c.hashes).map((h) => `${str(h.alg) ?? '?'}:${(str(h.content) ?? '').toLowerCase()}`);
}

/** Licences as one SPDX-style expression string (ids, names and expressions joined with OR, as written). */
function licenseExpr(v: unknown): string | undefined {
  const parts: string[] = [];
  for (const l of arr(v)) {
    const e = str(l.expression);
    if (e !== undefined) parts.push(e);
    const lic = asObj(l.license);
    if (lic !== undefined) {
      const id = str(lic.id) ?? str(lic.name);
      if (id !== undefined) parts.push(id);
    }
  }
  if (parts.length === 0) return undefined;
  const uniq = [...new Set(parts)].sort();
  return uniq.length === 1 ? uniq[0] : uniq.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(' OR ');
}

function setIf(m: Map<string, string>, k: string, v: string | undefined): void {
  if (v !== undefined && v !== '') m.set(k, v);
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function asObj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function arr(v: unknown, keepScalars = false): Json[] {
  if (!Array.isArray(v)) return [];
  return keepScalars ? (v as Json[]) : (v.filter((x) => asObj(x) !== undefined) as Json[]);
}
