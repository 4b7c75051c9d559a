import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diffBoms, parseBomText, renderDiff, type DiffResult } from '../src/diff/index.js';
import { fixturePath, repoRoot, runCli, withTempDir } from './helpers.js';

const V1 = fixturePath('diff', 'v1.cdx.json');
const V2 = fixturePath('diff', 'v2.cdx.json');

/** `mlbom diff …` through the real CLI, in-process. */
function runDiff(argv: string[], cwd = repoRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['diff', ...argv], { cwd });
}

async function load(path: string): Promise<ReturnType<typeof parseBomText>> {
  return parseBomText(await readFile(path, 'utf8'), path);
}

async function v1v2(): Promise<DiffResult> {
  return diffBoms(await load(V1), await load(V2));
}

describe('diff: golden outputs for the v1/v2 pair', () => {
  for (const [format, ext] of [['text', 'txt'], ['markdown', 'md'], ['json', 'json']] as const) {
    it(`${format} matches fixtures/diff/v1-v2.${ext}`, async () => {
      const r = await runDiff([V1, V2, '--format', format]);
      assert.equal(r.code, 0, r.stderr);
      const golden = fixturePath('diff', `v1-v2.${ext}`);
      if (process.env.UPDATE_GOLDEN === '1') await writeFile(golden, r.stdout);
      assert.equal(r.stdout, await readFile(golden, 'utf8'));
    });
  }
});

describe('diff: what it reports', () => {
  it('reports every change kind, under the right asset type', async () => {
    const r = await v1v2();
    const kinds = new Set(r.changes.map((c) => c.kind));
    for (const k of ['added', 'removed', 'version-changed', 'hash-changed', 'integrity', 'license-changed', 'task-changed', 'architecture-changed',
      'dataset-added', 'dataset-removed', 'metric-changed', 'considerations-changed', 'pedigree-changed', 'quantization-changed', 'format-changed',
      'service-changed', 'finding-added', 'finding-resolved', 'property-changed'] as const) assert.ok(kinds.has(k), k);
    const find = (name: string, kind: string, field?: string) => r.changes.find((c) => c.name === name && c.kind === kind && (field === undefined || c.field === field));
    assert.equal(find('torch', 'version-changed')?.severity, 'minor');
    assert.equal(find('numpy', 'version-changed')?.severity, 'major');
    assert.equal(find('requests', 'version-changed')?.severity, 'patch');
    assert.equal(find('urllib3', 'version-changed')?.severity, 'downgrade');
    assert.equal(find('FacebookAI/roberta-base', 'version-changed')?.severity, 'commit');
    assert.equal(find('FacebookAI/roberta-base', 'hash-changed')?.assetType, 'model');
    assert.equal(find('transformers', 'integrity')?.assetType, 'package');
    assert.equal(find('demo-chat.gguf', 'integrity')?.assetType, 'model');
    assert.equal(find('leftpad', 'license-changed')?.after, 'GPL-3.0-only OR MIT');
    const acc = find('sentiment-bert', 'metric-changed', 'metric:accuracy @ SST-2 validation');
    assert.deepEqual([acc?.before, acc?.after, acc?.delta, acc?.severity], ['0.912', '0.897', -0.015, 'regression']);
    assert.equal(find('sentiment-bert', 'metric-changed', 'metric:loss')?.severity, 'improvement');
    assert.equal(find('sentiment-bert', 'dataset-added')?.after, 'pkg:huggingface/stanfordnlp/imdb');
    assert.equal(find('Mistral API', 'added')?.assetType, 'service');
    assert.equal(find('churn-model.pkl', 'added')?.pickle, true);
    assert.equal(find('triage.prompt.yml', 'hash-changed')?.assetType, 'prompt');
    // Matched by evidence path although its name and bom-ref both changed.
    assert.equal(find('support-tickets', 'hash-changed')?.assetType, 'dataset');
    assert.equal(r.changes.filter((c) => c.kind === 'removed').length, 2);
  });

  it('ignores noise: a BOM against itself, reordered, with renamed bom-refs', async () => {
    const text = await readFile(V2, 'utf8');
    const bom = JSON.parse(text) as { components: { 'bom-ref'?: string }[]; serialNumber: string; metadata: { timestamp: string } };
    assert.equal(diffBoms(await load(V2), await load(V2)).changes.length, 0);
    bom.components.reverse();
    // Rename every bom-ref, and the references to them, as another run of a tool might.
    const renamed = JSON.parse(JSON.stringify(bom).replace(/"(bom-ref|ref)":\s*"([^"]+)"/g, (_m, k: string, v: string) => `"${k}": "renamed-${v.length}-${v}"`)) as typeof bom;
    Object.assign(bom, renamed);
    assert.match(JSON.stringify(bom), /renamed-/);
    bom.serialNumber = 'urn:uuid:33333333-3333-4333-8333-333333333333';
    bom.metadata.timestamp = '2030-01-01T00:00:00Z';
    const r = diffBoms(await load(V2), parseBomText(JSON.stringify(bom), 'x'));
    assert.deepEqual(r.changes.map((c) => `${c.kind} ${c.name}`), []);
  });

  it('swapping OLD and NEW inverts added and removed', async () => {
    const fwd = await v1v2();
    const back = diffBoms(await load(V2), await load(V1));
    const names = (r: DiffResult, k: string) => r.changes.filter((c) => c.kind === k).map((c) => c.name).sort();
    assert.deepEqual(names(back, 'added'), names(fwd, 'removed'));
    assert.deepEqual(names(back, 'removed'), names(fwd, 'added'));
    assert.equal(back.changes.find((c) => c.name === 'urllib3')?.severity, 'major');
    assert.equal(back.changes.find((c) => c.name === 'torch')?.severity, 'downgrade');
  });

  it('reads XML: the demo golden in JSON and XML is the same BOM', async () => {
    const r = diffBoms(await load(fixturePath('golden', 'demo-project.cdx.json')), await load(fixturePath('golden', 'demo-project.cdx.xml')));
    assert.deepEqual(r.changes, []);
  });

  it('a cdxgen-shaped BOM diffs without errors against an mlbom BOM', async () => {
    const r = await runDiff([fixturePath('card', 'cdxgen-python.cdx.json'), fixturePath('golden', 'demo-project.cdx.json'), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as DiffResult;
    assert.equal(j.version, 1);
    assert.ok(j.changes.some((c) => c.kind === 'removed' && c.name === 'FacebookAI/roberta-base'));
  });

  it('a syft-shaped 1.4 BOM (cpe, syft properties, no bom-ref kinds) diffs by purl', () => {
    const syft = (v: string, extra: object[]) => JSON.stringify({
      bomFormat: 'CycloneDX', specVersion: '1.4', serialNumber: `urn:uuid:${v}`, version: 1,
      metadata: { timestamp: v, tools: [{ vendor: 'anchore', name: 'syft', version: v }] },
      components: [
        { 'bom-ref': `pkg:pypi/torch@${v}?package-id=${v}`, type: 'library', name: 'torch', version: v, cpe: `cpe:2.3:a:torch:torch:${v}`, purl: `pkg:pypi/torch@${v}`,
          properties: [{ name: 'syft:package:foundBy', value: 'python-installed-package-cataloger' }] },
        ...extra,
      ],
    });
    const r = diffBoms(parseBomText(syft('2.0.0', []), 'a'), parseBomText(syft('2.1.0', [{ type: 'file', name: '/app/model.pkl', hashes: [{ alg: 'SHA-1', content: 'ab' }] }]), 'b'));
    assert.deepEqual(r.changes.map((c) => `${c.assetType} ${c.kind} ${c.name} ${c.severity ?? ''}${c.pickle ? ' pickle' : ''}`), [
      'package version-changed torch minor',
      'other added /app/model.pkl  pickle',
    ]);
  });

  it('renders "no changes" in every format', async () => {
    const r = diffBoms(await load(V1), await load(V1));
    assert.equal(renderDiff(r, 'text'), 'No changes.\n');
    assert.match(renderDiff(r, 'markdown'), /No changes/);
    assert.equal((JSON.parse(renderDiff(r, 'json')) as DiffResult).changes.length, 0);
  });
});

describe('diff: gates and errors', () => {
  const cases: [string, number][] = [
    ['added', 1], ['removed', 1], ['model-changed', 1], ['hash-changed', 1], ['integrity', 1], ['license-changed', 1],
    ['dataset-changed', 1], ['metric-regressed', 1], ['metric-regressed:0.01', 1], ['metric-regressed:0.02', 0],
    ['new-service', 1], ['new-pickle', 1], ['finding-added', 1], ['any', 1],
  ];
  for (const [rule, code] of cases) {
    it(`--fail-on ${rule} → exit ${code}`, async () => {
      const r = await runDiff([V1, V2, '--fail-on', rule, '--format', 'json']);
      assert.equal(r.code, code, r.stderr);
    });
  }

  it('no rule matches on identical BOMs → exit 0', async () => {
    assert.equal((await runDiff([V1, V1, '--fail-on', 'any'])).code, 0);
  });

  it('reverse direction: new-service, new-pickle and added do not match', async () => {
    assert.equal((await runDiff([V2, V1, '--fail-on', 'new-service,new-pickle,finding-added'])).code, 1); // finding-added: unpinned-base-model comes back
    assert.equal((await runDiff([V2, V1, '--fail-on', 'new-service,new-pickle'])).code, 0);
  });

  it('a bad rule exits 2', async () => {
    for (const bad of ['nope', 'added:3', 'metric-regressed:x', 'metric-regressed:-1', ',']) {
      const r = await runDiff([V1, V2, '--fail-on', bad]);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--fail-on/);
    }
  });

  it('bad input exits 2 with one line', async () => {
    await withTempDir(async (dir) => {
      const files: Record<string, string> = {
        'text.json': 'hello',
        'other.json': '{"name":"not a bom"}',
        'truncated.json': (await readFile(V1, 'utf8')).slice(0, 500),
        'bad.xml': '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>',
        'other.xml': '<project><x/></project>',
        'spec.json': '{"bomFormat":"CycloneDX","specVersion":"9.9"}',
        'array.json': '[1,2]',
      };
      for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
      for (const name of [...Object.keys(files), 'missing.json']) {
        const r = await runDiff([V1, join(dir, name)]);
        assert.equal(r.code, 2, name);
        assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: ${r.stderr}`);
        assert.equal(r.stdout, '');
      }
    });
  });

  it('-o writes the report to a file', async () => {
    await withTempDir(async (dir) => {
      const r = await runDiff([V1, V2, '--format', 'markdown', '-o', join(dir, 'out.md')]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.equal(await readFile(join(dir, 'out.md'), 'utf8'), await readFile(fixturePath('diff', 'v1-v2.md'), 'utf8'));
    });
  });

  it('--color adds ANSI codes to text only when asked', async () => {
    assert.doesNotMatch((await runDiff([V1, V2])).stdout, /\u001b\[/);
    assert.match((await runDiff([V1, V2, '--color'])).stdout, /\u001b\[/);
  });
});
