/**
 * Walk a config tree and collect what it names: model ids under model-ish
 * keys, Hub datasets under dataset keys, Hub URLs anywhere, and API base
 * URLs of known providers.
 */
import type { ProviderId } from '../../types.js';
import { endpointOf, providerContext, referencedEnvVars, siblingRevision, siblingTrustRemoteCode, type Frame } from './context.js';
import { isDatasetKey, isDatasetListKey, isEndpointKey, isInnerDatasetKey, isInnerModelKey, isModelKey, isModelListKey, isProviderListKey, keyTokens } from './keys.js';
import type { Locate } from './lines.js';
import { classifyModelValue, classifyProviderRef, cleanValue, hubUrlRepo, isHubId, type Classified } from './model-id.js';
import { providerInName } from './providers.js';
import { MAX_DEPTH, type CEntry, type CMap, type CNode } from './tree.js';

export interface ModelFinding {
  readonly type: 'model';
  readonly found: Classified;
  readonly keyPath: string;
  readonly line?: number;
  readonly revision?: string;
  readonly trustRemoteCode: boolean;
}

export interface DatasetFinding {
  readonly type: 'dataset';
  readonly found: { ref: { kind: 'hf'; repoId: string } | { kind: 'local'; path: string }; confidence: number };
  readonly keyPath: string;
  readonly line?: number;
}

export interface EndpointFinding {
  readonly type: 'endpoint';
  readonly provider: ProviderId;
  readonly url: string;
  readonly envVars: string[];
  readonly line?: number;
}

export type Finding = ModelFinding | DatasetFinding | EndpointFinding;

export interface WalkOptions {
  readonly path: string;
  readonly exists: (path: string) => boolean;
  readonly locate?: Locate;
  /** The root is a flat `.env` map. */
  readonly flat?: boolean;
}

/** Findings per file are capped; a config naming more is generated data. */
const MAX_FINDINGS = 500;

export function walkConfig(roots: readonly CNode[], opts: WalkOptions): Finding[] {
  const out: Finding[] = [];
  for (const root of roots) new Walker(opts, out).node(root, [], [], 0);
  return out;
}

class Walker {
  constructor(
    private readonly opts: WalkOptions,
    private readonly out: Finding[],
  ) {}

  node(n: CNode, frames: Frame[], keys: string[], depth: number): void {
    if (depth > MAX_DEPTH || this.out.length >= MAX_FINDINGS) return;
    if (n.t === 'seq') {
      for (const item of n.items) this.node(item, frames, keys, depth + 1);
      return;
    }
    if (n.t !== 'map') return;
    const frame: Frame = { key: keys[keys.length - 1], map: n, flat: this.opts.flat === true && frames.length === 0 };
    const inner = [...frames, frame];
    for (const entry of n.entries) this.entry(entry, n, inner, keys, depth);
  }

  private entry(entry: CEntry, map: CMap, frames: Frame[], keys: string[], depth: number): void {
    const v = entry.value;
    const path = [...keys, entry.key];
    if (v.t === 'scalar') {
      if (typeof v.value === 'string') this.scalar(entry.key, v.value, v.line ?? entry.line, map, frames, path);
      return;
    }
    if (v.t === 'seq' && (isModelListKey(entry.key) || isDatasetListKey(entry.key))) {
      for (const item of v.items) {
        if (item.t !== 'scalar' || typeof item.value !== 'string') continue;
        const line = item.line ?? this.opts.locate?.(undefined, item.value);
        if (isModelListKey(entry.key)) this.model(entry.key, item.value, line, map, frames, path);
        else this.dataset(item.value, line, path);
      }
    }
    if (v.t === 'seq' && isProviderListKey(entry.key)) {
      for (const item of v.items) {
        if (item.t === 'scalar' && typeof item.value === 'string') this.providerRef(item.value, item.line ?? this.opts.locate?.(undefined, item.value), path);
      }
    }
    if (v.t === 'seq' && isEnvListKey(entry.key)) {
      const env = envEntries(v.items);
      if (env.entries.length > 0) this.node(env, frames, path, depth + 1);
    }
    this.node(v, frames, path, depth + 1);
  }

  private scalar(key: string, value: string, line: number | undefined, map: CMap, frames: Frame[], path: string[]): void {
    const parents = path.slice(0, -1);
    const at = (): number | undefined => line ?? this.opts.locate?.(key, value);
    if (key === 'id' && parents.length > 0 && isProviderListKey(parents[parents.length - 1] ?? '')) {
      this.providerRef(value, at(), path);
    } else if (isModelKey(key) || isInnerModelKey(key, parents) || isInnerListModelKey(key, parents)) {
      if (!isRouterAlias(key, map)) this.model(key, value, at(), map, frames, path);
    } else if (isDatasetKey(key) || isInnerDatasetKey(key, parents)) {
      this.dataset(value, at(), path);
    } else if (isEndpointKey(key) && this.endpoint(key, value, at(), map, frames)) {
      return;
    } else if (/^(?:hf:\/\/|https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/)/i.test(value)) {
      // A Hub URL names a Hub repo whatever key holds it.
      const repo = hubUrlRepo(value.trim());
      if (repo === undefined) return;
      const keyPath = path.join('.');
      if (repo.dataset) this.out.push(withLine({ type: 'dataset', found: { ref: { kind: 'hf', repoId: repo.repoId }, confidence: 0.7 }, keyPath }, at()));
      else this.out.push(withLine({ type: 'model', found: { ref: { kind: 'hf', repoId: repo.repoId }, confidence: 0.7 }, keyPath, trustRemoteCode: false }, at()));
    }
  }

  private model(key: string, value: string, line: number | undefined, map: CMap, frames: Frame[], path: string[]): void {
    const provider = providerContext(key, frames);
    const found = classifyModelValue(value, { exists: this.opts.exists, fromFile: this.opts.path, ...(provider === undefined ? {} : { provider }) });
    if (found === undefined) return;
    const revision = found.ref.kind === 'hf' ? siblingRevision(map) : undefined;
    const finding: ModelFinding = {
      type: 'model',
      found,
      keyPath: path.join('.'),
      trustRemoteCode: found.ref.kind !== 'api' && siblingTrustRemoteCode(map),
      ...(revision === undefined ? {} : { revision }),
    };
    this.out.push(withLine(finding, line));
  }

  private providerRef(value: string, line: number | undefined, path: string[]): void {
    const found = classifyProviderRef(value);
    if (found !== undefined) this.out.push(withLine({ type: 'model', found, keyPath: path.join('.'), trustRemoteCode: false }, line));
  }

  private dataset(raw: string, line: number | undefined, path: string[]): void {
    const value = cleanValue(raw);
    if (value === undefined) return;
    const keyPath = path.join('.');
    const url = hubUrlRepo(value);
    if (url !== undefined) {
      if (url.dataset) this.out.push(withLine({ type: 'dataset', found: { ref: { kind: 'hf', repoId: url.repoId }, confidence: 0.75 }, keyPath }, line));
      return;
    }
    if (/^[a-z]+:\/\//i.test(value) || value.startsWith('/') || value.startsWith('~')) return;
    if (value.startsWith('./') || value.startsWith('../') || existsNear(value, this.opts)) {
      this.out.push(withLine({ type: 'dataset', found: { ref: { kind: 'local', path: value }, confidence: 0.7 }, keyPath }, line));
    } else if (isHubId(value)) {
      this.out.push(withLine({ type: 'dataset', found: { ref: { kind: 'hf', repoId: value }, confidence: 0.75 }, keyPath }, line));
    }
  }

  /** True when the value is a known API base URL (and was recorded). */
  private endpoint(key: string, value: string, line: number | undefined, map: CMap, frames: Frame[]): boolean {
    const e = endpointOf(value.trim());
    if (e === undefined) return false;
    // A flat env file's other lines are unrelated settings; only the URL's own key names this service.
    const flat = frames[frames.length - 1]?.flat === true;
    const envVars = flat ? [key] : referencedEnvVars(map).filter((name) => providerInName(name) === e.provider);
    if (/^[A-Z][A-Z0-9_]*$/.test(key)) envVars.push(key);
    this.out.push(withLine({ type: 'endpoint', provider: e.provider, url: e.url, envVars: [...new Set(envVars)] }, line));
    return true;
  }
}

function withLine<T extends Finding>(finding: T, line: number | undefined): T {
  return line === undefined ? finding : { ...finding, line };
}

function existsNear(value: string, opts: WalkOptions): boolean {
  const clean = value.replace(/\/+$/, '');
  const dir = opts.path.includes('/') ? opts.path.slice(0, opts.path.lastIndexOf('/')) : '';
  return (dir !== '' && opts.exists(`${dir}/${clean}`)) || opts.exists(clean);
}

/**
 * LiteLLM's `model_name` is the alias clients ask for; the model behind it is
 * `litellm_params.model`, read on its own.
 */
function isRouterAlias(key: string, map: CMap): boolean {
  return key === 'model_name' && map.entries.some((e) => e.key === 'litellm_params');
}

/** `name:` inside an item of a `models:` list. */
function isInnerListModelKey(key: string, parents: readonly string[]): boolean {
  const parent = parents[parents.length - 1];
  const inner = keyTokens(key).join(' ');
  return parent !== undefined && isModelListKey(parent) && (inner === 'name' || inner === 'id' || inner === 'model');
}

function isEnvListKey(key: string): boolean {
  const k = key.toLowerCase();
  return k === 'env' || k === 'environment';
}

/**
 * docker-compose `environment: ["OPENAI_MODEL=gpt-4o"]` and Kubernetes
 * `env: [{name: OPENAI_MODEL, value: gpt-4o}]` as one flat map.
 */
function envEntries(items: readonly CNode[]): CMap {
  const entries: CEntry[] = [];
  for (const item of items) {
    if (item.t === 'scalar' && typeof item.value === 'string') {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(item.value);
      if (m !== null) entries.push({ key: m[1] ?? '', value: { t: 'scalar', value: m[2] ?? '', ...(item.line === undefined ? {} : { line: item.line }) } });
    } else if (item.t === 'map') {
      const name = item.entries.find((e) => e.key === 'name')?.value;
      const value = item.entries.find((e) => e.key === 'value')?.value;
      if (name?.t === 'scalar' && typeof name.value === 'string' && value?.t === 'scalar' && typeof value.value === 'string') {
        entries.push({ key: name.value, value });
      }
    }
  }
  return { t: 'map', entries };
}
