import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath, runCli, schemaErrors, withTempDir } from './helpers.js';
import { jsonFixture, ReplayServer, type ReplayResponse } from './enrich/replay-server.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- test access to parsed BOMs */
type Json = any;

const ROBERTA_SHA = 'adc3b06f79f797d1c575d5479d6f5efe54a9e3b4';
const TINY_SHA = '1111111111111111111111111111111111111111';
const TAMPERED_SHA = '2222222222222222222222222222222222222222';
const TOKEN = 'hf_TESTTOKENabcdefghijklmnopqrstuvwxyz01';

const APP = `from transformers import AutoModel, pipeline
from datasets import load_dataset
from huggingface_hub import snapshot_download

bert = AutoModel.from_pretrained("google-bert/bert-base-uncased")
qa = pipeline("question-answering", model="deepset/roberta-base-squad2", revision="${ROBERTA_SHA}")
old = AutoModel.from_pretrained("bert-base-uncased")
gated = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B")
reviews = load_dataset("mlbom-fixtures/tiny-reviews")
snapshot_download(repo_id="mlbom-fixtures/tiny-bert", revision="${TINY_SHA}", local_dir="models/tiny-copy")
`;

/** A project with code references and two local Hub cache snapshots (one tampered). */
async function project(root: string): Promise<string> {
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(join(root, 'src', 'app.py'), APP);
  const weights = await readFile(fixturePath('scanners', 'safetensors', 'tiny.safetensors'));
  for (const [repo, sha] of [['tiny-bert', TINY_SHA], ['tampered-bert', TAMPERED_SHA]] as const) {
    const snap = join(root, 'hub', `models--mlbom-fixtures--${repo}`, 'snapshots', sha);
    await mkdir(snap, { recursive: true });
    await writeFile(join(snap, 'model.safetensors'), weights);
    await writeFile(join(snap, 'config.json'), JSON.stringify({ architectures: ['BertModel'], model_type: 'bert' }));
  }
  // A pinned snapshot_download's local_dir, and a folder whose card names one base model: both copies.
  for (const [dir, card] of [['tiny-copy', ''], ['base-copy', '---\nbase_model: mlbom-fixtures/tampered-bert\nlicense: mit\n---\n# copy\n']] as const) {
    await mkdir(join(root, 'models', dir), { recursive: true });
    await writeFile(join(root, 'models', dir, 'model.safetensors'), weights);
    await writeFile(join(root, 'models', dir, 'config.json'), JSON.stringify({ architectures: ['BertModel'], model_type: 'bert' }));
    if (card !== '') await writeFile(join(root, 'models', dir, 'README.md'), card);
  }
  return createHash('sha256').update(weights).digest('hex');
}

/** A hand-recorded model_info in the Hub's blobs=true shape. */
function snapshotInfo(repo: string, sha: string, weightsSha: string): ReplayResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json', ETag: `"${sha}"` },
    body: JSON.stringify({
      _id: 'x', id: `mlbom-fixtures/${repo}`, author: 'mlbom-fixtures', sha, private: false, gated: false, disabled: false,
      pipeline_tag: 'feature-extraction', library_name: 'transformers', tags: [],
      cardData: { license: 'mit' },
      siblings: [
        { rfilename: 'config.json', size: 60, blobId: 'a'.repeat(40) },
        { rfilename: 'model.safetensors', size: 104, blobId: 'b'.repeat(40), lfs: { sha256: weightsSha, size: 104, pointerSize: 134 } },
      ],
    }),
  };
}

function routes(weightsSha: string): Record<string, ReplayResponse | ReplayResponse[]> {
  const bert = jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json');
  return {
    'GET /api/models/google-bert/bert-base-uncased?blobs=true': [bert, bert],
    [`GET /api/models/deepset/roberta-base-squad2/revision/${ROBERTA_SHA}?blobs=true`]: jsonFixture('model_info_deepset__roberta-base-squad2.json'),
    'GET /api/models/bert-base-uncased?blobs=true': { status: 307, headers: { Location: '/api/models/google-bert/bert-base-uncased?blobs=true' } },
    'GET /api/models/meta-llama/Llama-3.1-8B?blobs=true': { status: 401, headers: { 'X-Error-Code': 'GatedRepo' }, body: '{"error":"Access to model meta-llama/Llama-3.1-8B is restricted."}' },
    'GET /api/datasets/mlbom-fixtures/tiny-reviews?blobs=true': jsonFixture('dataset_info_mlbom-fixtures__tiny-reviews.json'),
    [`GET /api/models/mlbom-fixtures/tiny-bert/revision/${TINY_SHA}?blobs=true`]: snapshotInfo('tiny-bert', TINY_SHA, weightsSha),
    [`GET /api/models/mlbom-fixtures/tampered-bert/revision/${TAMPERED_SHA}?blobs=true`]: snapshotInfo('tampered-bert', TAMPERED_SHA, 'f'.repeat(64)),
    'GET /api/models/mlbom-fixtures/tampered-bert?blobs=true': snapshotInfo('tampered-bert', TAMPERED_SHA, 'f'.repeat(64)),
  };
}

function byRef(bom: Json, ref: string): Json {
  return [...bom.components, ...(bom.services ?? [])].find((c: Json) => c['bom-ref'] === ref);
}

function prop(c: Json, name: string): string[] {
  return (c.properties ?? []).filter((p: Json) => p.name === `mlbom:${name}`).map((p: Json) => p.value);
}

describe('scan with Hub enrichment (loopback Hub replaying recorded responses)', () => {
  it('resolves versions, purls, licences, lineage, datasets, metrics and upstream hashes; failures never fail the scan', async () => {
    await withTempDir(async (root) => {
      const weightsSha = await project(root);
      const server = await ReplayServer.start(routes(weightsSha));
      try {
        const cache = join(root, '.cache');
        const env = { HF_HUB_OFFLINE: undefined, HF_ENDPOINT: server.origin, HF_TOKEN: TOKEN, XDG_CACHE_HOME: cache };
        const { code, stdout, stderr } = await runCli(['scan', root, '--reproducible'], { env });
        assert.equal(code, 0, stderr);
        assert.deepEqual(await schemaErrors(stdout), []);
        server.assertAllUsed();
        assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
        const bom = JSON.parse(stdout);

        // An unpinned reference resolves to the commit the Hub serves, and stays marked unpinned.
        const bert = byRef(bom, 'model:hf:google-bert/bert-base-uncased');
        assert.equal(bert.version, '86b5e0934494bd15c9632b12f734a8a67f723594');
        assert.equal(bert.purl, 'pkg:huggingface/google-bert/bert-base-uncased@86b5e0934494bd15c9632b12f734a8a67f723594');
        assert.deepEqual(prop(bert, 'pinned'), ['false']);
        assert.deepEqual(bert.licenses, [{ license: { id: 'Apache-2.0' } }]);
        assert.deepEqual(bert.supplier, { name: 'google-bert' });
        assert.equal(bert.modelCard.modelParameters.task, 'fill-mask');
        assert.deepEqual(bert.externalReferences, [{ url: `${server.origin}/google-bert/bert-base-uncased`, type: 'website' }]);
        // The renamed id in code is the same component, with both lines as evidence.
        assert.deepEqual(bert.evidence.occurrences.map((o: Json) => o.line), [5, 7]);
        assert.equal(byRef(bom, 'model:hf:bert-base-uncased'), undefined);
        // Weights not on disk still carry their published hashes.
        const weights = bert.components.find((c: Json) => c.name === 'pytorch_model.bin');
        assert.equal(weights.hashes[0].alg, 'SHA-256');
        assert.equal(weights.hashes[0].content, '097417381d6c7230bd9e3557456d726de6e83245ec8b24f529f60198a67b203a');
        // Training datasets from the card become data components the model card links.
        const datasetRefs = bert.modelCard.modelParameters.datasets.map((d: Json) => d.ref);
        assert.ok(datasetRefs.length > 0);
        for (const ref of datasetRefs) assert.equal(byRef(bom, ref)?.type, 'data', ref);

        // A pinned reference keeps its commit; lineage and metrics come from the card.
        const roberta = byRef(bom, 'model:hf:deepset/roberta-base-squad2');
        assert.equal(roberta.version, ROBERTA_SHA);
        assert.ok(!prop(roberta, 'pinned').includes('false'));
        assert.ok(roberta.pedigree.ancestors.length > 0);
        assert.ok(roberta.modelCard.quantitativeAnalysis.performanceMetrics.length > 0);

        // The dataset gets its commit and licence.
        const reviews = byRef(bom, 'dataset:hf:mlbom-fixtures/tiny-reviews');
        assert.match(reviews.version, /^[0-9a-f]{40}$/);
        assert.ok(reviews.licenses.length > 0);

        // A gated repo keeps what the scan knew, says why, and warns once.
        const gated = byRef(bom, 'model:hf:meta-llama/Llama-3.1-8B');
        assert.deepEqual(prop(gated, 'enrichment_error'), ['gated']);
        assert.equal(stderr.split('\n').filter((l) => l.startsWith('mlbom: warning:') && l.includes('meta-llama/Llama-3.1-8B')).length, 1);

        // Local copies are checked file by file against the published LFS hashes.
        const tiny = byRef(bom, `model:hub/models--mlbom-fixtures--tiny-bert/snapshots/${TINY_SHA}`);
        assert.equal(tiny.purl, `pkg:huggingface/mlbom-fixtures/tiny-bert@${TINY_SHA}`);
        assert.deepEqual(prop(tiny, 'upstream_verification'), ['verified']);
        const tampered = byRef(bom, `model:hub/models--mlbom-fixtures--tampered-bert/snapshots/${TAMPERED_SHA}`);
        assert.deepEqual(prop(tampered, 'upstream_verification'), ['mismatch']);
        assert.match(stderr, /models--mlbom-fixtures--tampered-bert\/snapshots\/2+\/model\.safetensors: weights differ from the published Hub revision/);
        // The local_dir of a pinned snapshot_download is verified against that revision.
        const copy = byRef(bom, 'model:models/tiny-copy');
        assert.deepEqual(prop(copy, 'upstream_verification'), ['verified']);
        assert.deepEqual(prop(copy, 'upstream_repo'), [`mlbom-fixtures/tiny-bert@${TINY_SHA}`]);
        // A folder whose card names one base model and holds the same files is checked against it.
        const baseCopy = byRef(bom, 'model:models/base-copy');
        assert.deepEqual(prop(baseCopy, 'upstream_verification'), ['mismatch']);
        assert.match(stderr, /models\/base-copy\/model\.safetensors: weights differ from the published Hub revision/);
        // Each mismatch is also a high-severity finding in the BOM.
        const mismatches = bom.vulnerabilities.filter((v: Json) => v.properties.some((p: Json) => p.name === 'mlbom:rule' && p.value === 'upstream-mismatch'));
        assert.deepEqual(mismatches.map((v: Json) => v.affects[0].ref).sort(), [`model:hub/models--mlbom-fixtures--tampered-bert/snapshots/${TAMPERED_SHA}`, 'model:models/base-copy']);
        assert.ok(mismatches.every((v: Json) => v.ratings[0].severity === 'high'));

        // The token is nowhere: not in the BOM, the warnings, or the cache.
        assert.ok(!stdout.includes(TOKEN) && !stderr.includes(TOKEN));
        const cacheFiles = await readdir(join(cache, 'mlbom'), { recursive: true });
        assert.ok(cacheFiles.length > 0);
        for (const f of cacheFiles) {
          const p = join(cache, 'mlbom', String(f));
          const text = await readFile(p, 'utf8').catch(() => '');
          assert.ok(!text.includes(TOKEN), p);
        }

        // --strict turns the failed lookup into exit 1.
        server.route('GET /api/models/meta-llama/Llama-3.1-8B?blobs=true', { status: 401, headers: { 'X-Error-Code': 'GatedRepo' }, body: '{}' });
        server.route('GET /api/models/google-bert/bert-base-uncased?blobs=true', [jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json'), jsonFixture('model_info_google-bert__bert-base-uncased.blobs.json')]);
        server.route('GET /api/models/bert-base-uncased?blobs=true', { status: 307, headers: { Location: '/api/models/google-bert/bert-base-uncased?blobs=true' } });
        server.route('GET /api/datasets/mlbom-fixtures/tiny-reviews?blobs=true', jsonFixture('dataset_info_mlbom-fixtures__tiny-reviews.json'));
        server.route('GET /api/models/mlbom-fixtures/tampered-bert?blobs=true', { status: 304 });
        const before = server.requests.length;
        const strict = await runCli(['scan', root, '--reproducible', '--strict'], { env });
        assert.equal(strict.code, 1);
        // Pinned answers come from the cache: no request for the pinned roberta or the snapshots.
        const again = server.requests.slice(before).map((r) => r.path);
        assert.ok(!again.some((p) => p.includes('/revision/')), again.join('\n'));
        server.assertAllUsed();
      } finally {
        await server.close();
      }
    });
  });

  it('makes no request at all when offline', async () => {
    await withTempDir(async (root) => {
      await project(root);
      const server = await ReplayServer.start({});
      try {
        for (const env of [{ HF_HUB_OFFLINE: '1' }, { HF_HUB_OFFLINE: undefined }]) {
          const argv = env.HF_HUB_OFFLINE === '1' ? ['scan', root] : ['scan', root, '--offline'];
          const r = await runCli(argv, { env: { ...env, HF_ENDPOINT: server.origin, XDG_CACHE_HOME: join(root, '.cache') } });
          assert.equal(r.code, 0, r.stderr);
          // Findings (unpinned references…) are reported; nothing failed, so no warning.
          assert.deepEqual(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('mlbom: finding:')), []);
        }
        assert.deepEqual(server.requests, []);
        server.assertAllUsed();
      } finally {
        await server.close();
      }
    });
  });
});
