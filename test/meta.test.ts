import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FILE_SCANNERS, FOLDER_SCANNERS, SOURCE_SCANNERS } from '../src/scanners/registry.js';
import { compareCodePoints } from '../src/util/sort.js';
import { repoRoot } from './helpers.js';

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
