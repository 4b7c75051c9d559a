/**
 * The bundled CLI (dist/cli/, what bin/mlbom.js runs) against the compiled
 * modules it is built from (dist/src/). Every other CLI test runs the
 * bundle; this one checks that both give the same bytes.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LARGE_SCAN_FILES } from '../src/cli/scan.js';
import { BUNDLE, fixturePath, runCli, withTempDir } from './helpers.js';

describe('bundled CLI', () => {
  it('is built, and is newer than the compiled modules, so bin/mlbom.js runs it', () => {
    const bundle = statSync(fileURLToPath(BUNDLE)).mtimeMs;
    const compiled = statSync(fileURLToPath(new URL('../src/cli/index.js', import.meta.url))).mtimeMs;
    assert.ok(bundle >= compiled, 'npm run build must bundle after tsc');
  });

  it('bin/mlbom.js exits with the command\'s code once everything is written', () => {
    const bin = fileURLToPath(new URL('../../bin/mlbom.js', import.meta.url));
    for (const [args, code] of [[[], 0], [['--fail-on', 'low'], 1]] as const) {
      const r = spawnSync(process.execPath, [bin, 'scan', 'demo-project', '--offline', '--reproducible', '--no-cache', ...args], {
        cwd: fixturePath(),
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent' },
        timeout: 60_000,
      });
      assert.equal(r.status, code, r.stderr);
      const bom = JSON.parse(r.stdout) as { bomFormat: string; components: unknown[] };
      assert.equal(bom.bomFormat, 'CycloneDX');
      assert.ok(bom.components.length > 5);
      if (code === 1) assert.match(r.stderr, /--fail-on low/);
    }
  });

  it('bin/mlbom.js turns off V8 allocation-site pretenuring for large scans only, so small ones keep the validator\'s code cache', async () => {
    const bin = fileURLToPath(new URL('../../bin/mlbom.js', import.meta.url));
    const run = (dir: string): string => {
      const r = spawnSync(process.execPath, [bin, 'scan', dir, '--offline', '--reproducible', '--no-cache', '--debug', '-o', join(dir, '..', 'bom.json')], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent' },
        timeout: 60_000,
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stderr;
    };
    await withTempDir(async (root) => {
      const tree = join(root, 'tree');
      mkdirSync(tree);
      for (let i = 0; i < LARGE_SCAN_FILES - 1; i++) writeFileSync(join(tree, `f${i}.txt`), '');
      const small = run(tree);
      assert.doesNotMatch(small, /tuning V8/);
      assert.match(small, /schema validator 1\.6: code cache accepted/);
      writeFileSync(join(tree, 'one-more.txt'), '');
      const large = run(tree);
      assert.match(large, new RegExp(`debug: ${LARGE_SCAN_FILES} files: tuning V8 for a large scan`));
      assert.match(large, /schema validator 1\.6: code cache rejected/);
    });
  });

  it('hashes on its own CommonJS worker, dist/cli/hash-worker.cjs', async () => {
    const { HashWorkerPool } = (await import(new URL('pool.js', BUNDLE).href)) as typeof import('../src/hash/pool.js');
    const pool = new HashWorkerPool({ size: 1 });
    try {
      assert.match(fileURLToPath((pool as unknown as { script: URL }).script), /[\\/]cli[\\/]hash-worker\.cjs$/);
      await withTempDir(async (dir) => {
        const file = join(dir, 'weights.bin');
        const data = randomBytes(3 * 1024 * 1024 + 5);
        writeFileSync(file, data);
        const r = await pool.hash(file, { chunkSize: 1024 * 1024 });
        assert.ok(r.ok === true, JSON.stringify(r));
        assert.equal(r.sha256, createHash('sha256').update(data).digest('hex'));
        assert.equal(r.size, data.length);
        assert.equal((await pool.digests([file, dir], 1))?.length, 2);
        assert.equal(pool.stats.started, 1);
      });
    } finally {
      await pool.close();
    }
  });

  it("loads packageurl-js without building an Intl.Collator, and sorts its components as the library does (scripts/bundle.mjs)", () => {
    const dir = fileURLToPath(new URL('.', BUNDLE));
    const chunks = readdirSync(dir).filter((f) => f.endsWith('.js') && readFileSync(join(dir, f), 'utf8').includes('"node_modules/packageurl-js/src/strings.js"('));
    assert.equal(chunks.length, 1, 'packageurl-js is bundled once');
    // A fresh process: count the collators built while the chunk loads and
    // packageurl-js initialises, then compare its component order with the
    // unbundled library's, which sorts with a real collator.
    const probe = [
      'const Real = Intl.Collator; let built = 0;',
      'Intl.Collator = function (...a) { built++; return new Real(...a); };',
      `const { require_packageurl_js } = await import(${JSON.stringify(pathToFileURL(join(dir, chunks[0] as string)).href)});`,
      'const bundled = require_packageurl_js();',
      'const loading = built;',
      'Intl.Collator = Real;',
      "const { createRequire } = await import('node:module');",
      `const original = createRequire(${JSON.stringify(fileURLToPath(BUNDLE))})('packageurl-js');`,
      'const order = (m) => Object.keys(m.PurlComponent).join(" ");',
      'const purl = (m) => m.PackageURL.fromString("pkg:huggingface/Org/Model@ABC?b=2&a=1").toString();',
      'console.log(JSON.stringify({ loading, bundled: order(bundled), original: order(original), purls: [purl(bundled), purl(original)] }));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { loading: number; bundled: string; original: string; purls: string[] };
    assert.equal(out.loading, 0, 'no Intl.Collator is built while packageurl-js loads');
    assert.equal(out.bundled, out.original);
    assert.match(out.bundled, /^type namespace name version qualifiers qualifierKey qualifierValue subpath$/);
    assert.deepEqual(out.purls, ['pkg:huggingface/Org/Model@abc?a=1&b=2', 'pkg:huggingface/Org/Model@abc?a=1&b=2']);
  });

  it('writes the same BOMs, findings and exit codes as the unbundled modules', async () => {
    const bundled = ((await import(BUNDLE)) as typeof import('../src/cli/index.js')).run;
    assert.notEqual(bundled, (await import('../src/cli/index.js')).run, 'two separate module graphs');
    for (const argv of [
      ['scan', 'demo-project', '--offline', '--reproducible', '--no-cache'],
      ['scan', 'demo-project', '--offline', '--reproducible', '--no-cache', '--format', 'xml', '--spec-version', '1.5'],
      ['scan', 'demo-project', '--offline', '--reproducible', '--no-cache', '--fail-on', 'low'],
      ['validate', 'no-such-bom.json'],
    ]) {
      const a = await runCli(argv, { cwd: fixturePath() });
      const b = await runCli(argv, { cwd: fixturePath(), cli: 'compiled' });
      assert.equal(a.code, b.code, argv.join(' '));
      assert.equal(a.stdout, b.stdout, argv.join(' '));
      assert.equal(a.stderr, b.stderr, argv.join(' '));
      // Not two identical failures: each scan wrote a BOM, the gate tripped, the missing file was a usage error.
      if (argv[0] === 'scan') assert.match(a.stdout, /"bomFormat": "CycloneDX"|<bom xmlns=/);
      assert.equal(a.code, argv.includes('--fail-on') ? 1 : argv[0] === 'validate' ? 2 : 0, argv.join(' '));
    }
  });
});
