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
import { applyDatasetInfo, applyModelInfo, hubTarget, type Enrichment, type HubTarget } from './huggingface/apply.js';
import type { Asset, Inventory, Issue } from '../types.js';
import { mapLimit } from '../util/pool.js';
import { sortedBy } from '../util/sort.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { mergeAssets } from '../resolve/merge.js';


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

export interface EnrichResult {
  readonly inventory: Inventory;
  /** Lookups that failed (not counting offline misses). */
  readonly failures: number;
  readonly requests: number;
  readonly cacheHits: number;
}

export async function enrich(inventory: Inventory, options: EnrichOptions): Promise<EnrichResult> {
  const endpoint = (options.endpoint ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  const targets = new Map<string, { target: HubTarget; assets: Asset[] }>();
  for (const asset of inventory.assets) {
    const target = hubTarget(asset);
    if (target === undefined) continue;
    const key = `${target.kind}\u0000${target.repoId}\u0000${target.revision ?? ''}`;
    const entry = targets.get(key) ?? { target, assets: [] };
    entry.assets.push(asset);
    targets.set(key, entry);
  }
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
    await mapLimit(entries, options.concurrency ?? 8, async ({ target, assets }) => {
      const result: HubResult<unknown> = target.kind === 'model'
        ? await hub.modelInfo(target.repoId, target.revision)
        : await hub.datasetInfo(target.repoId, target.revision);
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
