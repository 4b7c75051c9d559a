/**
 * Hub answers → asset facts. Pure: given an asset and what the Hub said
 * about its repo, return the facts to add. The scan's own facts are kept;
 * the Hub fills what the scan could not know (the commit a branch points
 * at, licence, lineage, metrics, upstream file hashes).
 */
import { cardFacts } from '../../scanners/hf-model-dir/card.js';
import { huggingfacePurl } from '../../scanners/hf-model-dir/hub-cache.js';
import type { Asset, Issue, ModelFacts, Props, UpstreamFile } from '../../types.js';
import { sortedBy, sortedUnique } from '../../util/sort.js';
import type { HubDatasetInfo, HubModelInfo } from './hub.js';

const SHA = /^[0-9a-f]{40}$/i;

export type RepoKind = 'model' | 'dataset';

/** What to ask the Hub about one asset: its repo and the revision the code asked for. */
export interface HubTarget {
  readonly kind: RepoKind;
  readonly repoId: string;
  /** A commit, branch or tag; undefined for the default branch. */
  readonly revision?: string;
}

/** The Hub repo an asset stands for, if any. */
export function hubTarget(asset: Asset): HubTarget | undefined {
  const fromPurl = asset.purl?.startsWith('pkg:huggingface/') ? parseHfPurl(asset.purl) : undefined;
  if (asset.kind === 'model') {
    if (asset.id.startsWith('model:hf:')) {
      const repoId = asset.id.slice('model:hf:'.length).replace(/@[0-9a-f]{40}$/i, '');
      return { kind: 'model', repoId, revision: asset.version ?? stringProp(asset.props, 'revision') };
    }
    // A local Hub cache snapshot: its purl names the repo and the commit.
    if (fromPurl !== undefined && !fromPurl.dataset) return { kind: 'model', repoId: fromPurl.repoId, revision: fromPurl.revision };
  }
  if (asset.kind === 'dataset') {
    if (asset.id.startsWith('dataset:hf:')) {
      const repoId = asset.id.slice('dataset:hf:'.length).replace(/@[0-9a-f]{40}$/i, '');
      return { kind: 'dataset', repoId, revision: asset.version ?? stringProp(asset.props, 'revision') };
    }
    if (fromPurl !== undefined && fromPurl.dataset) return { kind: 'dataset', repoId: fromPurl.repoId, revision: fromPurl.revision };
  }
  return undefined;
}

function stringProp(props: Props, key: string): string | undefined {
  const v = props[key];
  return typeof v === 'string' ? v : undefined;
}

function parseHfPurl(purl: string): { repoId: string; revision?: string; dataset: boolean } | undefined {
  const m = /^pkg:huggingface\/([^@?#]+)(?:@([^?#]+))?(?:\?(.*))?$/.exec(purl);
  if (m === null) return undefined;
  const repoId = decodeURIComponent(m[1] as string);
  return { repoId, revision: m[2] === undefined ? undefined : decodeURIComponent(m[2]), dataset: /datasets/.test(decodeURIComponent(m[3] ?? '')) };
}

export interface Enrichment {
  readonly asset: Asset;
  /** Datasets the Hub card names, as assets to add (they may already exist). */
  readonly datasets: Asset[];
  readonly issues: Issue[];
}

/** Apply a model's Hub info to the asset. */
export function applyModelInfo(asset: Asset, info: HubModelInfo, canonicalId: string, endpoint: string): Enrichment {
  const out: Asset = { ...asset, props: { ...asset.props }, model: { ...asset.model } };
  const issues: Issue[] = [];
  const sha = typeof info.sha === 'string' && SHA.test(info.sha) ? info.sha.toLowerCase() : undefined;
  const requested = hubTarget(asset)?.revision;
  out.enriched = true;
  applyIdentity(out, 'model', canonicalId, sha, requested);
  const card = isRecord(info.cardData) ? cardFacts(info.cardData) : undefined;
  if (card !== undefined) fillModel(out.model, card.model);
  if (info.pipeline_tag !== undefined) out.model.task ??= info.pipeline_tag;
  if (info.library_name !== undefined && out.props['library_name'] === undefined) out.props['library_name'] = info.library_name;
  const total = info.safetensors?.total;
  if (typeof total === 'number' && Number.isFinite(total)) out.model.parameterCount ??= total;
  applyAccess(out, info);
  if (info.author !== undefined) out.supplier ??= info.author;
  out.externalReferences = [{ url: `${endpoint}/${canonicalId}`, type: 'website' }];
  const upstream = upstreamFiles(info.siblings);
  if (upstream.length > 0) out.upstreamFiles = upstream;
  const verification = compareLocalFiles(out, upstream, issues);
  if (verification !== undefined) out.props['upstream_verification'] = verification;
  const datasets = (out.model.datasets ?? []).map((id) => datasetStub(id, out));
  return { asset: out, datasets, issues };
}

/** Apply a dataset's Hub info to the asset. */
export function applyDatasetInfo(asset: Asset, info: HubDatasetInfo, canonicalId: string, endpoint: string): Enrichment {
  const out: Asset = { ...asset, props: { ...asset.props }, model: { ...asset.model } };
  const sha = typeof info.sha === 'string' && SHA.test(info.sha) ? info.sha.toLowerCase() : undefined;
  out.enriched = true;
  applyIdentity(out, 'dataset', canonicalId, sha, hubTarget(asset)?.revision);
  const cardData = isRecord(info.cardData) ? info.cardData : {};
  const license = cardData['license'];
  const licenses = (Array.isArray(license) ? license : [license]).filter((l): l is string => typeof l === 'string');
  if ((out.model.licenses ?? []).length === 0 && licenses.length > 0) {
    out.model.licenses = licenses.map((l) => (l === 'other' && typeof cardData['license_name'] === 'string' ? cardData['license_name'] : l));
  }
  for (const key of ['task_categories', 'size_categories', 'task_ids'] as const) {
    const v = cardData[key];
    const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    if (list.length > 0 && out.props[key] === undefined) out.props[key] = sortedUnique(list);
  }
  applyAccess(out, info);
  if (info.author !== undefined) out.supplier ??= info.author;
  out.externalReferences = [{ url: `${endpoint}/datasets/${canonicalId}`, type: 'website' }];
  const upstream = upstreamFiles(info.siblings);
  if (upstream.length > 0) out.upstreamFiles = upstream;
  return { asset: out, datasets: [], issues: [] };
}

/**
 * The commit the Hub resolved becomes the version and purl. A reference to
 * a branch stays marked unpinned: the next build may resolve elsewhere.
 */
function applyIdentity(out: Asset, kind: RepoKind, canonicalId: string, sha: string | undefined, requested: string | undefined): void {
  const written = hubTarget(out)?.repoId;
  if (written !== undefined && written !== canonicalId) {
    out.props['canonical_id'] = canonicalId;
    const slash = canonicalId.indexOf('/');
    out.group = slash > 0 ? canonicalId.slice(0, slash) : undefined;
    out.name = slash > 0 ? canonicalId.slice(slash + 1) : canonicalId;
  }
  if (sha === undefined) return;
  if (out.version !== undefined && SHA.test(out.version) && out.version.toLowerCase() !== sha) {
    // Pinned to one commit, but the Hub answered for another: keep the pin, say so.
    out.props['resolved_revision'] = sha;
    return;
  }
  out.version = sha;
  out.purl = huggingfacePurl(canonicalId, sha, kind);
  if (requested === undefined || !SHA.test(requested)) {
    out.unpinned = true;
    out.props['requested_revision'] = requested ?? 'default branch';
  }
}

function applyAccess(out: Asset, info: { gated?: unknown; private?: unknown; disabled?: unknown }): void {
  if (info.gated === 'auto' || info.gated === 'manual' || info.gated === true) out.props['gated'] = String(info.gated === true ? 'true' : info.gated);
  if (info.private === true) out.props['private'] = true;
  if (info.disabled === true) out.props['disabled'] = true;
}

function fillModel(target: ModelFacts, from: ModelFacts): void {
  for (const [k, v] of Object.entries(from) as Array<[keyof ModelFacts, unknown]>) {
    if (v === undefined) continue;
    const current = target[k];
    if (current === undefined || (Array.isArray(current) && current.length === 0)) (target as Record<string, unknown>)[k] = v;
  }
}

function upstreamFiles(siblings: HubModelInfo['siblings']): UpstreamFile[] {
  const out: UpstreamFile[] = [];
  for (const s of siblings ?? []) {
    const sha = s.lfs?.sha256;
    if (typeof s.rfilename !== 'string' || typeof sha !== 'string' || !/^[0-9a-f]{64}$/i.test(sha)) continue;
    out.push({ name: s.rfilename, size: typeof s.size === 'number' ? s.size : s.lfs?.size, sha256: sha.toLowerCase() });
  }
  return sortedBy(out, (f) => f.name);
}

/**
 * A local copy of a Hub repo (a cache snapshot) is checked file by file
 * against the published LFS hashes: `mismatch` means the weights on disk
 * are not the ones the Hub serves at that revision.
 */
function compareLocalFiles(out: Asset, upstream: readonly UpstreamFile[], issues: Issue[], requireSameFiles = false): 'verified' | 'mismatch' | 'unknown' | undefined {
  if (out.files.length === 0 || upstream.length === 0) return undefined;
  // A folder model's id is its folder; its files sit below it as in the repo.
  const root = out.id.startsWith('model:') && !out.id.startsWith('model:hf:') ? out.id.slice('model:'.length) : commonDir(out.files.map((f) => f.path));
  const byName = new Map(upstream.map((u) => [u.name, u]));
  const rel = (p: string): string => (root === '' ? p : p.slice(root.length + 1));
  // A folder that merely names a base model is a copy only if it holds the same weight files.
  if (requireSameFiles && !out.files.filter((f) => f.role === 'weights').every((f) => byName.has(rel(f.path)))) return undefined;
  let checked = 0;
  const mismatched: string[] = [];
  for (const f of out.files) {
    const u = byName.get(rel(f.path));
    if (u === undefined || f.sha256 === undefined) continue;
    checked++;
    if (u.sha256 !== f.sha256) mismatched.push(f.path);
  }
  for (const p of mismatched) {
    issues.push({ path: p, scanner: 'enrich', message: 'weights differ from the published Hub revision (sha256 mismatch)' });
  }
  if (mismatched.length > 0) {
    out.props['upstream_mismatch'] = mismatched;
    return 'mismatch';
  }
  return checked > 0 ? 'verified' : 'unknown';
}

/**
 * Verify a local folder that is a copy of a Hub repo it does not name by
 * its path: the `local_dir` of a pinned `snapshot_download`, or a folder
 * whose card names one base model and holds the same weight files.
 */
export function verifyLocalCopy(local: Asset, info: HubModelInfo, canonicalId: string, requireSameFiles: boolean): Enrichment | undefined {
  const upstream = upstreamFiles(info.siblings);
  const out: Asset = { ...local, props: { ...local.props } };
  const issues: Issue[] = [];
  const verification = compareLocalFiles(out, upstream, issues, requireSameFiles);
  if (verification === undefined) return undefined;
  out.props['upstream_verification'] = verification;
  out.props['upstream_repo'] = typeof info.sha === 'string' ? `${canonicalId}@${info.sha.toLowerCase()}` : canonicalId;
  return { asset: out, datasets: [], issues };
}

function commonDir(paths: readonly string[]): string {
  const dirs = paths.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : ''));
  let prefix = dirs[0] ?? '';
  for (const d of dirs) while (prefix !== '' && d !== prefix && !d.startsWith(`${prefix}/`)) prefix = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
  return prefix;
}

function datasetStub(id: string, from: Asset): Asset {
  const slash = id.indexOf('/');
  return {
    id: `dataset:hf:${id}`,
    kind: 'dataset',
    name: slash > 0 ? id.slice(slash + 1) : id,
    group: slash > 0 ? id.slice(0, slash) : undefined,
    purl: huggingfacePurl(id, undefined, 'dataset'),
    scanners: ['enrich'],
    locations: from.locations.slice(0, 1),
    files: [],
    props: { source: 'hub-model-card' },
    model: {},
    parsed: true,
    confidence: 0.9,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
