import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Asset, SourceScan } from '../../src/types.js';
import { cleanChannel, parseCondaSpec, scanner } from '../../src/scanners/conda/index.js';
import { fixturePath } from '../helpers.js';

function scanFixture(dir: string, rel: string): SourceScan {
  const base = fixturePath('scanners', 'conda', dir);
  const text = readFileSync(join(base, rel), 'utf8');
  return scanner.scan(text, { path: rel, exists: (p) => existsSync(join(base, p)) }) as SourceScan;
}

function summary(a: Asset): Record<string, unknown> {
  return {
    id: a.id,
    ...(a.version !== undefined ? { version: a.version } : {}),
    ...(a.pkg?.versionRange !== undefined ? { range: a.pkg.versionRange } : {}),
    scope: a.pkg?.scope,
    lines: a.locations.map((l) => l.line),
    purl: a.purl,
    props: a.props,
  };
}

describe('conda scanner: claims', () => {
  it('claims environment and MLflow conda files only', () => {
    for (const p of ['environment.yml', 'environment.yaml', 'envs/environment-gpu.yml', 'environment_cpu.yaml', 'model/conda.yaml', 'conda.yml']) {
      assert.equal(scanner.claims(p), true, p);
    }
    for (const p of ['env.yml', 'environments.json', 'docker-compose.yml', 'node_modules/x/environment.yml', '.venv/conda.yaml', 'conda.json']) {
      assert.equal(scanner.claims(p), false, p);
    }
    assert.equal(scanner.name, 'conda');
  });
});

describe('conda scanner: environment files', () => {
  it('reads conda specs with channels and the nested pip list', () => {
    const scan = scanFixture('research', 'environment.yml');
    assert.deepEqual(scan.issues, []);
    const m = { manifest: 'environment.yml' };
    assert.deepEqual(scan.assets.map(summary), [
      { id: 'package:conda:faiss-gpu', version: '1.8.0', scope: 'required', lines: [16], purl: 'pkg:conda/faiss-gpu@1.8.0', props: { conda_build: 'py311_h1234567_0', ...m, ai_category: 'vector-store' } },
      { id: 'package:conda:jupyterlab', scope: 'required', lines: [15], purl: 'pkg:conda/jupyterlab', props: m },
      { id: 'package:conda:numpy', version: '1.26.4', scope: 'required', lines: [11], purl: 'pkg:conda/numpy@1.26.4', props: m },
      { id: 'package:conda:pandas', range: '=2.2', scope: 'required', lines: [13], purl: 'pkg:conda/pandas', props: m },
      { id: 'package:conda:pytorch', version: '2.3.1', scope: 'required', lines: [9], purl: 'pkg:conda/pytorch@2.3.1?channel=pytorch', props: { ...m, ai_category: 'framework' } },
      { id: 'package:conda:pytorch-cuda', range: '=12.1', scope: 'required', lines: [10], purl: 'pkg:conda/pytorch-cuda', props: { ...m, ai_category: 'framework' } },
      { id: 'package:conda:scikit-learn', range: '>=1.5', scope: 'required', lines: [12], purl: 'pkg:conda/scikit-learn', props: { ...m, ai_category: 'framework' } },
      {
        id: 'package:conda:transformers', version: '4.44.2', scope: 'required', lines: [14],
        purl: 'pkg:conda/transformers@4.44.2?channel=conda-forge', props: { ...m, ai_category: 'framework' },
      },
      {
        id: 'package:pypi:langchain', version: '0.2.11', scope: 'required', lines: [22], purl: 'pkg:pypi/langchain@0.2.11',
        props: { extras: ['openai'], marker: "python_version >= '3.10'", ...m, ai_category: 'agent-framework' },
      },
      { id: 'package:pypi:openai', range: '>=1.35', scope: 'required', lines: [21], purl: 'pkg:pypi/openai', props: { ...m, ai_category: 'llm-sdk' } },
      {
        id: 'package:pypi:peft', scope: 'required', lines: [23], purl: 'pkg:pypi/peft',
        props: { source_url: 'git+https://github.com/huggingface/peft.git@v0.12.0', vcs_ref: 'v0.12.0', ...m, ai_category: 'training' },
      },
      { id: 'package:pypi:vllm', version: '0.5.3.post1', scope: 'required', lines: [20], purl: 'pkg:pypi/vllm@0.5.3.post1', props: { ...m, ai_category: 'inference' } },
    ]);
    const torch = scan.assets.find((a) => a.id === 'package:conda:pytorch')!;
    assert.deepEqual(torch.pkg, { ecosystem: 'conda', scope: 'required', ai: true });
    assert.equal(torch.name, 'pytorch');
    assert.deepEqual(torch.scanners, ['conda']);
    assert.equal(torch.confidence, 0.95);
    assert.ok(!scan.assets.some((a) => a.name === 'python' || a.name === 'pip'), 'the interpreter and installer are skipped');
  });

  it('takes dev scope from the file name and the single channel for purls', () => {
    const scan = scanFixture('research', 'environment-dev.yml');
    assert.deepEqual(scan.assets.map((a) => [a.id, a.pkg?.scope, a.purl]), [
      ['package:conda:pytest', 'dev', 'pkg:conda/pytest@8.2.2?channel=conda-forge'],
      ['package:conda:ruff', 'dev', 'pkg:conda/ruff?channel=conda-forge'],
    ]);
  });

  it('reads `conda env export` output with build strings', () => {
    const scan = scanFixture('exported', 'environment.yml');
    assert.deepEqual(scan.assets.map((a) => [a.id, a.version, a.props['conda_build'], a.locations[0]?.line]), [
      ['package:conda:_libgcc_mutex', '0.1', 'conda_forge', 5],
      ['package:conda:keras', '2.15.0', 'pyhd8ed1ab_0', 8],
      ['package:conda:libstdcxx-ng', '13.2.0', 'hc0a3c3a_7', 9],
      ['package:conda:tensorflow', '2.15.0', 'cuda120py310heab1d2e_3', 7],
    ]);
    assert.ok(!JSON.stringify(scan).includes('alice'), 'the prefix path is not recorded');
  });

  it('reads an MLflow conda.yaml', () => {
    const scan = scanFixture('mlflow-model', 'conda.yaml');
    assert.deepEqual(scan.assets.map((a) => [a.id, a.version, a.locations[0]?.line, a.props['manifest']]), [
      ['package:pypi:cloudpickle', '3.0.0', 8, 'conda.yaml'],
      ['package:pypi:mlflow', '2.14.3', 7, 'conda.yaml'],
      ['package:pypi:scikit-learn', '1.5.1', 9, 'conda.yaml'],
    ]);
  });

  it('never records channel or index credentials; reports bad specs and missing includes', () => {
    const scan = scanFixture('hostile', 'environment.yml');
    assert.ok(!/SECRET|bob/.test(JSON.stringify(scan)), JSON.stringify(scan));
    assert.deepEqual(scan.assets.map((a) => [a.id, a.purl]), [
      ['package:conda:acme-models', 'pkg:conda/acme-models@2.1.0?channel=https%3A%2F%2Fconda.acme.internal%2Fml'],
      ['package:conda:inference-kit', 'pkg:conda/inference-kit@1.0.0?channel=acme-private'],
      ['package:pypi:acme-sdk', 'pkg:pypi/acme-sdk@3.1.0'],
    ]);
    assert.deepEqual(scan.issues, [
      { path: 'environment.yml', scanner: 'conda', message: 'line 8: cannot parse conda spec' },
      { path: 'environment.yml', scanner: 'conda', message: 'line 12: included file not found: missing-requirements.txt' },
    ]);
  });

  it('reports broken YAML by position and emits nothing from it', () => {
    const scan = scanFixture('hostile', 'environment-broken.yml');
    assert.deepEqual(scan, { assets: [], relationships: [], issues: [{ path: 'environment-broken.yml', scanner: 'conda', message: 'invalid yaml at line 5' }] });
  });

  it('ignores YAML that is not a conda environment', () => {
    assert.deepEqual(scanFixture('not-conda', 'environment.yml'), { assets: [], relationships: [], issues: [] });
    const notList = scanner.scan('dependencies: numpy\n', { path: 'environment.yml', exists: () => false }) as SourceScan;
    assert.deepEqual(notList.issues.map((i) => i.message), ['dependencies is not a list']);
    const odd = scanner.scan('dependencies:\n  - 5\n  - null\n  - {pip: [1, "-r"]}\n  - "::"\nchannels: 5\n', { path: 'environment.yml', exists: () => false }) as SourceScan;
    assert.deepEqual(odd.assets, []);
    assert.deepEqual(odd.issues.map((i) => i.message), [
      'line 2: dependency is not a string', 'line 3: dependency is not a string', 'line 4: pip dependency is not a string',
      'line 4: -r without a file', 'line 5: cannot parse conda spec',
    ]);
  });

  it('refuses deeply nested documents before composing them', () => {
    const text = `dependencies: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const scan = scanner.scan(text, { path: 'environment.yml', exists: () => false }) as SourceScan;
    assert.deepEqual(scan.issues.map((i) => i.message), ['yaml nests too deeply']);
  });
});

describe('conda scanner: specs', () => {
  it('separates exact versions, fuzzy versions, ranges and builds', () => {
    assert.deepEqual(parseCondaSpec('numpy'), { name: 'numpy' });
    assert.deepEqual(parseCondaSpec('numpy=1.26.4'), { name: 'numpy', version: '1.26.4' });
    assert.deepEqual(parseCondaSpec('numpy=1.26'), { name: 'numpy', range: '=1.26' });
    assert.deepEqual(parseCondaSpec('numpy=1.26.*'), { name: 'numpy', range: '=1.26.*' });
    assert.deepEqual(parseCondaSpec('numpy==1.26'), { name: 'numpy', version: '1.26' });
    assert.deepEqual(parseCondaSpec('python>=3.10,<3.12'), { name: 'python', range: '>=3.10,<3.12' });
    assert.deepEqual(parseCondaSpec('pytorch=2.3.0=py3.11_cuda12.1_cudnn8_0'), { name: 'pytorch', version: '2.3.0', build: 'py3.11_cuda12.1_cudnn8_0' });
    assert.deepEqual(parseCondaSpec('conda-forge::pytorch=2.3.0'), { name: 'pytorch', channel: 'conda-forge', version: '2.3.0' });
    assert.deepEqual(parseCondaSpec('numpy 1.26.4 py311h_0'), { name: 'numpy', version: '1.26.4', build: 'py311h_0' });
    assert.deepEqual(parseCondaSpec('numpy 1.26.*'), { name: 'numpy', range: '1.26.*' });
    assert.deepEqual(parseCondaSpec("numpy[version='>=1.20']"), { name: 'numpy', range: "[version='>=1.20']" });
    assert.deepEqual(parseCondaSpec('numpy ??'), { error: 'cannot parse conda spec' });
    assert.equal(cleanChannel('https://conda.anaconda.org/t/secret-tok/private'), 'https://conda.anaconda.org/private');
    assert.equal(cleanChannel('conda-forge'), 'conda-forge');
  });
});
