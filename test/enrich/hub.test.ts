import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResponseCache } from '../../src/enrich/cache.js';
import { HttpClient } from '../../src/enrich/http.js';
import { HubClient, parseModelInfo, redact, resolveHfToken, type HubClientOptions, type HubResult } from '../../src/enrich/huggingface/index.js';
import { MlbomError } from '../../src/errors.js';
import { withTempDir } from '../helpers.js';
import { cassette, hfFixture, jsonFixture, ReplayServer, type ReplayResponse } from './replay-server.js';

const BERT = '/api/models/google-bert/bert-base-uncased?blobs=true';
const BERT_SHA = '86b5e0934494bd15c9632b12f734a8a67f723594';
const ROBERTA_SHA = 'adc3b06f79f797d1c575d5479d6f5efe54a9e3b4';
const TOKEN = 'hf_TESTTOKENabcdef0123456789ABCDEF';

async function serve(routes: Record<string, ReplayResponse | ReplayResponse[]> = {}): Promise<ReplayServer> {
  const server = await ReplayServer.start(routes);
  after(() => server.close());
  return server;
}

/** A HubClient on `server`, with sleeps recorded instead of waited. */
function hub(server: ReplayServer, o: Partial<HubClientOptions> & { timeoutMs?: number; maxRetries?: number } = {}): { client: HubClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const http = new HttpClient({
    userAgent: 'mlbom/test', sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}),
  });
  after(() => http.close());
  return { client: new HubClient({ endpoint: server.origin, offline: false, http, ...o }), sleeps };
}

function value<T>(r: HubResult<T>): T {
  assert.ok(r.ok, `expected ok, got ${JSON.stringify(r)}`);
  return r.value;
}

function failure<T>(r: HubResult<T>): Extract<HubResult<T>, { ok: false }> {
  assert.ok(!r.ok, 'expected a failure');
  return r;
}

describe('HubClient: recorded responses', () => {
  it('reads bert-base-uncased with blobs=true: sha, task, library, parameters, licence, per-file LFS hashes', async () => {
    const server = await serve({ [`GET ${BERT}`]: jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json', { ETag: 'W/"1144-0lLZ4rZ6fR3gbhjw06/nTxkknu0"' }) });
    const { client } = hub(server);
    const r = await client.modelInfo('google-bert/bert-base-uncased');
    const v = value(r);
    assert.deepEqual([r.ok && r.canonicalId, r.ok && r.sha, r.ok && r.fromCache], ['google-bert/bert-base-uncased', BERT_SHA, false]);
    assert.deepEqual([v.author, v.pipeline_tag, v.library_name, v.gated, v.private, v.disabled], ['google-bert', 'fill-mask', 'transformers', false, false, false]);
    assert.deepEqual(v.safetensors, { total: 110106428, parameters: { F32: 110106428 } });
    assert.deepEqual(v.cardData, { language: 'en', tags: ['exbert'], license: 'apache-2.0', datasets: ['bookcorpus', 'wikipedia'] });
    assert.equal(v.createdAt, undefined, 'the 2022-03-02 migration date means unknown');
    assert.equal(v.lastModified, '2024-02-19T11:06:12.000Z');
    assert.equal(v.siblings.length, 16);
    assert.deepEqual(v.siblings.find((s) => s.rfilename === 'pytorch_model.bin'), {
      rfilename: 'pytorch_model.bin', size: 440473133, blobId: 'ba5d19791be1dd7992e33bd61f20207b0f7f50a5',
      lfs: { sha256: '097417381d6c7230bd9e3557456d726de6e83245ec8b24f529f60198a67b203a', size: 440473133, pointerSize: 134 },
    });
    assert.deepEqual(v.siblings.find((s) => s.rfilename === 'LICENSE'), { rfilename: 'LICENSE' });
    assert.ok(v.tags.includes('license:apache-2.0'));
    const req = server.requests[0];
    assert.equal(req?.headers['accept'], 'application/json');
    assert.equal(req?.headers['authorization'], undefined, 'no token configured, no Authorization header');
    server.assertAllUsed();
  });

  it('reads roberta-base-squad2 at a pinned revision: base_model list and model-index', async () => {
    const path = `/api/models/deepset/roberta-base-squad2/revision/${ROBERTA_SHA}?blobs=true`;
    const server = await serve({ [`GET ${path}`]: jsonFixture('model_info_deepset__roberta-base-squad2.json') });
    const v = value(await hub(server).client.modelInfo('deepset/roberta-base-squad2', ROBERTA_SHA));
    assert.equal(v.sha, ROBERTA_SHA);
    assert.deepEqual(v.cardData?.['base_model'], ['FacebookAI/roberta-base']);
    const index = v.cardData?.['model-index'] as Array<{ results: Array<{ metrics: Array<{ type: string; value: number }> }> }>;
    assert.equal(index[0]?.results.length, 8);
    assert.deepEqual(index[0]?.results[0]?.metrics[0]?.type, 'exact_match');
    assert.deepEqual(v.safetensors, { total: 124057092, parameters: { F32: 124056578, I64: 514 } });
    server.assertAllUsed();
  });

  it('reads sentence-transformers and stable-diffusion-2-1 (openrail++, no safetensors)', async () => {
    const server = await serve({
      'GET /api/models/sentence-transformers/paraphrase-albert-small-v2?blobs=true': jsonFixture('model_info_sentence-transformers__paraphrase-albert-small-v2.json'),
      'GET /api/models/stabilityai/stable-diffusion-2-1?blobs=true': jsonFixture('model_info_stabilityai__stable-diffusion-2-1.json'),
    });
    const { client } = hub(server);
    const st = value(await client.modelInfo('sentence-transformers/paraphrase-albert-small-v2'));
    assert.deepEqual([st.library_name, st.pipeline_tag, st.cardData?.['library_name']], ['sentence-transformers', 'sentence-similarity', 'sentence-transformers']);
    const sd = value(await client.modelInfo('stabilityai/stable-diffusion-2-1'));
    assert.equal(sd.cardData?.['license'], 'openrail++');
    assert.equal(sd.safetensors, undefined);
    assert.equal(sd.createdAt, '2022-12-06T17:24:51.000Z');
    assert.equal(sd.library_name, 'diffusers');
    server.assertAllUsed();
  });

  it('accepts LFS hashes in the tree-listing shape (lfs.oid)', () => {
    const tree = JSON.parse(hfFixture('tree_google-bert__bert-base-uncased@dd4bc8b.json')) as Array<{ path: string; oid: string; size: number; lfs?: { oid: string } }>;
    const siblings = tree.map((e) => ({ rfilename: e.path, size: e.size, blobId: e.oid, lfs: e.lfs }));
    const v = parseModelInfo({ id: 'google-bert/bert-base-uncased', siblings });
    assert.deepEqual(v.siblings.filter((s) => s.lfs).map((s) => [s.rfilename, s.lfs?.sha256]), tree.filter((e) => e.lfs).map((e) => [e.path, e.lfs?.oid]));
  });

  it('reads a dataset: gated auto, task and size categories, LFS hashes', async () => {
    const server = await serve({ 'GET /api/datasets/mlbom-fixtures/tiny-reviews?blobs=true': jsonFixture('dataset_info_mlbom-fixtures__tiny-reviews.json') });
    const r = await hub(server).client.datasetInfo('mlbom-fixtures/tiny-reviews');
    const v = value(r);
    assert.equal(v.gated, 'auto');
    assert.deepEqual(v.cardData?.['task_categories'], ['text-classification']);
    assert.deepEqual(v.cardData?.['size_categories'], ['n<1K']);
    assert.equal(v.siblings.find((s) => s.rfilename === 'data/train.csv')?.lfs?.sha256, '30f6cdcb11b77a4f8711826c76a17d372f280f394344728aa908ac09a48701f5');
    assert.equal(r.ok && r.sha, '90c30748cfd5a13ebabf3f65a78158c56ce597a1');
    server.assertAllUsed();
  });
});

describe('HubClient: redirects', () => {
  it('follows the recorded 307 rename, reports the canonical id, and restores blobs=true', async () => {
    const [redirect, renamed] = cassette('cassette_InferenceApiTest.test_simple_inference.yaml');
    assert.equal(redirect?.response.status, 307);
    const server = await serve({
      'GET /api/models/bert-base-uncased?blobs=true': redirect!.response,
      // The recorded Location has no query, so the first answer lacks per-file hashes…
      'GET /api/models/google-bert/bert-base-uncased': renamed!.response,
      // …and the client asks the canonical URL again with blobs=true.
      [`GET ${BERT}`]: jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json'),
    });
    const r = await hub(server).client.modelInfo('bert-base-uncased');
    assert.ok(r.ok);
    assert.equal(r.canonicalId, 'google-bert/bert-base-uncased');
    assert.equal(r.sha, BERT_SHA);
    assert.ok(r.value.siblings.some((s) => s.lfs !== undefined));
    server.assertAllUsed();
  });

  it('needs no extra request when the Location keeps the query', async () => {
    const server = await serve({
      'GET /api/models/bert-base-uncased?blobs=true': { status: 307, headers: { Location: BERT } },
      [`GET ${BERT}`]: jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json'),
    });
    const r = await hub(server).client.modelInfo('bert-base-uncased');
    assert.equal(r.ok && r.canonicalId, 'google-bert/bert-base-uncased');
    assert.equal(server.requests.length, 2);
    server.assertAllUsed();
  });

  it('works under a mirror endpoint with a path prefix and a trailing slash', async () => {
    const server = await serve({ [`GET /mirror${BERT}`]: jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json') });
    const { client } = hub(server, { endpoint: `${server.origin}/mirror/` });
    assert.equal(client.endpoint, `${server.origin}/mirror`);
    assert.ok((await client.modelInfo('google-bert/bert-base-uncased')).ok);
    server.assertAllUsed();
  });
});

describe('HubClient: failures never throw', () => {
  const errorCases: Array<[string, ReplayResponse, string, RegExp]> = [
    ['401 without a code', { status: 401 }, 'unauthorized', /not found, private or gated \(401\)/],
    ['401 RepoNotFound', { status: 401, headers: { 'X-Error-Code': 'RepoNotFound', 'X-Error-Message': 'Repository not found' } }, 'not-found', /private or gated.*\(401 RepoNotFound: Repository not found\)/],
    ['403 GatedRepo', { status: 403, headers: { 'X-Error-Code': 'GatedRepo', 'X-Error-Message': 'Access to model a/b is restricted.' } }, 'gated', /gated.*403 GatedRepo/],
    ['403 without a code', { status: 403 }, 'forbidden', /access denied/],
    ['404 RepoNotFound', { status: 404, headers: { 'X-Error-Code': 'RepoNotFound' } }, 'not-found', /not found \(404 RepoNotFound\)/],
    ['404 without a code', { status: 404 }, 'not-found', /not found \(404\)/],
    ['malformed JSON', { status: 200, body: '{"id": "a/b", ' }, 'malformed', /not a JSON object/],
    ['a JSON array', { status: 200, body: '[{"id":"a/b"}]' }, 'malformed', /not a JSON object/],
    ['an object without an id', { status: 200, body: '{"modelId":"a/b"}' }, 'malformed', /string "id"/],
    ['an HTML error page', { status: 200, body: '<html>Bad gateway</html>' }, 'malformed', /not a JSON object/],
  ];
  for (const [name, response, reason, message] of errorCases) {
    it(`maps ${name} to ${reason}`, async () => {
      const server = await serve({ 'GET /api/models/a/b?blobs=true': response });
      const r = failure(await hub(server).client.modelInfo('a/b'));
      assert.equal(r.reason, reason);
      assert.match(r.message, message);
      assert.match(r.message, /^model a\/b: /);
      server.assertAllUsed();
    });
  }

  it('maps 404 RevisionNotFound, encoding a revision with "/" as one segment', async () => {
    const server = await serve({ 'GET /api/models/a/b/revision/refs%2Fpr%2F1?blobs=true': { status: 404, headers: { 'X-Error-Code': 'RevisionNotFound' } } });
    const r = failure(await hub(server).client.modelInfo('a/b', 'refs/pr/1'));
    assert.deepEqual([r.reason, r.status], ['revision-not-found', 404]);
    server.assertAllUsed();
  });

  it('retries a 429 after the Retry-After it asked for, then succeeds', async () => {
    const server = await serve({ [`GET ${BERT}`]: [{ status: 429, headers: { 'Retry-After': '1' } }, jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json')] });
    const { client, sleeps } = hub(server);
    assert.ok((await client.modelInfo('google-bert/bert-base-uncased')).ok);
    assert.deepEqual(sleeps, [1000]);
    server.assertAllUsed();
  });

  it('gives up quickly on a 429 storm that exceeds the retry budget', async () => {
    const storm: ReplayResponse = { status: 429, headers: { RateLimit: '"api";r=0;t=55' } };
    const server = await serve({ [`GET ${BERT}`]: [storm, storm] });
    const { client, sleeps } = hub(server);
    const started = Date.now();
    const r = failure(await client.modelInfo('google-bert/bert-base-uncased'));
    assert.deepEqual([r.reason, r.status], ['rate-limited', 429]);
    assert.deepEqual(sleeps, [55_000]);
    assert.ok(Date.now() - started < 1000);
    server.assertAllUsed();
  });

  it('retries a 500, then succeeds; a 5xx that persists is a server-error', async () => {
    const server = await serve({
      [`GET ${BERT}`]: [{ status: 500 }, jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json')],
      'GET /api/models/a/b?blobs=true': Array.from({ length: 3 }, () => ({ status: 502 })),
    });
    const { client } = hub(server, { maxRetries: 2 });
    assert.ok((await client.modelInfo('google-bert/bert-base-uncased')).ok);
    assert.deepEqual(failure(await client.modelInfo('a/b')).reason, 'server-error');
    server.assertAllUsed();
  });

  it('turns a hanging response into a timeout', async () => {
    const server = await serve({ [`GET ${BERT}`]: [{ status: 200, hang: true }, { status: 200, hang: true }] });
    const r = failure(await hub(server, { timeoutMs: 200, maxRetries: 1 }).client.modelInfo('google-bert/bert-base-uncased'));
    assert.equal(r.reason, 'timeout');
    server.assertAllUsed();
  });

  it('rejects ids that could escape the API path, without a request', async () => {
    const server = await serve();
    const { client } = hub(server);
    for (const id of ['', '../x', 'a/../b', 'a/b/c', 'a//b']) assert.equal(failure(await client.modelInfo(id)).reason, 'not-found');
    assert.equal(failure(await client.modelInfo('a/b', '')).reason, 'not-found');
    assert.equal(server.requests.length, 0);
  });
});

describe('HubClient: offline, cache and token', () => {
  it('offline makes zero requests: a miss is "offline", a cached entry is served', async () => {
    await withTempDir(async (dir) => {
      const server = await serve(); // any request is unexpected
      const cache = new ResponseCache(dir);
      const offline = hub(server, { offline: true, cache }).client;
      assert.equal(failure(await offline.modelInfo('google-bert/bert-base-uncased')).reason, 'offline');
      await cache.set({ kind: 'model', repoId: 'google-bert/bert-base-uncased' }, { body: hfFixture('model_info_google-bert__bert-base-uncased.blobs.json'), canonicalId: 'google-bert/bert-base-uncased', resolvedSha: BERT_SHA, fetchedAt: '2025-01-22T18:24:45.000Z' });
      const r = await hub(server, { offline: true, cache }).client.modelInfo('google-bert/bert-base-uncased');
      assert.deepEqual([r.ok, r.ok && r.fromCache, r.ok && r.sha], [true, true, BERT_SHA]);
      assert.equal(server.requests.length, 0);
      server.assertAllUsed();
    });
  });

  it('a sha-pinned look-up is served from the cache by a new client with zero requests', async () => {
    await withTempDir(async (dir) => {
      const path = `/api/models/deepset/roberta-base-squad2/revision/${ROBERTA_SHA}?blobs=true`;
      const server = await serve({ [`GET ${path}`]: jsonFixture('model_info_deepset__roberta-base-squad2.json') });
      const first = await hub(server, { cache: new ResponseCache(dir) }).client.modelInfo('deepset/roberta-base-squad2', ROBERTA_SHA);
      const { client } = hub(server, { cache: new ResponseCache(dir) });
      const second = await client.modelInfo('deepset/roberta-base-squad2', ROBERTA_SHA);
      assert.deepEqual([second.ok && second.fromCache, client.stats], [true, { requests: 0, cacheHits: 1 }]);
      assert.deepEqual(second.ok && second.value, first.ok && first.value);
      assert.equal(server.requests.length, 1);
      server.assertAllUsed();
    });
  });

  it('revalidates a branch entry with If-None-Match and serves the cached body on 304; the resolved sha is cached too', async () => {
    await withTempDir(async (dir) => {
      const etag = 'W/"1144-0lLZ4rZ6fR3gbhjw06/nTxkknu0"';
      const server = await serve({ [`GET ${BERT}`]: [jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json', { ETag: etag }), { status: 304, headers: { ETag: etag } }] });
      const first = await hub(server, { cache: new ResponseCache(dir) }).client.modelInfo('google-bert/bert-base-uncased');
      const second = await hub(server, { cache: new ResponseCache(dir) }).client.modelInfo('google-bert/bert-base-uncased');
      assert.equal(server.requests[1]?.headers['if-none-match'], etag);
      assert.deepEqual([second.ok && second.fromCache, second.ok && second.value], [true, first.ok && first.value]);
      const pinned = await hub(server, { cache: new ResponseCache(dir) }).client.modelInfo('google-bert/bert-base-uncased', BERT_SHA);
      assert.deepEqual([pinned.ok && pinned.fromCache, server.requests.length], [true, 2]);
      server.assertAllUsed();
    });
  });

  it('asks once for a repo referenced many times', async () => {
    const server = await serve({ [`GET ${BERT}`]: jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json') });
    const { client } = hub(server);
    const all = await Promise.all(Array.from({ length: 5 }, () => client.modelInfo('google-bert/bert-base-uncased')));
    assert.ok(all.every((r) => r.ok));
    assert.equal(server.requests.length, 1);
  });

  it('sends the token to the endpoint and never lets it into a message, a result or the cache', async () => {
    await withTempDir(async (dir) => {
      const echo = { 'X-Error-Message': `bad token ${TOKEN}` };
      const server = await serve({
        [`GET ${BERT}`]: jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json', { ETag: '"e"' }),
        'GET /api/models/p/private?blobs=true': { status: 401, headers: echo },
        'GET /api/models/g/gated?blobs=true': { status: 403, headers: { 'X-Error-Code': 'GatedRepo', ...echo } },
        'GET /api/models/n/missing?blobs=true': { status: 404, headers: { 'X-Error-Code': 'RepoNotFound', ...echo } },
        'GET /api/models/r/limited?blobs=true': { status: 429, headers: { 'Retry-After': '3600', ...echo } },
        'GET /api/models/m/malformed?blobs=true': { status: 200, body: `{"error": "${TOKEN}"` },
        'GET /api/models/e/echo?blobs=true': { status: 200, body: JSON.stringify({ id: 'e/echo', note: TOKEN }) },
        'GET /api/models/t/slow?blobs=true': { status: 200, hang: true },
        'GET /api/models/x/moved?blobs=true': { status: 307, headers: { Location: `http://localhost:1/steal?t=${TOKEN}` } },
      });
      const { client } = hub(server, { token: TOKEN, cache: new ResponseCache(dir), timeoutMs: 200, maxRetries: 0 });
      const ids = ['google-bert/bert-base-uncased', 'p/private', 'g/gated', 'n/missing', 'r/limited', 'm/malformed', 'e/echo', 't/slow', 'x/moved'];
      const results = await Promise.all(ids.map((id) => client.modelInfo(id)));
      assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.reason)), ['ok', 'unauthorized', 'gated', 'not-found', 'rate-limited', 'malformed', 'ok', 'timeout', 'network']);
      assert.ok(server.requests.every((r) => r.headers['authorization'] === `Bearer ${TOKEN}`), 'every request carried the token');
      assert.ok(!JSON.stringify(results).includes(TOKEN), 'no HubResult contains the token');
      const files = await readdir(dir, { recursive: true, withFileTypes: true });
      const contents = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
      assert.ok(contents.length >= 2, 'the successful look-up was cached');
      assert.ok(contents.every((c) => !c.includes(TOKEN)), 'no cache file contains the token');
      server.assertAllUsed();
    });
  });
});

describe('resolveHfToken and redact', () => {
  it('prefers --hf-token-file, then HF_TOKEN, then $HF_HOME/token, trimming and ignoring empties', async () => {
    await withTempDir(async (dir) => {
      const hfHome = join(dir, 'hf');
      await mkdir(hfHome);
      await writeFile(join(hfHome, 'token'), 'hf_fromHomeFile\n');
      await writeFile(join(dir, 'explicit'), '  hf_fromFlag\r\n');
      const env = { HF_TOKEN: ' hf_fromEnv ', HF_HOME: hfHome };
      assert.equal(await resolveHfToken({ env, tokenFile: join(dir, 'explicit') }), 'hf_fromFlag');
      assert.equal(await resolveHfToken({ env }), 'hf_fromEnv');
      assert.equal(await resolveHfToken({ env: { HF_TOKEN: '', HF_HOME: hfHome } }), 'hf_fromHomeFile');
      assert.equal(await resolveHfToken({ env: {}, homeDir: dir }), undefined, '~/.cache/huggingface/token absent');
      await mkdir(join(dir, '.cache', 'huggingface'), { recursive: true });
      await writeFile(join(dir, '.cache', 'huggingface', 'token'), 'hf_default');
      assert.equal(await resolveHfToken({ env: {}, homeDir: dir }), 'hf_default');
      await writeFile(join(hfHome, 'token'), '   \n');
      assert.equal(await resolveHfToken({ env: { HF_HOME: hfHome } }), undefined);
    });
  });

  it('makes an unreadable --hf-token-file a usage error that names the file, not a token', async () => {
    await assert.rejects(resolveHfToken({ env: { HF_TOKEN: TOKEN }, tokenFile: '/nonexistent/mlbom-token' }), (err: unknown) => {
      assert.ok(err instanceof MlbomError && err.code === 'USAGE');
      assert.match(err.message, /\/nonexistent\/mlbom-token/);
      assert.ok(!err.message.includes(TOKEN));
      return true;
    });
  });

  it('redacts the token and any Bearer credential', () => {
    assert.equal(redact(`a ${TOKEN} b ${TOKEN}`, TOKEN), 'a [REDACTED] b [REDACTED]');
    assert.equal(redact('Authorization: Bearer hf_other123', undefined), 'Authorization: Bearer [REDACTED]');
    assert.equal(redact('nothing here', ''), 'nothing here');
  });
});
