import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient, isHttpFailure, serverRequestedWait, type HttpClientOptions, type HttpFailure, type HttpResponse } from '../../src/enrich/http.js';
import { ReplayServer, type ReplayResponse } from './replay-server.js';

const UA = 'mlbom/0.0.0-test (+https://github.com/mlbom/mlbom)';
const SECRET = 'hf_TESTTOKENhttpLayer0123456789';

/** A client whose sleeps are recorded instead of waited, with a fixed jitter source. */
function client(o: Partial<HttpClientOptions> = {}): { http: HttpClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const http = new HttpClient({ userAgent: UA, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5, ...o });
  after(() => http.close());
  return { http, sleeps };
}

async function serve(routes: Record<string, ReplayResponse | ReplayResponse[]>): Promise<ReplayServer> {
  const server = await ReplayServer.start(routes);
  after(() => server.close());
  return server;
}

function ok(r: HttpResponse | HttpFailure): HttpResponse {
  assert.ok(!isHttpFailure(r), `expected a response, got ${JSON.stringify(r)}`);
  return r;
}

function failed(r: HttpResponse | HttpFailure): HttpFailure {
  assert.ok(isHttpFailure(r), `expected a failure, got status ${(r as HttpResponse).status}`);
  return r;
}

describe('HttpClient', () => {
  it('sends the user agent and caller headers, and lower-cases response headers', async () => {
    const server = await serve({ 'GET /a': { status: 200, headers: { 'X-Repo-Commit': 'abc', ETag: 'W/"1"' }, body: '{"x":1}' } });
    const { http } = client();
    const r = ok(await http.get(`${server.origin}/a`, { Accept: 'application/json' }));
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"x":1}');
    assert.equal(r.headers['x-repo-commit'], 'abc');
    assert.equal(r.headers['etag'], 'W/"1"');
    assert.deepEqual(r.redirects, []);
    assert.equal(server.requests[0]?.headers['user-agent'], UA);
    assert.equal(server.requests[0]?.headers['accept'], 'application/json');
    assert.deepEqual(http.stats, { requests: 1, retries: 0 });
    server.assertAllUsed();
  });

  it('waits what Retry-After asks on a 429, then succeeds', async () => {
    const server = await serve({ 'GET /r': [{ status: 429, headers: { 'Retry-After': '1' } }, { status: 200, body: 'ok' }] });
    const { http, sleeps } = client();
    assert.equal(ok(await http.get(`${server.origin}/r`)).body, 'ok');
    assert.deepEqual(sleeps, [1000]);
    assert.deepEqual(http.stats, { requests: 2, retries: 1 });
    server.assertAllUsed();
  });

  it('honours a Retry-After HTTP date', async () => {
    const now = Date.parse('Wed, 22 Jan 2025 18:24:45 GMT');
    const server = await serve({ 'GET /d': [{ status: 503, headers: { 'Retry-After': 'Wed, 22 Jan 2025 18:24:48 GMT' } }, { status: 200 }] });
    const { http, sleeps } = client({ now: () => now });
    assert.equal(ok(await http.get(`${server.origin}/d`)).status, 200);
    assert.deepEqual(sleeps, [3000]);
  });

  it("honours the RateLimit header's t= and stops when the next wait would pass the budget", async () => {
    const limited: ReplayResponse = { status: 429, headers: { RateLimit: '"api";r=0;t=55', 'RateLimit-Policy': '"api";q=1000;w=300' } };
    const server = await serve({ 'GET /storm': [limited, limited] });
    const { http, sleeps } = client();
    const r = ok(await http.get(`${server.origin}/storm`));
    // 55 s fits the 60 s budget once; a second 55 s does not, so the 429 comes back instead of a wait.
    assert.equal(r.status, 429);
    assert.deepEqual(sleeps, [55_000]);
    assert.equal(server.requests.length, 2);
    server.assertAllUsed();
  });

  it('returns a 429 at once, without sleeping, when the server asks for more than the whole budget', async () => {
    const server = await serve({ 'GET /long': { status: 429, headers: { 'Retry-After': '3600' } } });
    const http = new HttpClient({ userAgent: UA }); // real sleep: the test would hang if it waited
    after(() => http.close());
    const started = Date.now();
    assert.equal(ok(await http.get(`${server.origin}/long`)).status, 429);
    assert.ok(Date.now() - started < 1000);
    assert.equal(http.stats.retries, 0);
    server.assertAllUsed();
  });

  it('retries a 500 with jittered exponential backoff, then succeeds', async () => {
    const server = await serve({ 'GET /flaky': [{ status: 500 }, { status: 502 }, { status: 200, body: 'fine' }] });
    const { http, sleeps } = client();
    assert.equal(ok(await http.get(`${server.origin}/flaky`)).body, 'fine');
    assert.deepEqual(sleeps, [250, 500]); // random 0.5 × 500 ms × 2^attempt
    server.assertAllUsed();
  });

  it('gives up after maxRetries and returns the last 5xx response', async () => {
    const server = await serve({ 'GET /down': Array.from({ length: 5 }, () => ({ status: 503 })) });
    const { http, sleeps } = client();
    assert.equal(ok(await http.get(`${server.origin}/down`)).status, 503);
    assert.deepEqual(sleeps, [250, 500, 1000, 2000]);
    assert.deepEqual(http.stats, { requests: 5, retries: 4 });
    server.assertAllUsed();
  });

  it('does not retry a 404 or a 401', async () => {
    const server = await serve({ 'GET /missing': { status: 404 }, 'GET /private': { status: 401 } });
    const { http, sleeps } = client();
    assert.equal(ok(await http.get(`${server.origin}/missing`)).status, 404);
    assert.equal(ok(await http.get(`${server.origin}/private`)).status, 401);
    assert.deepEqual(sleeps, []);
    server.assertAllUsed();
  });

  it('times out a hanging response, retries it, and reports a timeout without request headers', async () => {
    const server = await serve({ 'GET /hang': [{ status: 200, hang: true }, { status: 200, hang: true }] });
    const { http, sleeps } = client({ timeoutMs: 200, maxRetries: 1 });
    const started = Date.now();
    const f = failed(await http.get(`${server.origin}/hang`, { Authorization: `Bearer ${SECRET}` }));
    assert.equal(f.kind, 'timeout');
    assert.match(f.message, /200 ms/);
    assert.ok(!f.message.includes(SECRET) && !/authorization/i.test(f.message));
    assert.ok(Date.now() - started < 3000);
    assert.equal(sleeps.length, 1);
    server.assertAllUsed();
  });

  it('also times out a response whose headers arrive too late', async () => {
    const server = await serve({ 'GET /slow': { status: 200, delayMs: 1000, body: 'late' } });
    const { http } = client({ timeoutMs: 150, maxRetries: 0 });
    assert.equal(failed(await http.get(`${server.origin}/slow`)).kind, 'timeout');
  });

  it('times out a body that stalls after the headers', async () => {
    const server = await serve({ 'GET /stall': { status: 200, hang: 'body', body: '{"id":"a/b","long":"' + 'x'.repeat(100) + '"}' } });
    const { http } = client({ timeoutMs: 200, maxRetries: 0 });
    assert.equal(failed(await http.get(`${server.origin}/stall`)).kind, 'timeout');
    server.assertAllUsed();
  });

  it('reports a refused connection as a network failure after retrying', async () => {
    const server = await ReplayServer.start();
    const url = `${server.origin}/gone`;
    await server.close();
    const { http, sleeps } = client({ maxRetries: 2 });
    const f = failed(await http.get(url, { Authorization: `Bearer ${SECRET}` }));
    assert.equal(f.kind, 'network');
    assert.match(f.message, /ECONNREFUSED/);
    assert.ok(!f.message.includes(SECRET));
    assert.equal(sleeps.length, 2);
  });

  it('caps the body size and does not retry a too-large response', async () => {
    const server = await serve({ 'GET /big': { status: 200, body: 'x'.repeat(5000) } });
    const { http } = client({ maxBodyBytes: 1000 });
    assert.equal(failed(await http.get(`${server.origin}/big`)).kind, 'too-large');
    assert.equal(http.stats.requests, 1);
    server.assertAllUsed();
  });

  it('caps a chunked body that declares no length', async () => {
    const server = await serve({ 'GET /stream': { status: 200, chunked: true, body: 'y'.repeat(10_000) } });
    const { http } = client({ maxBodyBytes: 4096 });
    assert.equal(failed(await http.get(`${server.origin}/stream`)).kind, 'too-large');
    server.assertAllUsed();
  });

  it('follows a relative same-origin 307 and records the hop', async () => {
    const server = await serve({
      'GET /api/models/bert-base-uncased': { status: 307, headers: { Location: '/api/models/google-bert/bert-base-uncased' }, body: 'Temporary Redirect.' },
      'GET /api/models/google-bert/bert-base-uncased': { status: 200, body: '{}' },
    });
    const { http } = client();
    const r = ok(await http.get(`${server.origin}/api/models/bert-base-uncased`, { Authorization: `Bearer ${SECRET}` }));
    assert.equal(r.url, `${server.origin}/api/models/google-bert/bert-base-uncased`);
    assert.deepEqual(r.redirects, [`${server.origin}/api/models/bert-base-uncased`]);
    // Same origin: the credential may follow.
    assert.equal(server.requests[1]?.headers['authorization'], `Bearer ${SECRET}`);
    server.assertAllUsed();
  });

  it('refuses a redirect to another origin, so no credential leaves the configured host', async () => {
    const elsewhere = await serve({});
    const server = await serve({ 'GET /moved': { status: 302, headers: { Location: `${elsewhere.origin}/steal` } } });
    const { http } = client();
    const f = failed(await http.get(`${server.origin}/moved`, { Authorization: `Bearer ${SECRET}` }));
    assert.equal(f.kind, 'network');
    assert.match(f.message, /another origin/);
    assert.equal(elsewhere.requests.length, 0);
    assert.equal(http.stats.retries, 0);
    server.assertAllUsed();
  });

  it('stops a redirect loop after 5 hops', async () => {
    const hop = (n: number): ReplayResponse => ({ status: 301, headers: { Location: `/loop${n}` } });
    const server = await serve(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`GET /loop${i}`, hop(i + 1)])));
    const { http } = client();
    const f = failed(await http.get(`${server.origin}/loop0`));
    assert.match(f.message, /more than 5 redirects/);
    assert.equal(server.requests.length, 6);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const routes: Record<string, ReplayResponse> = {};
    for (let i = 0; i < 12; i++) routes[`GET /c${i}`] = { status: 200, delayMs: 40, body: String(i) };
    const server = await serve(routes);
    const { http } = client({ concurrency: 3 });
    const bodies = await Promise.all(Array.from({ length: 12 }, async (_, i) => ok(await http.get(`${server.origin}/c${i}`)).body));
    assert.deepEqual(bodies, Array.from({ length: 12 }, (_, i) => String(i)));
    assert.equal(server.maxInFlight, 3);
    server.assertAllUsed();
  });

  it('rejects a non-http URL without a request', async () => {
    const { http } = client();
    assert.equal(failed(await http.get('file:///etc/passwd')).kind, 'network');
    assert.equal(http.stats.requests, 0);
  });
});

describe('serverRequestedWait', () => {
  it('reads Retry-After seconds, dates, RateLimit t= and RateLimit-Reset', () => {
    assert.equal(serverRequestedWait({ 'retry-after': '7' }, 0), 7000);
    assert.equal(serverRequestedWait({ 'retry-after': 'Thu, 01 Jan 1970 00:00:05 GMT' }, 1000), 4000);
    assert.equal(serverRequestedWait({ 'retry-after': 'Thu, 01 Jan 1970 00:00:05 GMT' }, 9000), 0);
    assert.equal(serverRequestedWait({ ratelimit: '"api";r=0;t=55' }, 0), 55_000);
    assert.equal(serverRequestedWait({ 'ratelimit-reset': '12' }, 0), 12_000);
    assert.equal(serverRequestedWait({ 'retry-after': 'soon' }, 0), undefined);
    assert.equal(serverRequestedWait({}, 0), undefined);
  });
});
