/** Pure comparison of two normalized BOMs. No I/O, deterministic order. */
import semver from 'semver';
import { ASSET_TYPES, type Asset, type AssetType, type Bom, type Change, type ChangeKind, type DiffResult, type Severity } from './types.js';

/** mlbom: properties that are reported by a dedicated kind, or are not facts about the asset. */
// Compared elsewhere, or noise: which mlbom scanner found an asset is not a change to the asset.
const DEDICATED_PROPS = new Set(['mlbom:asset_kind', 'mlbom:quantization', 'mlbom:format', 'mlbom:scanner']);
const PICKLE_FORMATS = new Set(['pickle', 'pytorch-zip', 'pytorch-legacy', 'joblib']);

/** Pair OLD with NEW: purl without version, then bom-ref, then (type, group, name), then evidence path. */
export function matchAssets(oldA: readonly Asset[], newA: readonly Asset[]): { pairs: [Asset, Asset][]; removed: Asset[]; added: Asset[] } {
  const keys: ((a: Asset) => string | undefined)[] = [
    (a) => (a.purlBase !== undefined ? `${a.assetType}|${a.purlBase}` : undefined),
    (a) => a.ref,
    (a) => `${a.type}|${a.group ?? ''}|${a.name}`,
    (a) => (a.path !== undefined ? `${a.assetType}|${a.path}` : undefined),
  ];
  const used = new Set<Asset>();
  const pairs: [Asset, Asset][] = [];
  let pending: Asset[] = [...oldA];
  for (const key of keys) {
    const index = new Map<string, Asset[]>();
    for (const n of newA) {
      if (used.has(n)) continue;
      const k = key(n);
      if (k === undefined) continue;
      const l = index.get(k);
      if (l) l.push(n);
      else index.set(k, [n]);
    }
    const rest: Asset[] = [];
    for (const o of pending) {
      const k = key(o);
      const cands = k !== undefined ? index.get(k) : undefined;
      // Prefer the candidate with the same version (two pinned revisions of one repo stay two).
      let hit: Asset | undefined;
      if (cands !== undefined) {
        hit = cands.find((c) => !used.has(c) && c.version === o.version) ?? cands.find((c) => !used.has(c));
      }
      if (hit !== undefined) {
        used.add(hit);
        pairs.push([o, hit]);
      } else rest.push(o);
    }
    pending = rest;
  }
  return { pairs, removed: pending, added: newA.filter((n) => !used.has(n)) };
}

export function diffBoms(oldBom: Bom, newBom: Bom): DiffResult {
  const { pairs, removed, added } = matchAssets(oldBom.assets, newBom.assets);
  const changes: Change[] = [];
  for (const a of added) changes.push(mk('added', a, null, null, label(a), isPickle(a) ? { pickle: true } : {}));
  for (const r of removed) changes.push(mk('removed', r, null, label(r), null));
  for (const [o, n] of pairs) compareAsset(o, n, changes);
  changes.sort(byOrder);
  return { version: 1, summary: summarize(changes), changes };
}

function label(a: Asset): string {
  return a.version !== undefined ? `${a.name}@${a.version}` : a.name;
}

function displayName(a: Asset): string {
  return a.group !== undefined && a.group !== '' ? `${a.group}/${a.name}` : a.name;
}

function mk(kind: ChangeKind, a: Asset, field: string | null, before: string | null, after: string | null, extra: Partial<Change> = {}): Change {
  return { kind, assetType: a.assetType, ref: a.ref ?? null, name: displayName(a), field, before, after, ...extra };
}

function isPickle(a: Asset): boolean {
  if (a.props.get('mlbom:serialization')?.includes('pickle') === true) return true;
  if ((a.props.get('mlbom:format') ?? []).some((f) => PICKLE_FORMATS.has(f))) return true;
  return /\.(pkl|pickle|joblib|pt|pth|ckpt)$/i.test(a.name);
}

function compareAsset(o: Asset, n: Asset, out: Change[]): void {
  const push = (kind: ChangeKind, field: string | null, b: string | undefined, a: string | undefined, extra: Partial<Change> = {}): void => {
    out.push(mk(kind, n, field, b ?? null, a ?? null, extra));
  };
  if (o.version !== n.version) push('version-changed', 'version', o.version, n.version, versionSeverity(o, n));
  const oh = o.fields.get('hashes');
  const nh = n.fields.get('hashes');
  // A hash that appears or disappears (one side has none) is not a content change.
  if (oh !== undefined && nh !== undefined && oh !== nh) {
    // Integrity needs a version to hold the content to: a local file without one just changed.
    const same = o.version !== undefined && o.version === n.version;
    push(same ? 'integrity' : 'hash-changed', 'hashes', oh, nh, same ? { severity: 'integrity' } : {});
  }
  for (const [k, kind] of [['license', 'license-changed'], ['task', 'task-changed'], ['architecture', 'architecture-changed'], ['pedigree.ancestors', 'pedigree-changed']] as const) {
    if (o.fields.get(k) !== n.fields.get(k)) push(kind, k, o.fields.get(k), n.fields.get(k));
  }
  const cons = new Set([...o.fields.keys(), ...n.fields.keys()].filter((k) => k.startsWith('considerations.')));
  for (const k of [...cons].sort()) if (o.fields.get(k) !== n.fields.get(k)) push('considerations-changed', k, o.fields.get(k), n.fields.get(k));
  for (const k of ['endpoints', 'provider', 'trust-boundary', 'trust-zone', 'authenticated', 'data-flow']) {
    if (o.fields.get(k) !== n.fields.get(k)) push('service-changed', k, o.fields.get(k), n.fields.get(k));
  }
  const od = new Set(o.datasets);
  const nd = new Set(n.datasets);
  for (const d of n.datasets) if (!od.has(d)) push('dataset-added', 'modelCard.datasets', undefined, d);
  for (const d of o.datasets) if (!nd.has(d)) push('dataset-removed', 'modelCard.datasets', d, undefined);
  const mkeys = new Set([...o.metrics.keys(), ...n.metrics.keys()]);
  for (const k of [...mkeys].sort()) {
    const b = o.metrics.get(k)?.value;
    const a = n.metrics.get(k)?.value;
    if (b === a) continue;
    const extra: Partial<Change> = {};
    if (b !== undefined && a !== undefined && isNum(b) && isNum(a)) {
      const delta = round(Number(a) - Number(b));
      extra.delta = delta;
      const better = lowerIsBetter(k) ? delta < 0 : delta > 0;
      extra.severity = better ? 'improvement' : 'regression';
    }
    push('metric-changed', `metric:${k}`, b, a, extra);
  }
  const pn = (a: Asset, p: string): string | undefined => {
    const v = a.props.get(p);
    return v === undefined ? undefined : v.join(', ');
  };
  if (pn(o, 'mlbom:quantization') !== pn(n, 'mlbom:quantization')) push('quantization-changed', 'mlbom:quantization', pn(o, 'mlbom:quantization'), pn(n, 'mlbom:quantization'));
  if (pn(o, 'mlbom:format') !== pn(n, 'mlbom:format')) {
    push('format-changed', 'mlbom:format', pn(o, 'mlbom:format'), pn(n, 'mlbom:format'), isPickle(n) && !isPickle(o) ? { pickle: true } : {});
  }
  const names = new Set([...o.props.keys(), ...n.props.keys()]);
  for (const p of [...names].sort()) {
    if (!p.startsWith('mlbom:') || DEDICATED_PROPS.has(p)) continue;
    if (p.startsWith('mlbom:finding')) {
      const ob = new Set(o.props.get(p) ?? []);
      const nb = new Set(n.props.get(p) ?? []);
      for (const f of nb) if (!ob.has(f)) push('finding-added', p, undefined, f);
      for (const f of ob) if (!nb.has(f)) push('finding-resolved', p, f, undefined);
      continue;
    }
    const b = pn(o, p);
    const a = pn(n, p);
    if (b !== a) push('property-changed', p, b, a, p === 'mlbom:serialization' && a?.includes('pickle') === true && !isPickle(o) ? { pickle: true } : {});
  }
}

const LOWER_IS_BETTER = /(loss|error|perplexity|\bwer\b|\bcer\b|\bmae\b|\bmse\b|rmse|latency)/i;

function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric.split(' @ ')[0]!);
}

function isNum(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function versionSeverity(o: Asset, n: Asset): Partial<Change> {
  const b = o.version;
  const a = n.version;
  if (b === undefined || a === undefined) return {};
  if (/^[0-9a-f]{40}$/i.test(b) && /^[0-9a-f]{40}$/i.test(a)) return { severity: 'commit' };
  const sb = semver.coerce(b, { includePrerelease: true });
  const sa = semver.coerce(a, { includePrerelease: true });
  if (sb === null || sa === null) return {};
  const vb = semver.valid(b, { loose: true }) ?? sb.version;
  const va = semver.valid(a, { loose: true }) ?? sa.version;
  if (semver.lt(va, vb)) return { severity: 'downgrade' };
  const d = semver.diff(vb, va);
  let sev: Severity | undefined;
  if (d === 'major' || d === 'premajor') sev = 'major';
  else if (d === 'minor' || d === 'preminor') sev = 'minor';
  else if (d === 'patch' || d === 'prepatch') sev = 'patch';
  else if (d === 'prerelease') sev = 'prerelease';
  return sev !== undefined ? { severity: sev } : {};
}

const KIND_ORDER: readonly ChangeKind[] = [
  'added', 'removed', 'integrity', 'hash-changed', 'version-changed', 'license-changed', 'task-changed', 'architecture-changed',
  'dataset-added', 'dataset-removed', 'metric-changed', 'considerations-changed', 'pedigree-changed', 'quantization-changed',
  'format-changed', 'service-changed', 'finding-added', 'finding-resolved', 'property-changed',
];

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byOrder(x: Change, y: Change): number {
  return (
    ASSET_TYPES.indexOf(x.assetType) - ASSET_TYPES.indexOf(y.assetType) ||
    Math.min(KIND_ORDER.indexOf(x.kind), 2) - Math.min(KIND_ORDER.indexOf(y.kind), 2) ||
    cmp(x.name, y.name) ||
    cmp(x.ref ?? '', y.ref ?? '') ||
    KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind) ||
    cmp(x.field ?? '', y.field ?? '') ||
    cmp(x.before ?? '', y.before ?? '') ||
    cmp(x.after ?? '', y.after ?? '')
  );
}

function summarize(changes: readonly Change[]): DiffResult['summary'] {
  const byAssetType = Object.fromEntries(ASSET_TYPES.map((t) => [t, { added: 0, removed: 0, changed: 0 }])) as Record<AssetType, { added: number; removed: number; changed: number }>;
  const byKind: Partial<Record<ChangeKind, number>> = {};
  const changedAssets = new Map<AssetType, Set<string>>();
  for (const c of changes) {
    byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
    if (c.kind === 'added') byAssetType[c.assetType].added++;
    else if (c.kind === 'removed') byAssetType[c.assetType].removed++;
    else {
      const s = changedAssets.get(c.assetType) ?? new Set<string>();
      s.add(`${c.ref ?? ''}\u0000${c.name}`);
      changedAssets.set(c.assetType, s);
    }
  }
  for (const [t, s] of changedAssets) byAssetType[t].changed = s.size;
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const t of ASSET_TYPES) {
    added += byAssetType[t].added;
    removed += byAssetType[t].removed;
    changed += byAssetType[t].changed;
  }
  return { added, removed, changed, byAssetType, byKind };
}
