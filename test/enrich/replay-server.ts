/**
 * A loopback HTTP server that replays canned responses, in the spirit of
 * renovate's HTTP mock: any request without a route (or past the end of its
 * route's sequence) is recorded as unexpected and fails `assertAllUsed()`, and
 * so does any canned response left unused.
 *
 * Routes are keyed "METHOD /path?query" exactly as the client sends them.
 * It binds 127.0.0.1 on an ephemeral port and never touches another address.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { fixturePath } from '../helpers.js';

export interface ReplayResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (latency, or a slow body). */
  delayMs?: number;
  /** Never answer (`true`), or send the headers and half the body, then stall (`'body'`). */
  hang?: boolean | 'body';
  /** Send the body chunked, without a Content-Length (so a size cap must count bytes). */
  chunked?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: IncomingHttpHeaders;
}

// Headers the replaying server must compute itself, not copy from a recording.
const HOP_BY_HOP = new Set(['content-length', 'connection', 'transfer-encoding', 'keep-alive']);

export class ReplayServer {
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: string[] = [];
  /** The most requests this server held open at once (checks client-side concurrency limits). */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly routes = new Map<string, ReplayResponse[]>();
  private readonly hanging = new Set<ServerResponse>();
  private origin_ = '';

  private constructor(private readonly server: Server) {}

  /** Start on 127.0.0.1:0 with `routes` ("GET /path?q" → one response or a sequence). */
  static async start(routes: Record<string, ReplayResponse | ReplayResponse[]> = {}): Promise<ReplayServer> {
    let self: ReplayServer | undefined;
    const server = createServer((req, res) => self?.handle(req.method ?? 'GET', req.url ?? '/', req.headers, res));
    self = new ReplayServer(server);
    for (const [key, value] of Object.entries(routes)) self.route(key, value);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self.origin_ = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return self;
  }

  /** e.g. http://127.0.0.1:40123 */
  get origin(): string {
    return this.origin_;
  }

  /** Append responses to the sequence for "METHOD /path?query". */
  route(key: string, responses: ReplayResponse | ReplayResponse[]): void {
    const list = this.routes.get(key) ?? [];
    list.push(...(Array.isArray(responses) ? responses : [responses]));
    this.routes.set(key, list);
  }

  /** Requests seen for one route key. */
  requestsFor(key: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === key);
  }

  /** Fails when a request had no canned answer, or a canned answer was never asked for. */
  assertAllUsed(): void {
    assert.deepEqual(this.unexpected, [], 'unexpected requests reached the replay server');
    const left = [...this.routes].filter(([, list]) => list.length > 0).map(([key, list]) => `${key} (${list.length} left)`);
    assert.deepEqual(left, [], 'canned responses were never requested');
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(method: string, path: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const key = `${method} ${path}`;
    this.requests.push({ method, path, headers });
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    res.on('close', () => this.inFlight--);
    const next = this.routes.get(key)?.shift();
    if (next === undefined) {
      this.unexpected.push(key);
      // 418 is not retried and maps to no real Hub meaning, so a stray request cannot pass for success.
      res.writeHead(418, { 'content-type': 'text/plain' }).end(`replay server: unexpected ${key}`);
      return;
    }
    if (next.hang === true) {
      this.hanging.add(res);
      return;
    }
    const send = (): void => {
      const headersOut = Object.fromEntries(Object.entries(next.headers ?? {}).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));
      const body = next.body ?? '';
      res.writeHead(next.status, headersOut);
      if (next.hang === 'body') {
        this.hanging.add(res);
        res.write(body.slice(0, Math.floor(body.length / 2)));
      } else if (next.chunked === true) {
        for (let i = 0; i < body.length; i += 1024) res.write(body.slice(i, i + 1024));
        res.end();
      } else {
        res.end(body);
      }
    };
    if (next.delayMs !== undefined && next.delayMs > 0) setTimeout(send, next.delayMs);
    else send();
  }
}

/** A recorded body from fixtures/hf-api/. */
export function hfFixture(name: string): string {
  return readFileSync(fixturePath('hf-api', name), 'utf8');
}

/** 200 JSON with the body of a recorded fixture. */
export function jsonFixture(name: string, headers: Record<string, string> = {}): ReplayResponse {
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: hfFixture(name) };
}

/** The interactions of a recorded vcr cassette, as replayable responses with their request URIs. */
export function cassette(name: string): Array<{ method: string; uri: string; response: ReplayResponse }> {
  const doc = parseYaml(hfFixture(name)) as {
    interactions: Array<{
      request: { method: string; uri: string };
      response: { status: { code: number }; headers: Record<string, string[]>; body: { string: string } };
    }>;
  };
  return doc.interactions.map(({ request, response }) => ({
    method: request.method,
    uri: request.uri,
    response: {
      status: response.status.code,
      headers: Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, v.join(', ')])),
      body: response.body.string,
    },
  }));
}
