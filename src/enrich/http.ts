/**
 * The one HTTP client for registry look-ups: pooled keep-alive connections,
 * bounded concurrency, per-attempt timeouts, bounded retries and manual
 * same-origin redirects. It never throws for a bad response or a dead network:
 * callers get an `HttpResponse` or a typed `HttpFailure`.
 *
 * The dispatcher is injected so tests use a loopback server or `MockAgent`.
 */
// undici is loaded on the first request: it is 110 files and about 0.1 s of
// start-up that an offline scan (or one with nothing to look up) never needs.
import type { Dispatcher } from 'undici';
import { errorMessage } from '../util/error-message.js';

export interface HttpClientOptions {
  /** Injected dispatcher; by default a keep-alive `Agent` with `concurrency` connections per origin. */
  dispatcher?: Dispatcher;
  /** Max requests in flight (default 8). */
  concurrency?: number;
  /** Per attempt, covering headers and body (default 15000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 4, so at most 5 attempts). */
  maxRetries?: number;
  /** Total time one `get` may spend waiting between retries (default 60000). */
  maxRetryWaitMs?: number;
  /** Responses larger than this become a `too-large` failure (default 32 MiB). */
  maxBodyBytes?: number;
  userAgent: string;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Clock for `Retry-After` HTTP dates. */
  now?: () => number;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** The URL that gave this response, after redirects. */
  url: string;
  /** Each URL that answered with a redirect, in order (empty when none). */
  redirects: string[];
}

export type HttpFailure = { kind: 'timeout' | 'network' | 'too-large'; message: string };

export function isHttpFailure(r: HttpResponse | HttpFailure): r is HttpFailure {
  return 'kind' in r;
}

const REDIRECT_STATUSES = new Set([301, 302, 307, 308]);
const MAX_REDIRECTS = 5;
// Full-jitter backoff (AWS architecture blog): sleep = random × min(cap, base × 2^attempt).
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 20_000;

type Exchange = { status: number; headers: Record<string, string>; body: string };
/** A failure plus whether trying again could help (a refused redirect cannot). */
type AttemptFailure = HttpFailure & { retryable: boolean };

export class HttpClient {
  readonly stats = { requests: 0, retries: 0 };
  /** The injected dispatcher, or ours once the first request has created it. */
  private dispatcher: Dispatcher | undefined;
  private readonly ownsDispatcher: boolean;
  private readonly connections: number;
  private undici: Promise<typeof import('undici')> | undefined;
  private readonly slots: Semaphore;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private readonly maxBodyBytes: number;
  private readonly userAgent: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(o: HttpClientOptions) {
    const concurrency = Math.max(1, Math.floor(o.concurrency ?? 8));
    this.ownsDispatcher = o.dispatcher === undefined;
    this.dispatcher = o.dispatcher;
    this.connections = concurrency;
    this.slots = new Semaphore(concurrency);
    this.timeoutMs = o.timeoutMs ?? 15_000;
    this.maxRetries = Math.max(0, o.maxRetries ?? 4);
    this.maxRetryWaitMs = Math.max(0, o.maxRetryWaitMs ?? 60_000);
    this.maxBodyBytes = o.maxBodyBytes ?? 32 * 1024 * 1024;
    this.userAgent = o.userAgent;
    this.sleep = o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = o.random ?? Math.random;
    this.now = o.now ?? Date.now;
  }

  /**
   * GET `url`, retrying 408, 429, 5xx, timeouts and network errors. A 429 or
   * 5xx that outlives the retries is returned as a response, so callers can
   * read its status and headers.
   */
  async get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse | HttpFailure> {
    const protocol = safeUrl(url, 'invalid:')?.protocol;
    if (protocol !== 'http:' && protocol !== 'https:') return { kind: 'network', message: `GET ${displayUrl(url)}: not a valid http(s) URL` };
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const result = await this.followRedirects(url, headers);
      const wait = this.retryWait(result, attempt);
      // A server asking for longer than the budget left will not be served in time: stop now, never spin.
      if (wait === undefined || attempt >= this.maxRetries || waited + wait > this.maxRetryWaitMs) return publicResult(result);
      waited += wait;
      this.stats.retries++;
      await this.sleep(wait);
    }
  }

  /** Close the pooled connections, if this client created them. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher?.close();
  }

  private async followRedirects(url: string, headers: Record<string, string>): Promise<HttpResponse | AttemptFailure> {
    const redirects: string[] = [];
    const origin = safeOrigin(url);
    let current = url;
    for (;;) {
      const r = await this.exchange(current, headers);
      if ('kind' in r) return r;
      const location = r.headers['location'];
      if (!REDIRECT_STATUSES.has(r.status) || location === undefined) return { ...r, url: current, redirects };
      if (redirects.length >= MAX_REDIRECTS) return fail('network', `GET ${displayUrl(url)}: more than ${MAX_REDIRECTS} redirects`, false);
      const next = safeUrl(location, current);
      // Same origin only: the request may carry a token, and the Hub's rename redirects are relative.
      if (next === undefined || next.origin !== origin) {
        return fail('network', `GET ${displayUrl(current)}: refused a redirect to another origin (${next?.origin ?? 'invalid Location'})`, false);
      }
      redirects.push(current);
      current = next.href;
    }
  }

  /** One request/response, holding a concurrency slot for its whole duration. */
  private async exchange(url: string, headers: Record<string, string>): Promise<Exchange | AttemptFailure> {
    const release = await this.slots.acquire();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, this.timeoutMs);
    this.stats.requests++;
    try {
      this.undici ??= import('undici');
      const undici = await this.undici;
      this.dispatcher ??= new undici.Agent({ connections: this.connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
      const res = await undici.request(url, {
        dispatcher: this.dispatcher,
        method: 'GET',
        headers: { 'user-agent': this.userAgent, ...lowerKeys(headers) },
        signal: controller.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const resHeaders = flattenHeaders(res.headers);
      if (REDIRECT_STATUSES.has(res.statusCode)) {
        await res.body.dump();
        return { status: res.statusCode, headers: resHeaders, body: '' };
      }
      const body = await readCapped(res.body, Number(resHeaders['content-length'] ?? 0), this.maxBodyBytes);
      if (body === undefined) return fail('too-large', `GET ${displayUrl(url)}: response body exceeds ${this.maxBodyBytes} bytes`, false);
      return { status: res.statusCode, headers: resHeaders, body };
    } catch (err) {
      // Messages name the method and URL only: request headers may carry a token.
      if (timedOut || isUndiciTimeout(err)) return fail('timeout', `GET ${displayUrl(url)}: no complete response within ${this.timeoutMs} ms`, true);
      return fail('network', `GET ${displayUrl(url)}: ${describeError(err)}`, true);
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  /** Milliseconds to wait before the next attempt, or `undefined` when retrying cannot help. */
  private retryWait(result: HttpResponse | AttemptFailure, attempt: number): number | undefined {
    if ('kind' in result) return result.retryable ? this.backoff(attempt) : undefined;
    const s = result.status;
    if (s !== 408 && s !== 429 && (s < 500 || s > 599)) return undefined;
    return serverRequestedWait(result.headers, this.now()) ?? this.backoff(attempt);
  }

  private backoff(attempt: number): number {
    return Math.floor(this.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
  }
}

/**
 * The wait a server asked for: `Retry-After` (seconds or an HTTP date), else the
 * reset of the IETF `RateLimit` header (`"api";r=0;t=55`, draft-ietf-httpapi-ratelimit-headers),
 * else the older `RateLimit-Reset` seconds.
 */
export function serverRequestedWait(headers: Record<string, string>, now: number): number | undefined {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter !== undefined && retryAfter !== '') {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const t = /(?:^|;)\s*t\s*=\s*(\d+)/.exec(headers['ratelimit'] ?? '');
  if (t?.[1] !== undefined) return Number(t[1]) * 1000;
  const reset = headers['ratelimit-reset']?.trim();
  if (reset !== undefined && /^\d+$/.test(reset)) return Number(reset) * 1000;
  return undefined;
}

function publicResult(r: HttpResponse | AttemptFailure): HttpResponse | HttpFailure {
  return 'kind' in r ? { kind: r.kind, message: r.message } : r;
}

function fail(kind: HttpFailure['kind'], message: string, retryable: boolean): AttemptFailure {
  return { kind, message, retryable };
}

/** Read at most `cap` bytes; `undefined` (and the stream destroyed) when the body is larger. */
async function readCapped(body: Dispatcher.ResponseData['body'], declared: number, cap: number): Promise<string | undefined> {
  if (declared > cap) {
    body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > cap) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function isUndiciTimeout(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
}

function describeError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const cause = (err as { cause?: unknown } | null)?.cause;
  const base = typeof code === 'string' && !errorMessage(err).includes(code) ? `${errorMessage(err)} (${code})` : errorMessage(err);
  return cause !== undefined ? `${base}: ${errorMessage(cause)}` : base;
}

function safeUrl(location: string, base: string): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

function safeOrigin(url: string): string | undefined {
  return safeUrl(url, 'invalid:')?.origin;
}

/** The URL without userinfo, which could be a credential. */
export function displayUrl(url: string): string {
  const u = safeUrl(url, 'invalid:');
  if (u === undefined) return '<invalid URL>';
  u.username = '';
  u.password = '';
  return u.href;
}

/** A counting semaphore with FIFO hand-off, so waiting requests start in order. */
class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter so `active` never dips and lets a newcomer jump the queue.
      const next = this.waiters.shift();
      if (next !== undefined) next();
      else this.active--;
    };
  }
}
