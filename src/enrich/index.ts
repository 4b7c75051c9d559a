/**
 * The enrich stage: ask registries (the Hugging Face Hub first) about the
 * models and datasets a scan found, and fold the answers into the
 * inventory. The only stage that touches the network, always through an
 * injected dispatcher. A failed lookup never fails the scan: the asset
 * keeps what the scan knew and records why enrichment failed.
 */
import type { Dispatcher } from 'undici';
import { HttpClient } from './http.js';
import { ResponseCache } from './cache.js';
import { DEFAULT_HF_ENDPOINT, HubClient, type HubResult } from './huggingface/hub.js';
import { applyDatasetInfo, applyModelInfo, hubTarget, verifyLocalCopy, type Enrichment, type HubTarget } from './huggingface/apply.js';
import type { Asset, Inventory, Issue } from '../types.js';
import { mapLimit } from '../util/pool.js';
import { sortedBy } from '../util/sort.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { mergeAssets, resolveLocalPath } from '../resolve/merge.js';


export interface EnrichOptions {
  /** Make no request at all; answers come from the cache only. */
  readonly offline: boolean;
  /** Hub base URL (HF_ENDPOINT); default https://huggingface.co. */
  readonly endpoint?: string;
  /** Hub token. Never written anywhere. */
  readonly token?: string;
  /** Response cache folder; false disables the cache. */
  readonly cacheDir: string | false;
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** undici dispatcher, for tests (MockAgent or a loopback server). */
  readonly dispatcher?: Dispatcher;
  readonly onIssue?: (issue: Issue) => void;
}

interface LocalCopy {
  readonly target: HubTarget;
  readonly local: Asset;
  readonly requireSameFiles: boolean;
}

interface TargetEntry {
  readonly target: HubTarget;
  readonly assets: Asset[];
  readonly copies: LocalCopy[];
}

/**
 * Local folders known to be copies of a Hub repo without being a cache
 * snapshot: the `local_dir` of a `snapshot_download`, and a folder whose
 * card names exactly one base model without saying it was changed.
 */
function localCopies(assets: readonly Asset[]): LocalCopy[] {
  const byId = new Map(assets.map((a) => [a.id, a]));
  const out: LocalCopy[] = [];
  for (const a of assets) {
    const dir = a.props['local_dir'];
    const target = hubTarget(a);
    if (typeof dir !== 'string' || target === undefined || target.kind !== 'model') continue;
    const local = resolveLocalPath(dir, a.locations[0]?.path ?? '').map((p) => byId.get(`model:${p}`)).find((x) => x !== undefined);
    if (local !== undefined && local.files.length > 0) out.push({ target, local, requireSameFiles: false });
  }
  for (const a of assets) {
    const bases = a.model.baseModels ?? [];
    const isLocalFolder = a.kind === 'model' && a.purl === undefined && a.props['model_layout'] === 'hf';
    if (!isLocalFolder || bases.length !== 1 || a.model.baseModelRelation !== undefined) continue;
    const base = bases[0] as string;
    if (!/^[\w.-]+\/[\w.-]+$/.test(base)) continue;
    out.push({ target: { kind: 'model', repoId: base }, local: a, requireSameFiles: true });
  }
  return out;
}

export interface EnrichResult {
  readonly inventory: Inventory;
  /** Lookups that failed (not counting offline misses). */
  readonly failures: number;
  readonly requests: number;
  readonly cacheHits: number;
}

export async function enrich(inventory: Inventory, options: EnrichOptions): Promise<EnrichResult> {
  const endpoint = (options.endpoint ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  const targets = new Map<string, TargetEntry>();
  const entryFor = (target: HubTarget): TargetEntry => {
    const key = `${target.kind}\u0000${target.repoId}\u0000${target.revision ?? ''}`;
    const entry = targets.get(key) ?? { target, assets: [], copies: [] };
    targets.set(key, entry);
    return entry;
  };
  for (const asset of inventory.assets) {
    const target = hubTarget(asset);
    if (target !== undefined) entryFor(target).assets.push(asset);
  }
  for (const copy of localCopies(inventory.assets)) entryFor(copy.target).copies.push(copy);
  if (targets.size === 0) return { inventory, failures: 0, requests: 0, cacheHits: 0 };

  const http = new HttpClient({
    dispatcher: options.dispatcher,
    concurrency: options.concurrency ?? 8,
    timeoutMs: options.timeoutMs,
    userAgent: `${TOOL_NAME}/${TOOL_VERSION} (+https://github.com/mlbom/mlbom)`,
  });
  const hub = new HubClient({
    endpoint,
    token: options.token,
    offline: options.offline,
    cache: options.cacheDir === false ? undefined : new ResponseCache(options.cacheDir),
    http,
  });
  const issues: Issue[] = [];
  let failures = 0;
  const replaced = new Map<string, Asset>();
  const added: Asset[] = [];
  try {
    const entries = sortedBy(targets.values(), (e) => `${e.target.kind}\u0000${e.target.repoId}\u0000${e.target.revision ?? ''}`);
    await mapLimit(entries, options.concurrency ?? 8, async ({ target, assets, copies }) => {
      const result: HubResult<unknown> = target.kind === 'model'
        ? await hub.modelInfo(target.repoId, target.revision)
        : await hub.datasetInfo(target.repoId, target.revision);
      if (result.ok && target.kind === 'model') {
        for (const { local, requireSameFiles } of copies) {
          const e = verifyLocalCopy(replaced.get(local.id) ?? local, result.value as Parameters<typeof verifyLocalCopy>[1], result.canonicalId, requireSameFiles);
          if (e === undefined) continue;
          replaced.set(local.id, e.asset);
          issues.push(...e.issues);
        }
      }
      for (const asset of assets) {
        if (result.ok) {
          const e: Enrichment = target.kind === 'model'
            ? applyModelInfo(asset, result.value as Parameters<typeof applyModelInfo>[1], result.canonicalId, endpoint)
            : applyDatasetInfo(asset, result.value as Parameters<typeof applyDatasetInfo>[1], result.canonicalId, endpoint);
          replaced.set(asset.id, e.asset);
          added.push(...e.datasets);
          issues.push(...e.issues);
        } else if (result.reason !== 'offline') {
          failures++;
          replaced.set(asset.id, { ...asset, props: { ...asset.props, enrichment_error: result.reason } });
          issues.push({
            path: asset.locations[0]?.path ?? '.',
            scanner: 'enrich',
            message: `hub lookup of ${target.kind === 'dataset' ? 'dataset ' : ''}${target.repoId}${target.revision === undefined ? '' : `@${target.revision}`} failed: ${result.message}`,
          });
        }
      }
    });
  } finally {
    await http.close();
  }
  for (const i of issues) options.onIssue?.(i);
  // A repo the code names by an old id (the Hub redirects renamed repos) is
  // the same component as the one named by its canonical id.
  const alias = new Map<string, string>();
  const assets = inventory.assets.map((a) => {
    const e = replaced.get(a.id) ?? a;
    const canonical = e.props['canonical_id'];
    if (typeof canonical !== 'string') return e;
    const prefix = e.kind === 'dataset' ? 'dataset:hf:' : 'model:hf:';
    if (!e.id.startsWith(prefix)) return e;
    const id = `${prefix}${canonical}${e.id.match(/@[0-9a-f]{40}$/i)?.[0] ?? ''}`;
    alias.set(e.id, id);
    return { ...e, id, props: { ...e.props, id_as_written: e.id.slice(prefix.length) } };
  });
  const relationships = inventory.relationships.map((r) => ({ ...r, from: alias.get(r.from) ?? r.from, to: alias.get(r.to) ?? r.to }));
  const merged = mergeAssets([...assets, ...added], relationships);
  return {
    inventory: { ...inventory, assets: merged.assets, relationships: merged.relationships, issues: [...inventory.issues, ...issues] },
    failures,
    requests: hub.stats.requests,
    cacheHits: hub.stats.cacheHits,
  };
}
