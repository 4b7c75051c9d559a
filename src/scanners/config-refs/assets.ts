/**
 * Assets from references: the id rules shared by every reference scanner
 * (`model:hf:<repo>`, `model:<provider>:<id>`, `model:ref:<path>`,
 * `dataset:hf:<repo>`, `service:<provider>`).
 */
import { posix } from 'node:path';
import type { Asset, Location, ProviderId, Relationship, ServiceFacts } from '../../types.js';
import { ENV_PREFIXES, PROVIDER_NAMES } from '../../util/ai-providers.js';
import { compareCodePoints, sortedUnique } from '../../util/sort.js';
import { huggingfacePurl } from '../hf-model-dir/hub-cache.js';
import type { ModelRef } from './model-id.js';

/** Evidence kept per asset per file; a file repeating one id hundreds of times adds nothing. */
const MAX_LOCATIONS = 20;

export interface RefOptions {
  readonly scanner: string;
  readonly location: Location;
  readonly confidence: number;
  /** A full commit sha the reference is pinned to. */
  readonly revision?: string;
  readonly trustRemoteCode?: boolean;
  readonly props?: Asset['props'];
}

function base(id: string, kind: Asset['kind'], name: string, opts: RefOptions): Asset {
  return {
    id,
    kind,
    name,
    scanners: [opts.scanner],
    locations: [opts.location],
    files: [],
    props: { ...(opts.props ?? {}) },
    model: {},
    parsed: true,
    confidence: opts.confidence,
  };
}

/** `./models/x/` → `models/x`; `..` kept, so a path leaving its folder still reads as written. */
export function normalizeRefPath(path: string): string {
  const n = posix.normalize(path.replace(/\\/g, '/')).replace(/\/+$/, '');
  return n === '' ? '.' : n;
}

function split(repoId: string): { group?: string; name: string } {
  const slash = repoId.indexOf('/');
  return slash === -1 ? { name: repoId } : { group: repoId.slice(0, slash), name: repoId.slice(slash + 1) };
}

/** The asset id a model reference gets. */
export function modelRefId(ref: ModelRef): string {
  if (ref.kind === 'hf') return `model:hf:${ref.repoId}`;
  if (ref.kind === 'api') return `model:${ref.provider}:${ref.id}`;
  return `model:ref:${normalizeRefPath(ref.path)}`;
}

export function modelRefAsset(ref: ModelRef, opts: RefOptions): Asset {
  const id = modelRefId(ref);
  if (ref.kind === 'api') {
    const a = base(id, 'model', ref.id, opts);
    a.group = ref.provider;
    return a;
  }
  if (ref.kind === 'local') {
    const a = base(id, 'model', posix.basename(normalizeRefPath(ref.path)), opts);
    a.localPath = ref.path;
    if (opts.trustRemoteCode === true) a.trustRemoteCode = true;
    return a;
  }
  const { group, name } = split(ref.repoId);
  const a = base(id, 'model', name, opts);
  if (group !== undefined) a.group = group;
  a.purl = huggingfacePurl(ref.repoId, opts.revision);
  if (opts.revision !== undefined) a.version = opts.revision;
  else a.unpinned = true;
  if (opts.trustRemoteCode === true) a.trustRemoteCode = true;
  return a;
}

export function datasetRefAsset(ref: { kind: 'hf'; repoId: string } | { kind: 'local'; path: string }, opts: RefOptions): Asset {
  if (ref.kind === 'local') {
    const norm = normalizeRefPath(ref.path);
    const a = base(`dataset:ref:${norm}`, 'dataset', posix.basename(norm), opts);
    a.localPath = ref.path;
    return a;
  }
  const { group, name } = split(ref.repoId);
  const a = base(`dataset:hf:${ref.repoId}`, 'dataset', name, opts);
  if (group !== undefined) a.group = group;
  a.purl = huggingfacePurl(ref.repoId, undefined, 'dataset');
  a.unpinned = true;
  return a;
}

export function serviceAsset(provider: ProviderId, endpoint: string, envVars: readonly string[], opts: RefOptions): Asset {
  const a = base(`service:${provider}`, 'service', PROVIDER_NAMES[provider], opts);
  const service: ServiceFacts = {
    provider,
    endpoints: [endpoint],
    // Ollama serves without credentials; every hosted API wants a key.
    authenticated: provider !== 'ollama',
    envVars: sortedUnique(envVars),
    sdks: [],
  };
  a.service = service;
  return a;
}

/** Env var names in a flat env file that belong to a provider (names only). */
export function providerEnvVars(provider: ProviderId, keys: readonly string[]): string[] {
  const prefixes = ENV_PREFIXES[provider];
  return keys.filter((k) => prefixes.some((p) => (p.endsWith('_') ? k.startsWith(p) : k === p)));
}

/**
 * One asset per id (and per pinned version) per file, with every line as
 * evidence; the first occurrence's facts win, the highest confidence is kept.
 */
export function mergeInFile(assets: readonly Asset[]): Asset[] {
  const byKey = new Map<string, Asset>();
  for (const a of assets) {
    const key = `${a.id}\u0000${a.version ?? ''}`;
    const prev = byKey.get(key);
    if (prev === undefined) {
      byKey.set(key, a);
      continue;
    }
    for (const loc of a.locations) {
      if (prev.locations.length >= MAX_LOCATIONS) break;
      if (!prev.locations.some((l) => l.path === loc.path && l.line === loc.line)) prev.locations.push(loc);
    }
    prev.confidence = Math.max(prev.confidence ?? 0, a.confidence ?? 0);
    if (a.trustRemoteCode === true) prev.trustRemoteCode = true;
    if (prev.service !== undefined && a.service !== undefined) {
      prev.service = {
        ...prev.service,
        endpoints: sortedUnique([...prev.service.endpoints, ...a.service.endpoints]),
        envVars: sortedUnique([...prev.service.envVars, ...a.service.envVars]),
      };
    }
  }
  const out = [...byKey.values()];
  for (const a of out) a.locations.sort((x, y) => (x.line ?? 0) - (y.line ?? 0));
  return out.sort((x, y) => compareCodePoints(x.id, y.id) || compareCodePoints(x.version ?? '', y.version ?? ''));
}

/** Each service serves the API models of its provider found beside it. */
export function servesLinks(assets: readonly Asset[]): Relationship[] {
  const out: Relationship[] = [];
  for (const s of assets) {
    if (s.kind !== 'service' || s.service === undefined) continue;
    for (const m of assets) {
      if (m.kind === 'model' && m.group === s.service.provider && m.id.startsWith(`model:${s.service.provider}:`)) {
        out.push({ from: s.id, to: m.id, type: 'serves' });
      }
    }
  }
  return out;
}
