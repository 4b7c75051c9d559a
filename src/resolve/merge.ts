/**
 * One asset, one component: references to the same thing from many files
 * (and from several scanners) merge into one asset with every location as
 * evidence, and references to local paths link to the local model or
 * dataset found there.
 */
import type { Asset, DependencyScope, Location, Relationship } from '../types.js';
import { compareCodePoints, sortedBy, sortedUnique } from '../util/sort.js';

export interface MergeResult {
  readonly assets: Asset[];
  readonly relationships: Relationship[];
}

/** Resolve a path as written in a file at `fromFile` to root-relative POSIX, or undefined when it leaves the root. */
export function resolveLocalPath(written: string, fromFile: string): string[] {
  if (written.startsWith('/') || written.startsWith('~') || /^[A-Za-z]:[\\/]/.test(written)) return [];
  const clean = written.replace(/\\/g, '/').replace(/\/+$/, '');
  const dir = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/')) : '';
  const out: string[] = [];
  for (const base of dir === '' ? [''] : [dir, '']) {
    const n = normalize(base === '' ? clean : `${base}/${clean}`);
    if (n !== undefined && !out.includes(n)) out.push(n);
  }
  return out;
}

function normalize(path: string): string | undefined {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(p);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

/** Every root-relative path a local asset answers to: its folder or file, and each of its files. */
function localKeys(asset: Asset): string[] {
  if (asset.localPath !== undefined) return [];
  const keys = asset.locations.filter((l) => l.line === undefined).map((l) => l.path);
  for (const f of asset.files) keys.push(f.path);
  return keys;
}

export function mergeAssets(input: readonly Asset[], relationships: readonly Relationship[]): MergeResult {
  const alias = new Map<string, string>();
  const byLocalPath = new Map<string, Asset>();
  for (const a of input) {
    if (a.kind !== 'model' && a.kind !== 'dataset') continue;
    for (const k of localKeys(a)) if (!byLocalPath.has(k)) byLocalPath.set(k, a);
  }

  // 1. Local-path references become evidence on the local asset they name.
  const kept: Asset[] = [];
  const linked = new Map<string, Asset[]>();
  for (const a of input) {
    if (a.localPath === undefined) {
      kept.push(a);
      continue;
    }
    const from = a.locations[0]?.path ?? '';
    const target = resolveLocalPath(a.localPath, from).map((p) => byLocalPath.get(p)).find((t) => t !== undefined);
    if (target === undefined || (target.kind !== a.kind)) {
      kept.push(a);
      continue;
    }
    alias.set(a.id, target.id);
    linked.set(target.id, [...(linked.get(target.id) ?? []), a]);
  }

  // 2. Same id, same thing; but two pinned revisions of one Hub repo are two components.
  const groups = new Map<string, Asset[]>();
  for (const a of kept) {
    const g = groups.get(a.id) ?? [];
    g.push(a);
    groups.set(a.id, g);
  }
  const merged: Asset[] = [];
  for (const [id, group] of groups) {
    const versions = sortedUnique(group.map((a) => a.version).filter((v): v is string => v !== undefined));
    if (versions.length <= 1) {
      merged.push(mergeGroup([...group, ...(linked.get(id) ?? [])]));
      continue;
    }
    // A package locked at two versions (nested npm copies) is two components;
    // the manifest's unversioned sighting belongs to the direct one.
    const unversioned = group.filter((a) => a.version === undefined);
    const primary = group[0]?.kind === 'package' ? group.find((a) => a.version !== undefined && a.props['direct'] === true)?.version : undefined;
    for (const v of versions) {
      const same = group.filter((a) => a.version === v);
      merged.push({ ...mergeGroup(v === primary ? [...same, ...unversioned] : same), id: `${id}@${v}` });
    }
    if (unversioned.length > 0 && primary === undefined) merged.push(mergeGroup([...unversioned, ...(linked.get(id) ?? [])]));
    // Links to the bare id go to the unpinned sighting when it stands alone, else to the primary or first version.
    if (unversioned.length === 0 || primary !== undefined) alias.set(id, `${id}@${primary ?? (versions[0] as string)}`);
  }

  const ids = new Set(merged.map((a) => a.id));
  const rels = new Map<string, Relationship>();
  for (const r of relationships) {
    const from = alias.get(r.from) ?? r.from;
    const to = alias.get(r.to) ?? r.to;
    if (from === to || !ids.has(from) || !ids.has(to)) continue;
    rels.set(`${from}\u0000${to}\u0000${r.type}`, { from, to, type: r.type });
  }
  return {
    assets: sortedBy(merged, (a) => a.id),
    relationships: [...rels.values()].sort((a, b) => compareCodePoints(`${a.from}\u0000${a.to}`, `${b.from}\u0000${b.to}`)),
  };
}

/**
 * An asset read from its own bytes is certain; a reference is as sure as
 * its scanner said. Merging keeps the surest sighting.
 */
function confidenceOf(a: Asset): number {
  return a.confidence ?? (a.parsed ? 1 : 0.5);
}

const SCOPE_RANK: Readonly<Record<DependencyScope, number>> = { required: 3, optional: 2, dev: 1 };

/** Fold several sightings of one asset into one. The first sighting's identity wins; facts accumulate. */
function mergeGroup(group: readonly Asset[]): Asset {
  const [first, ...rest] = group as [Asset, ...Asset[]];
  if (rest.length === 0) return first;
  const locations = new Map<string, Location>();
  for (const a of group) for (const l of a.locations) locations.set(`${l.path}\u0000${l.line ?? ''}`, l);
  const files = new Map(group.flatMap((a) => a.files).map((f) => [f.path, f]));
  const out: Asset = {
    ...first,
    scanners: sortedUnique(group.flatMap((a) => a.scanners)),
    locations: sortedBy(locations.values(), (l) => `${l.path}\u0000${String(l.line ?? 0).padStart(10, '0')}`),
    files: sortedBy(files.values(), (f) => f.path),
    props: Object.assign({}, ...[...group].reverse().map((a) => a.props)),
    model: Object.assign({}, ...[...group].reverse().map((a) => a.model)),
    parsed: group.some((a) => a.parsed),
  };
  for (const a of rest) {
    out.version ??= a.version;
    out.group ??= a.group;
    out.description ??= a.description;
    if (a.purl !== undefined && (out.purl === undefined || (!out.purl.includes('@') && a.purl.includes('@')))) out.purl = a.purl;
    out.confidence = Math.max(confidenceOf(out), confidenceOf(a));
    if (a.trustRemoteCode === true) out.trustRemoteCode = true;
    if (a.enriched === true) out.enriched = true;
    out.upstreamFiles ??= a.upstreamFiles;
    // One unpinned sighting is enough: that code path may load something else tomorrow.
    if (a.unpinned === true) out.unpinned = true;
    out.prompt ??= a.prompt;
    out.dataset = a.dataset === undefined ? out.dataset : { ...a.dataset, ...out.dataset };
  }
  const services = group.map((a) => a.service).filter((s) => s !== undefined);
  if (services.length > 0) {
    const s0 = services[0] as NonNullable<Asset['service']>;
    out.service = {
      provider: s0.provider,
      endpoints: sortedUnique(services.flatMap((s) => s.endpoints)),
      authenticated: services.some((s) => s.authenticated),
      envVars: sortedUnique(services.flatMap((s) => s.envVars)),
      sdks: sortedUnique(services.flatMap((s) => s.sdks)),
    };
  }
  const pkgs = group.map((a) => a.pkg).filter((p) => p !== undefined);
  if (pkgs.length > 0) {
    const best = [...pkgs].sort((x, y) => SCOPE_RANK[y.scope] - SCOPE_RANK[x.scope])[0] as NonNullable<Asset['pkg']>;
    const hashes = sortedUnique(pkgs.flatMap((p) => p.hashes ?? []));
    out.pkg = {
      ecosystem: best.ecosystem,
      scope: best.scope,
      ai: pkgs.some((p) => p.ai),
      versionRange: pkgs.map((p) => p.versionRange).find((r) => r !== undefined),
      ...(hashes.length > 0 ? { hashes } : {}),
    };
    // A locked version wins over a manifest's view; the purl follows the version.
    const versioned = group.find((a) => a.version !== undefined);
    if (versioned !== undefined) {
      out.version = versioned.version;
      out.purl = versioned.purl ?? out.purl;
    }
  }
  return out;
}
