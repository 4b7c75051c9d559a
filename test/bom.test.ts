import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBom } from '../src/bom/build.js';
import { serializeBom } from '../src/bom/serialize.js';
import { SPEC_VERSIONS } from '../src/bom/spec-features.js';
import { validateBomText } from '../src/bom/validate.js';
import type { Asset, Inventory } from '../src/types.js';

const SHA = 'a'.repeat(64);

function model(over: Partial<Asset> = {}): Asset {
  return {
    id: 'model:models/bert',
    kind: 'model',
    name: 'bert',
    scanners: ['hf-model-dir', 'safetensors'],
    locations: [{ path: 'models/bert' }],
    files: [
      { path: 'models/bert/model.safetensors', size: 10, role: 'weights', sha256: SHA, scan: { format: 'safetensors', parsed: true, props: { tensor_count: 2, dtypes: ['F32', 'F16'] }, model: { parameterCount: 5 } } },
      { path: 'models/bert/config.json', size: 3, role: 'config', sha256: 'b'.repeat(64) },
    ],
    props: { model_type: 'bert' },
    model: {
      task: 'text-classification',
      architectureFamily: 'bert',
      architecture: 'BertForSequenceClassification',
      licenses: ['apache-2.0'],
      baseModels: ['google-bert/bert-base-uncased'],
      datasets: ['stanfordnlp/sst2'],
      metrics: [{ type: 'accuracy', value: '0.9', slice: 'text-classification on SST-2' }],
    },
    parsed: true,
    ...over,
  };
}

function dataset(): Asset {
  return {
    id: 'dataset:hf:stanfordnlp/sst2',
    kind: 'dataset',
    name: 'sst2',
    group: 'stanfordnlp',
    scanners: ['hf-model-dir'],
    locations: [{ path: 'models/bert/README.md' }],
    files: [],
    props: {},
    model: {},
    parsed: true,
  };
}

const inventory: Inventory = { root: { name: 'demo', version: '1.0.0', absPath: '/x' }, assets: [model(), dataset()], relationships: [], issues: [] };

describe('bom: build and serialize', () => {
  for (const specVersion of SPEC_VERSIONS) {
    for (const format of ['json', 'xml'] as const) {
      it(`writes a schema-valid ${format.toUpperCase()} BOM for spec ${specVersion}`, async () => {
        const text = serializeBom(buildBom(inventory), { format, specVersion });
        const result = await validateBomText(text, { json: 'library' });
        assert.deepEqual(result.errors, []);
        assert.equal(result.valid, true);
        assert.equal(result.specVersion, specVersion);
        // The fields the library would drop are there.
        for (const needle of ['modelCard', 'pedigree', 'occurrences', 'text-classification', 'dataset:hf:stanfordnlp/sst2']) {
          assert.ok(text.includes(needle), `${needle} missing from ${format} ${specVersion}`);
        }
      });
    }
  }

  it('maps the model card, lineage, datasets and files into the JSON shape CycloneDX defines', () => {
    const bom = JSON.parse(serializeBom(buildBom(inventory), { format: 'json', specVersion: '1.6' }));
    const m = bom.components.find((c: { 'bom-ref': string }) => c['bom-ref'] === 'model:models/bert');
    assert.equal(m.type, 'machine-learning-model');
    assert.deepEqual(m.modelCard.modelParameters, {
      task: 'text-classification',
      architectureFamily: 'bert',
      modelArchitecture: 'BertForSequenceClassification',
      datasets: [{ ref: 'dataset:hf:stanfordnlp/sst2' }],
    });
    assert.deepEqual(m.modelCard.quantitativeAnalysis.performanceMetrics, [{ type: 'accuracy', value: '0.9', slice: 'text-classification on SST-2' }]);
    assert.equal(m.pedigree.ancestors[0].purl, 'pkg:huggingface/google-bert/bert-base-uncased');
    assert.equal(m.pedigree.ancestors[0].group, 'google-bert');
    assert.deepEqual(m.licenses, [{ license: { id: 'Apache-2.0' } }]);
    assert.deepEqual(m.components.map((c: { name: string }) => c.name), ['config.json', 'model.safetensors']);
    const weights = m.components[1];
    assert.deepEqual(weights.hashes, [{ alg: 'SHA-256', content: SHA }]);
    assert.deepEqual(weights.evidence, { occurrences: [{ location: 'models/bert/model.safetensors' }] });
    const props = Object.fromEntries(weights.properties.map((p: { name: string; value: string }) => [p.name, p.value]));
    assert.equal(props['mlbom:format'], 'safetensors');
    assert.equal(props['mlbom:role'], 'weights');
    assert.equal(props['mlbom:tensor_count'], '2');
    const d = bom.components.find((c: { type: string }) => c.type === 'data');
    assert.deepEqual(d.data, [{ type: 'dataset', name: 'stanfordnlp/sst2' }]);
    const rootDeps = bom.dependencies.find((x: { ref: string }) => x.ref === 'project:demo');
    assert.deepEqual(rootDeps.dependsOn, ['dataset:hf:stanfordnlp/sst2', 'model:models/bert']);
    const modelDeps = bom.dependencies.find((x: { ref: string }) => x.ref === 'model:models/bert');
    assert.deepEqual(modelDeps.dependsOn, ['dataset:hf:stanfordnlp/sst2']);
    assert.equal(bom.metadata.tools.components[0].name, 'mlbom');
    assert.equal(bom.metadata.timestamp, undefined);
    assert.equal(bom.serialNumber, undefined);
  });

  it('writes occurrence lines for 1.6 and leaves them out for 1.5, where the schema has none', () => {
    const inv: Inventory = { ...inventory, assets: [model({ locations: [{ path: 'src/app.py', line: 12 }] })] };
    const v16 = JSON.parse(serializeBom(buildBom(inv), { format: 'json', specVersion: '1.6' }));
    const v15 = JSON.parse(serializeBom(buildBom(inv), { format: 'json', specVersion: '1.5' }));
    assert.deepEqual(v16.components[0].evidence.occurrences, [{ location: 'src/app.py', line: 12 }]);
    assert.deepEqual(v15.components[0].evidence.occurrences, [{ location: 'src/app.py' }]);
  });

  it('records an unparsed model-format file as a file, not a model, with the reason', async () => {
    const bad: Asset = model({
      id: 'model:bad.safetensors',
      name: 'bad.safetensors',
      files: [{ path: 'bad.safetensors', size: 5, role: 'weights', sha256: SHA, scan: { format: 'safetensors', parsed: false, reason: 'header length 100 exceeds file size 5', props: {}, model: {} } }],
      model: {},
      parsed: false,
    });
    const text = serializeBom(buildBom({ ...inventory, assets: [bad] }), { format: 'json', specVersion: '1.6' });
    assert.equal((await validateBomText(text, { json: 'library' })).valid, true);
    const c = JSON.parse(text).components[0];
    assert.equal(c.type, 'file');
    const props = Object.fromEntries(c.properties.map((p: { name: string; value: string }) => [p.name, p.value]));
    assert.equal(props['mlbom:parsed'], 'false');
    assert.equal(props['mlbom:parse_error'], 'header length 100 exceeds file size 5');
    assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: SHA }]);
  });

  it('writes the timestamp and serial number only when asked', () => {
    const text = serializeBom(buildBom(inventory, { timestamp: new Date(0), serialNumber: 'urn:uuid:00000000-0000-4000-8000-000000000000' }), { format: 'json', specVersion: '1.6' });
    const bom = JSON.parse(text);
    assert.equal(bom.metadata.timestamp, '1970-01-01T00:00:00.000Z');
    assert.equal(bom.serialNumber, 'urn:uuid:00000000-0000-4000-8000-000000000000');
  });

  it('orders components by code point whatever order the inventory lists them in', () => {
    const one = (id: string): Asset => model({ id: `model:${id}`, name: id, files: [{ path: `${id}.gguf`, size: 1, role: 'weights', sha256: SHA }] });
    const [a, b, c] = [one('B'), one('a'), one('_')] as [Asset, Asset, Asset];
    const text1 = serializeBom(buildBom({ ...inventory, assets: [a, b, c] }), { format: 'json', specVersion: '1.6' });
    const text2 = serializeBom(buildBom({ ...inventory, assets: [c, b, a] }), { format: 'json', specVersion: '1.6' });
    assert.equal(text1, text2);
    // Code-point order: 'B' (0x42) < '_' (0x5f) < 'a' (0x61); a locale sort would put '_' first.
    assert.deepEqual(JSON.parse(text1).components.map((x: { name: string }) => x.name), ['B', '_', 'a']);
  });
});
