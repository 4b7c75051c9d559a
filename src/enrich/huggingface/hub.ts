/**
 * Hugging Face Hub look-ups: model and dataset info at a revision, through the
 * shared HttpClient and the disk cache. Every outcome is a `HubResult`; a Hub
 * that is down, slow, rate-limiting or answering garbage never throws.
 *
 * API facts (error codes, 401 vs 403, rename redirects): see fixtures/hf-api/README.md.
 * @see https://huggingface.co/docs/hub/api
 */
import { isImmutableRevision, type CacheEntry, type CacheKey, type CacheKind, type ResponseCache } from '../cache.js';
import { isHttpFailure, type HttpClient, type HttpFailure, type HttpResponse } from '../http.js';
import { redact } from './token.js';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

export interface HubClientOptions {
  /** `HF_ENDPOINT` (a mirror); default https://huggingface.co; trailing `/` trimmed. */
  endpoint?: string | undefined;
  token?: string | undefined;
  /** `HF_HUB_OFFLINE=1` / `--offline`: zero requests, cache only. */
  offline: boolean;
  cache?: ResponseCache | undefined;
  http: HttpClient;
}

export type HubFailureReason =
  | 'offline' | 'not-found' | 'revision-not-found' | 'gated' | 'unauthorized' | 'forbidden'
  | 'rate-limited' | 'timeout' | 'server-error' | 'malformed' | 'network' | 'too-large';

export type HubResult<T> =
  | { ok: true; value: T; canonicalId: string; sha?: string; fromCache: boolean }
  | { ok: false; reason: HubFailureReason; status?: number; message: string };

export type HubGated = boolean | 'auto' | 'manual';

export interface HubSibling {
  rfilename: string;
  size?: number;
  /** The git blob oid. */
  blobId?: string;
  /** Present for LFS files: `sha256` is the SHA-256 of the real content (lower-case hex). */
  lfs?: { sha256: string; size: number; pointerSize?: number };
}

/** What mlbom reads from any Hub repo; every field checked, anything ill-typed dropped. */
export interface HubRepoInfo {
  id: string;
  /** Lower-case 40-hex commit. */
  sha?: string;
  author?: string;
  gated?: HubGated;
  private?: boolean;
  disabled?: boolean;
  tags: string[];
  /** The card's YAML front matter as the Hub parsed it. */
  cardData?: Record<string, unknown>;
  siblings: HubSibling[];
  createdAt?: string;
  lastModified?: string;
  downloads?: number;
  likes?: number;
}

export interface HubModelInfo extends HubRepoInfo {
  pipeline_tag?: string;
  library_name?: string;
  safetensors?: { total: number; parameters: Record<string, number> };
  config?: Record<string, unknown>;
}

export interface HubDatasetInfo extends HubRepoInfo {
  description?: string;
  citation?: string;
  paperswithcode_id?: string;
}

type Obj = Record<string, unknown>;
type Parse<T> = (o: Obj) => T;
type Cached<T> = { entry: CacheEntry; value: T };

export class HubClient {
  /** `requests`: Hub API calls sent (retries and redirect hops are in `HttpClient.stats`). */
  readonly stats = { requests: 0, cacheHits: 0 };
  readonly endpoint: string;
  private readonly o: HubClientOptions;
  // One look-up per (kind, id, revision) per run, however many references share it.
  private readonly memo = new Map<string, Promise<HubResult<HubRepoInfo>>>();

  constructor(o: HubClientOptions) {
    this.o = o;
    this.endpoint = (o.endpoint !== undefined && o.endpoint !== '' ? o.endpoint : DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  }

  /** GET /api/models/{id}[/revision/{rev}]?blobs=true */
  modelInfo(repoId: string, revision?: string): Promise<HubResult<HubModelInfo>> {
    return this.memoized('model', repoId, revision, parseModelInfo);
  }

  /** GET /api/datasets/{id}[/revision/{rev}]?blobs=true */
  datasetInfo(repoId: string, revision?: string): Promise<HubResult<HubDatasetInfo>> {
    return this.memoized('dataset', repoId, revision, parseDatasetInfo);
  }

  private memoized<T extends HubRepoInfo>(kind: CacheKind, repoId: string, revision: string | undefined, parse: Parse<T>): Promise<HubResult<T>> {
    const k = JSON.stringify([kind, repoId, revision ?? null]);
    let p = this.memo.get(k);
    if (p === undefined) {
      p = this.info(kind, repoId, revision, parse);
      this.memo.set(k, p);
    }
    return p as Promise<HubResult<T>>;
  }

  private async info<T extends HubRepoInfo>(kind: CacheKind, repoId: string, revision: string | undefined, parse: Parse<T>): Promise<HubResult<T>> {
    const what = `${kind} ${repoId}${revision !== undefined ? `@${revision}` : ''}`;
    const path = apiPath(kind, repoId, revision);
    if (path === undefined) return this.failure('not-found', `${what}: not a valid Hub repo id or revision`);
    const key: CacheKey = { kind, repoId, revision };
    const cached = await this.readCache(key, parse);
    if (this.o.offline) return cached !== undefined ? this.hit(cached) : this.failure('offline', `${what}: offline and not in the cache`);
    // A commit sha names content that can never change: no request at all.
    if (cached !== undefined && isImmutableRevision(revision)) return this.hit(cached);

    const res = await this.get(`${this.endpoint}${path}`, cached?.entry.etag);
    if (isHttpFailure(res)) return this.failure(res.kind, `${what}: ${res.message}`);
    if (res.status === 304 && cached !== undefined) return this.hit(cached);
    if (res.status !== 200) return this.statusFailure(res, what);

    const final = await this.keepBlobs(res, parse);
    const value = parseRepoBody(final.body, parse);
    if (value === undefined) return this.failure('malformed', `${what}: the Hub answered 200 with a body that is not a JSON object with a string "id"`, 200);
    value.sha ??= commitSha(final.headers['x-repo-commit']);
    // After a 307 rename the body names the repo as it is now; that is the id to report.
    const canonicalId = value.id;
    await this.store(key, final, canonicalId, value.sha);
    return { ok: true, value, canonicalId, ...(value.sha !== undefined ? { sha: value.sha } : {}), fromCache: false };
  }

  private get(url: string, etag?: string): Promise<HttpResponse | HttpFailure> {
    const headers: Record<string, string> = { accept: 'application/json' };
    // Every URL here is built on the endpoint, and HttpClient never follows a redirect off its origin,
    // so the token only ever goes to the configured endpoint.
    if (this.o.token !== undefined && this.o.token !== '') headers['authorization'] = `Bearer ${this.o.token}`;
    if (etag !== undefined) headers['if-none-match'] = etag;
    this.stats.requests++;
    return this.o.http.get(url, headers);
  }

  /**
   * A rename redirect whose `Location` drops the query loses `blobs=true`, and with it the
   * per-file hashes. Ask the canonical URL again with the query; keep the first answer if that fails.
   */
  private async keepBlobs<T>(res: HttpResponse, parse: Parse<T>): Promise<HttpResponse> {
    if (res.redirects.length === 0) return res;
    const url = new URL(res.url);
    if (url.searchParams.get('blobs') === 'true') return res;
    url.searchParams.set('blobs', 'true');
    const again = await this.get(url.href);
    return !isHttpFailure(again) && again.status === 200 && parseRepoBody(again.body, parse) !== undefined ? again : res;
  }

  private async readCache<T>(key: CacheKey, parse: Parse<T>): Promise<Cached<T> | undefined> {
    const entry = await this.o.cache?.get(key);
    if (entry === undefined) return undefined;
    const value = parseRepoBody(entry.body, parse);
    // A cached body that no longer parses is as good as no entry.
    return value === undefined ? undefined : { entry, value };
  }

  private hit<T>(c: Cached<T>): HubResult<T> {
    this.stats.cacheHits++;
    const sha = c.entry.resolvedSha;
    return { ok: true, value: c.value, canonicalId: c.entry.canonicalId, ...(sha !== undefined ? { sha } : {}), fromCache: true };
  }

  private async store(key: CacheKey, res: HttpResponse, canonicalId: string, sha: string | undefined): Promise<void> {
    const cache = this.o.cache;
    const token = this.o.token;
    // Paranoia: a server that echoes the token must not get it written to disk.
    if (cache === undefined || (token !== undefined && token !== '' && res.body.includes(token))) return;
    const entry: CacheEntry = { body: res.body, etag: res.headers['etag'], canonicalId, resolvedSha: sha, fetchedAt: new Date().toISOString() };
    await cache.set(key, entry);
    if (sha === undefined || isImmutableRevision(key.revision)) return;
    // What a branch resolved to is also the answer at that commit, forever: a later pinned look-up needs no request.
    for (const repoId of new Set([key.repoId, canonicalId])) {
      await cache.set({ kind: key.kind, repoId, revision: sha }, { ...entry, etag: undefined });
    }
  }

  private statusFailure(res: HttpResponse, what: string): HubResult<never> {
    const status = res.status;
    const code = res.headers['x-error-code'];
    const detail = serverDetail(res.headers['x-error-message'], code, status);
    const anonymous = this.o.token === undefined || this.o.token === '';
    const loginHint = anonymous ? '; set HF_TOKEN or --hf-token-file if it is private or gated' : '; the token was not accepted';
    if (code === 'GatedRepo') return this.failure('gated', `${what}: gated ${detail}; request access on the Hub${anonymous ? ' and set HF_TOKEN' : ''}`, status);
    if (code === 'RevisionNotFound') return this.failure('revision-not-found', `${what}: revision not found ${detail}`, status);
    if (code === 'RepoNotFound' || code === 'EntryNotFound') {
      // Unauthenticated, the Hub answers 401 RepoNotFound for private and gated repos too.
      const text = status === 401 ? `not found, private or gated ${detail}${loginHint}` : `not found ${detail}`;
      return this.failure('not-found', `${what}: ${text}`, status);
    }
    if (status === 401) return this.failure('unauthorized', `${what}: not found, private or gated ${detail}${loginHint}`, status);
    if (status === 403) return this.failure('forbidden', `${what}: access denied (gated and not approved, or the token lacks access) ${detail}`, status);
    if (status === 404) return this.failure('not-found', `${what}: not found ${detail}`, status);
    if (status === 408) return this.failure('timeout', `${what}: the Hub timed out ${detail}`, status);
    if (status === 429) {
      const after = res.headers['retry-after'] ?? res.headers['ratelimit'];
      return this.failure('rate-limited', `${what}: rate limited by the Hub${after !== undefined ? ` (asked to wait: ${after})` : ''}, retries exhausted ${detail}`, status);
    }
    if (status >= 500) return this.failure('server-error', `${what}: Hub server error, retries exhausted ${detail}`, status);
    return this.failure('server-error', `${what}: unexpected answer from the Hub ${detail}`, status);
  }

  private failure(reason: HubFailureReason, message: string, status?: number): HubResult<never> {
    return { ok: false, reason, ...(status !== undefined ? { status } : {}), message: redact(message.trimEnd(), this.o.token) };
  }
}

/** `/api/{kind}s/{ns}/{name}[/revision/{rev}]?blobs=true`, or `undefined` for an id that could escape the path. */
export function apiPath(kind: CacheKind, repoId: string, revision: string | undefined): string | undefined {
  const segments = repoId.split('/');
  if (segments.length > 2 || segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  if (revision === '') return undefined;
  const repo = segments.map(encodeURIComponent).join('/');
  // The revision is one segment even when it holds '/', e.g. refs/pr/1 (huggingface_hub quotes it with safe="").
  const rev = revision !== undefined ? `/revision/${encodeURIComponent(revision)}` : '';
  return `/api/${kind}s/${repo}${rev}?blobs=true`;
}

function commitSha(v: string | undefined): string | undefined {
  return v !== undefined && /^[0-9a-f]{40}$/i.test(v) ? v.toLowerCase() : undefined;
}

/** "(404 RepoNotFound: Repository not found)", the server's text bounded and stripped of control characters. */
function serverDetail(message: string | undefined, code: string | undefined, status: number): string {
  const text = message?.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200);
  return `(${[String(status), code].filter(Boolean).join(' ')}${text ? `: ${text}` : ''})`;
}

// ---- Defensive parsing of info bodies: shape checks only, no mapping to BOM terms. ----

/** The parsed info, or `undefined` unless `body` is a JSON object with a string `id`. */
export function parseRepoBody<T>(body: string, parse: Parse<T>): T | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  return isObj(v) && typeof v['id'] === 'string' && v['id'] !== '' ? parse(v) : undefined;
}

export function parseModelInfo(o: Obj): HubModelInfo {
  const st = isObj(o['safetensors']) ? o['safetensors'] : undefined;
  const total = num(st?.['total']);
  const parameters = isObj(st?.['parameters']) ? numberRecord(st['parameters']) : undefined;
  return compact({
    ...parseRepoInfo(o),
    pipeline_tag: str(o['pipeline_tag']),
    library_name: str(o['library_name']),
    safetensors: total !== undefined ? { total, parameters: parameters ?? {} } : undefined,
    config: isObj(o['config']) ? o['config'] : undefined,
  });
}

export function parseDatasetInfo(o: Obj): HubDatasetInfo {
  return compact({ ...parseRepoInfo(o), description: str(o['description']), citation: str(o['citation']), paperswithcode_id: str(o['paperswithcode_id']) });
}

// Repos older than the Hub's creation tracking all carry a date from its 2022-03-02 23:29 migration
// (…:04Z, …:05Z in the recordings): that date means "unknown", not a creation date.
const isMigrationDate = (d: string): boolean => d.startsWith('2022-03-02T23:29:');

function parseRepoInfo(o: Obj): HubRepoInfo {
  const g = o['gated'];
  const createdAt = str(o['createdAt']);
  return compact({
    id: o['id'] as string,
    sha: commitSha(str(o['sha'])),
    author: str(o['author']),
    gated: typeof g === 'boolean' || g === 'auto' || g === 'manual' ? g : undefined,
    private: bool(o['private']),
    disabled: bool(o['disabled']),
    tags: Array.isArray(o['tags']) ? o['tags'].filter((t): t is string => typeof t === 'string') : [],
    cardData: isObj(o['cardData']) ? o['cardData'] : undefined,
    siblings: Array.isArray(o['siblings']) ? o['siblings'].flatMap(parseSibling) : [],
    createdAt: createdAt !== undefined && isMigrationDate(createdAt) ? undefined : createdAt,
    lastModified: str(o['lastModified']),
    downloads: num(o['downloads']),
    likes: num(o['likes']),
  });
}

function parseSibling(v: unknown): HubSibling[] {
  if (!isObj(v) || typeof v['rfilename'] !== 'string') return [];
  const lfs = isObj(v['lfs']) ? v['lfs'] : undefined;
  // `blobs=true` names the hash `sha256`; the tree listing names it `oid`. Accept either.
  const raw = str(lfs?.['sha256']) ?? str(lfs?.['oid'])?.replace(/^sha256:/, '');
  const sha256 = raw !== undefined && /^[0-9a-f]{64}$/i.test(raw) ? raw.toLowerCase() : undefined;
  const lfsSize = num(lfs?.['size']) ?? num(v['size']);
  return [compact({
    rfilename: v['rfilename'],
    size: num(v['size']),
    blobId: str(v['blobId']),
    lfs: sha256 !== undefined && lfsSize !== undefined ? compact({ sha256, size: lfsSize, pointerSize: num(lfs?.['pointerSize']) }) : undefined,
  })];
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}
function numberRecord(o: Obj): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => num(e[1]) !== undefined));
}
/** Drop undefined fields, so results compare and serialize cleanly. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
