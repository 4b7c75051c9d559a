import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FILE_SCANNERS, FOLDER_SCANNERS, SOURCE_SCANNERS } from '../src/scanners/registry.js';
import { compareCodePoints } from '../src/util/sort.js';
import { repoRoot, withTempDir } from './helpers.js';

const scannerDirs = readdirSync(join(repoRoot, 'src', 'scanners')).filter((d) => statSync(join(repoRoot, 'src', 'scanners', d)).isDirectory()).sort(compareCodePoints);

describe('meta: every scanner folder is registered, tested and has fixtures', () => {
  it('registers each folder under src/scanners/ exactly once', () => {
    const registered = [...FILE_SCANNERS.map((s) => s.name), ...SOURCE_SCANNERS.map((s) => s.name), ...FOLDER_SCANNERS].sort(compareCodePoints);
    assert.deepEqual(registered, scannerDirs);
  });

  for (const name of scannerDirs) {
    it(`${name} has fixtures, a generator and a test file`, () => {
      const fixtures = join(repoRoot, 'fixtures', 'scanners', name);
      assert.ok(existsSync(fixtures) && readdirSync(fixtures).length > 0, `fixtures/scanners/${name}/`);
      assert.ok(existsSync(join(repoRoot, 'fixtures', 'generate', `${name}.mjs`)), `fixtures/generate/${name}.mjs`);
      assert.ok(existsSync(join(repoRoot, 'test', 'scanners', `${name}.test.ts`)), `test/scanners/${name}.test.ts`);
    });
  }
});

describe('meta: early hashing knows every weight extension', () => {
  it('looksLikeWeights matches every extension a model scanner claims (index JSON files aside)', async () => {
    const { looksLikeWeights } = await import('../src/discover/weight-names.js');
    for (const s of FILE_SCANNERS) {
      for (const ext of [...s.extensions, ...(s.weakExtensions ?? [])]) {
        if (ext.endsWith('.json')) continue; // shard indexes: small JSON, hashed with the rest
        assert.equal(looksLikeWeights(`models/x/model${ext.startsWith('.') ? ext : `/${ext}`}`), true, `${s.name}: ${ext}`);
        assert.equal(looksLikeWeights(`models/x/MODEL${ext.toUpperCase().startsWith('.') ? ext.toUpperCase() : `/${ext.toUpperCase()}`}`), true, `${s.name}: ${ext} in capitals`);
      }
    }
    for (const p of ['src/app.py', 'README.md', 'data/train.csv', 'models/x/config.json', 'bin/tool']) assert.equal(looksLikeWeights(p), false, p);
  });
});

describe('meta: source scanners load on their first file', () => {
  const modules = {
    'code-refs': () => import('../src/scanners/code-refs/index.js'),
    'config-refs': () => import('../src/scanners/config-refs/index.js'),
    'prompt-files': () => import('../src/scanners/prompt-files/index.js'),
    'dataset-files': () => import('../src/scanners/dataset-files/index.js'),
    pip: () => import('../src/scanners/pip/index.js'),
    conda: () => import('../src/scanners/conda/index.js'),
    npm: () => import('../src/scanners/npm/index.js'),
    'download-urls': () => import('../src/scanners/download-urls/index.js'),
  } as const;

  it('each registry entry is named, claims and caps as its scanner, and scans to the same result', async () => {
    assert.deepEqual(SOURCE_SCANNERS.map((s) => s.name), Object.keys(modules));
    const { LOADED_SOURCE_SCANNERS } = await import('../src/scanners/source-scanners.js');
    assert.deepEqual(LOADED_SOURCE_SCANNERS.map((s) => s.name), Object.keys(modules));
    const text = 'from transformers import AutoModel\nAutoModel.from_pretrained("org/model")\n';
    for (const entry of SOURCE_SCANNERS) {
      const real = (await modules[entry.name as keyof typeof modules]()).scanner;
      assert.equal(entry.name, real.name);
      assert.equal(entry.claims, real.claims, `${entry.name}: the registry's claims must be the scanner's own function`);
      assert.equal(entry.maxBytes, real.maxBytes, entry.name);
      const ctx = { path: 'src/app.py', exists: () => false };
      assert.deepEqual(await entry.scan(text, ctx), await real.scan(text, ctx), entry.name);
    }
  });

  it('a scan of weights alone loads no source scanner, nor yaml, semver or smol-toml', async () => {
    // Log every module the scan loads, through a loader hook in a fresh process.
    const hooks = `export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
    const scanModule = new URL('../src/scan.js', import.meta.url).href;
    const loaded = (dir: string): string[] => {
      const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', `import { scan } from ${JSON.stringify(scanModule)}; await scan(${JSON.stringify(dir)});`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      return [...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1] as string);
    };
    const scannerIndexes = (urls: string[]): string[] => urls.map((u) => /\/scanners\/([\w-]+)\/index\.js$/.exec(u)?.[1]).filter((n): n is string => n !== undefined && n in modules).sort(compareCodePoints);
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, 'weights'));
      writeFileSync(join(dir, 'weights', 'model.safetensors'), safetensorsBytes());
      const weightsOnly = loaded(dir);
      assert.ok(weightsOnly.some((u) => u.endsWith('/scanners/safetensors/index.js')), 'the safetensors scanner ran');
      assert.deepEqual(scannerIndexes(weightsOnly), []);
      assert.equal(weightsOnly.some((u) => /\/node_modules\/(yaml|semver|smol-toml)\//.test(u)), false, weightsOnly.filter((u) => u.includes('node_modules')).join('\n'));
      writeFileSync(join(dir, 'requirements.txt'), 'torch==2.1.0\n');
      // One source file loads them all: one import, as before they were lazy.
      assert.deepEqual(scannerIndexes(loaded(dir)), Object.keys(modules).sort(compareCodePoints));
    });
  });
});

/** The smallest valid safetensors file: an 8-byte header length, then an empty JSON header. */
function safetensorsBytes(): Buffer {
  const header = Buffer.from('{}        ');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header]);
}
