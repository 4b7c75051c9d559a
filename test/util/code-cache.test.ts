/**
 * util/code-cache.ts: CommonJS through vm.Script with a build-time V8 code
 * cache. Whether V8 takes a cache depends on the process's V8 flags, so each
 * load runs in a child process whose flags the test chooses.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { codeCachePath, requireWithCodeCache, writeCodeCache } from '../../src/util/code-cache.js';
import { withTempDir } from '../helpers.js';

const MODULE = new URL('../../src/util/code-cache.js', import.meta.url).href;

/** Load `file` in a fresh process (no inherited flags or NODE_OPTIONS) and report what it exported and the cache state. */
function loadInChild(file: string, v8Flags: readonly string[] = []): { exports: unknown; cache: string } {
  const probe = `import { requireWithCodeCache } from ${JSON.stringify(MODULE)};
const r = requireWithCodeCache(${JSON.stringify(file)});
process.stdout.write(JSON.stringify({ exports: r.exports, cache: r.cache }));`;
  const r = spawnSync(process.execPath, [...v8Flags, '--input-type=module', '-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { exports: unknown; cache: string };
}

/** Write the cache in a fresh process too: the one running the tests may have flags of its own (coverage). */
function writeInChild(file: string, call: string): void {
  const probe = `import { writeCodeCache } from ${JSON.stringify(MODULE)};
writeCodeCache(${JSON.stringify(file)}, (m) => { ${call} });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
}

describe('code cache', () => {
  it('loads a CommonJS module as require does: its own require, __filename, __dirname, this and module.exports', async () => {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, 'lib'));
      writeFileSync(join(dir, 'lib', 'helper.cjs'), 'module.exports = (x) => x * 2;\n');
      const file = join(dir, 'lib', 'main.cjs');
      writeFileSync(file, `'use strict';
const double = require('./helper.cjs');
exports.early = this === exports;
module.exports = { double: double(21), file: __filename, dir: __dirname, early: exports.early };
`);
      const r = requireWithCodeCache(file);
      assert.equal(r.cache, 'absent');
      assert.deepEqual(r.exports, { double: 42, file, dir: join(dir, 'lib'), early: true });
    });
  });

  it('is taken by a process with the maker\'s V8 flags and refused, but still loads, under other flags', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'sum.cjs');
      writeFileSync(file, 'module.exports = { sum: [1, 2, 3].reduce((a, b) => a + b, 0), f: (n) => n + 1 };\n');
      writeInChild(file, 'm.f(1);');
      assert.ok(readFileSync(codeCachePath(file)).length > 40);
      assert.deepEqual(loadInChild(file), { exports: { sum: 6 }, cache: 'accepted' });
      assert.deepEqual(loadInChild(file, ['--no-allocation-site-pretenuring']), { exports: { sum: 6 }, cache: 'rejected' });
    });
  });

  it('never offers V8 a cache made from other source of the same length', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'answer.cjs');
      writeFileSync(file, 'module.exports = { answer: 1 };\n');
      writeInChild(file, '');
      const cache = readFileSync(codeCachePath(file));
      writeFileSync(file, 'module.exports = { answer: 2 };\n');
      assert.deepEqual(loadInChild(file), { exports: { answer: 2 }, cache: 'stale' });
      // Why the digest: V8 compares only the source's length, and would run the old code.
      const v8Data = cache.subarray(8 + 2 * 32);
      const probe = `const vm = require('node:vm');
const s = new vm.Script(${JSON.stringify(`(function (exports, require, module, __filename, __dirname) {module.exports = { answer: 2 };\n\n})`)}, { cachedData: Buffer.from(${JSON.stringify(v8Data.toString('base64'))}, 'base64') });
const m = { exports: {} }; s.runInThisContext()(m.exports, require, m, '', '');
process.stdout.write(JSON.stringify({ rejected: s.cachedDataRejected, answer: m.exports.answer }));`;
      const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { rejected: false, answer: 1 });
    });
  });

  it('never offers V8 a damaged cache: flipped bytes in its data once ended the process with a V8 fatal error', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'big.cjs');
      writeFileSync(file, `${Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`).join('\n')}\nmodule.exports = { sum: f7(1) + f199(1) };\n`);
      writeInChild(file, 'm.sum;');
      const whole = readFileSync(codeCachePath(file));
      const flipped = Buffer.from(whole);
      for (let i = 8 + 2 * 32 + 100; i < flipped.length; i += 97) flipped[i] = (flipped[i] as number) ^ 0x5a;
      for (const [name, bytes] of [['flipped', flipped], ['truncated', whole.subarray(0, whole.length - 100)], ['header only', whole.subarray(0, 8 + 2 * 32)]] as const) {
        writeFileSync(codeCachePath(file), bytes);
        assert.deepEqual(loadInChild(file), { exports: { sum: (1 * 7 + 7) + (1 * 199 + 199) }, cache: 'damaged' }, name);
      }
    });
  });

  it('ignores a cache file that is not one of ours, and passes on what the module throws', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'x.cjs');
      writeFileSync(file, 'module.exports = 7;\n');
      writeFileSync(codeCachePath(file), 'garbage');
      assert.deepEqual(requireWithCodeCache(file), { exports: 7, cache: 'damaged' });
      const bad = join(dir, 'bad.cjs');
      writeFileSync(bad, "throw new Error('boom at load');\n");
      assert.throws(() => requireWithCodeCache(bad), /boom at load/);
      assert.throws(() => requireWithCodeCache(join(dir, 'missing.cjs')), /ENOENT/);
    });
  });

  it('writes a cache that holds the functions the exercise compiled', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'lazy.cjs');
      const body = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { let s = 0; for (let k = 0; k < x; k++) s += k * ${i}; return s; }`).join('\n');
      writeFileSync(file, `${body}\nmodule.exports = { all: () => [${Array.from({ length: 50 }, (_, i) => `f${i}(3)`).join(', ')}] };\n`);
      writeInChild(file, '');
      const idle = readFileSync(codeCachePath(file)).length;
      writeInChild(file, 'm.all();');
      const used = readFileSync(codeCachePath(file)).length;
      assert.ok(used > idle + 2000, `cache after the exercise is ${used} bytes, without it ${idle}`);
      assert.equal(writeCodeCache(file, () => undefined) > 0, true);
    });
  });
});
