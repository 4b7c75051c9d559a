import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import { writeFileSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, realpath, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { walk, type WalkedFile } from '../src/discover/walk.js';
import { pathExists } from '../src/parse.js';
import { scan } from '../src/scan.js';
import { SOURCE_SCANNERS } from '../src/scanners/registry.js';
import { SourceResultCache, type SourceResultCacheOptions, type SourceResultCacheStats } from '../src/scanners/result-cache.js';
import { runSourceScanners, type SourceRun } from '../src/scanners/run.js';
import type { SourceScanner } from '../src/scanners/types.js';
import type { Asset, SourceScan } from '../src/types.js';
import { fixturePath, withTempDir } from './helpers.js';

/** A whole second, so utimes restores it exactly. */
const FIXED_MTIME = 1_700_000_000;
const DAY_MS = 24 * 3600 * 1000;

/** The real scanners, counting how often each really scans. */
function counted(scanners: readonly SourceScanner[]): { scanners: SourceScanner[]; calls: () => number } {
  let n = 0;
  return {
    scanners: scanners.map((s): SourceScanner => ({ name: s.name, claims: (p: string) => s.claims(p), maxBytes: s.maxBytes, scan: (text, ctx) => (n++, s.scan(text, ctx)) })),
    calls: () => n,
  };
}

/** Wait until every file under `root` is older than a timestamp tick: newer ones are (rightly) not cached. */
async function settle(root: string): Promise<void> {
  let newest = 0n;
  let coarse = false;
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const s = await stat(join(e.parentPath, e.name), { bigint: true });
    if (s.ctimeNs > newest) newest = s.ctimeNs;
    if (s.ctimeNs % 1_000_000_000n === 0n) coarse = true;
  }
  const wait = Number(newest / 1_000_000n) + (coarse ? 3000 : 100) + 30 - Date.now();
  if (wait > 0) await sleep(wait);
}

interface Run {
  readonly result: SourceRun;
  readonly stats: SourceResultCacheStats;
  readonly warnings: string[];
  readonly file: string;
  /** Files some scanner claimed. */
  readonly claimed: number;
}

type CacheOptions = Partial<Omit<SourceResultCacheOptions, 'dir' | 'rootRealPath' | 'onWarning'>>;

async function cachedScan(root: string, cacheDir: string, scanners: readonly SourceScanner[] = SOURCE_SCANNERS, options: CacheOptions = {}): Promise<Run> {
  const warnings: string[] = [];
  const cache = await SourceResultCache.open({
    dir: cacheDir,
    rootRealPath: await realpath(root),
    fingerprint: 'mlbom-test-build-1',
    onWarning: (m) => warnings.push(m),
    ...options,
  });
  const w = await walk(root);
  const result = await runSourceScanners(w.files, scanners, pathExists(w.files), { cache });
  await cache.save();
  const claimed = w.files.filter((f) => scanners.some((s) => s.claims(f.path))).length;
  return { result, stats: { ...cache.stats }, warnings, file: cache.file, claimed };
}

async function plainScan(root: string, scanners: readonly SourceScanner[] = SOURCE_SCANNERS): Promise<SourceRun> {
  const w = await walk(root);
  return runSourceScanners(w.files, scanners, pathExists(w.files));
}

/** Same objects and same bytes: the BOM is built from these. */
function assertSame(actual: SourceRun, expected: SourceRun): void {
  assert.deepStrictEqual(actual, expected);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected));
}

/** The demo project plus what makes results depend on more than one file's text, and two files that only yield warnings. */
async function demoTree(dir: string): Promise<string> {
  const root = join(dir, 'tree');
  await cp(fixturePath('demo-project'), root, { recursive: true });
  await mkdir(join(root, 'acme/my-bert'), { recursive: true });
  await writeFile(join(root, 'acme/my-bert/config.json'), '{"model_type": "bert", "architectures": ["BertModel"]}\n');
  await writeFile(join(root, 'src/train.py'), 'from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained("acme/my-bert")\n');
  await writeFile(join(root, 'src/blob.py'), Buffer.concat([Buffer.from('import os\n'), Buffer.alloc(64), Buffer.from('print(1)\n')]));
  await writeFile(join(root, 'config/huge.yaml'), `model: gpt-4o\n${'# padding line for a config file over the cap\n'.repeat(30_000)}`);
  await settle(root);
  return root;
}

function assetsAt(run: SourceRun, path: string): string[] {
  return run.assets.filter((a) => a.locations.some((l) => l.path === path)).map((a) => a.id).sort();
}

describe('source result cache: warm runs', () => {
  it('gives exactly the uncached result, warnings included, without scanning a file', async () => {
    await withTempDir(async (dir) => {
      const root = await demoTree(dir);
      const cacheDir = join(dir, 'cache');
      const plain = await plainScan(root);
      assert.ok(plain.assets.length > 20, 'the fixture yields assets');
      assert.ok(plain.issues.some((i) => i.path === 'src/blob.py' && /binary content/.test(i.message)));
      assert.ok(plain.issues.some((i) => i.path === 'config/huge.yaml' && /^larger than 1(\.0)? MiB/.test(i.message)));

      const c1 = counted(SOURCE_SCANNERS);
      const cold = await cachedScan(root, cacheDir, c1.scanners);
      assertSame(cold.result, plain);
      assert.ok(c1.calls() > 0);
      assert.equal(cold.stats.hits, 0);
      assert.equal(cold.stats.stored, cold.claimed);
      assert.equal(cold.stats.notStored, 0);
      assert.equal(cold.stats.written, true);
      assert.deepEqual(cold.warnings, []);

      const c2 = counted(SOURCE_SCANNERS);
      const warm = await cachedScan(root, cacheDir, c2.scanners);
      assertSame(warm.result, plain);
      assert.equal(c2.calls(), 0, 'no scanner ran');
      assert.deepEqual({ hits: warm.stats.hits, misses: warm.stats.misses, stored: warm.stats.stored, written: warm.stats.written }, { hits: warm.claimed, misses: 0, stored: 0, written: false });
      assert.deepEqual(warm.warnings, []);

      // The pipeline merges and hashes assets in place: that must not reach the cache.
      const a = warm.result.assets[0] as Asset;
      a.name = 'changed';
      a.locations.push({ path: 'elsewhere' });
      (warm.result.issues[0] as { message: string }).message = 'changed';
      assertSame((await cachedScan(root, cacheDir)).result, plain);
    });
  });

  it('misses a same-size edit whose mtime was put back', async () => {
    await withTempDir(async (dir) => {
      const root = await demoTree(dir);
      const cacheDir = join(dir, 'cache');
      const chat = join(root, 'src/chat.py');
      await utimes(chat, FIXED_MTIME, FIXED_MTIME);
      await settle(root);
      await cachedScan(root, cacheDir);
      const before = await stat(chat, { bigint: true });
      const text = await readFile(chat, 'utf8');
      assert.ok(text.includes('"gpt-4o-mini"'));
      await writeFile(chat, text.replaceAll('"gpt-4o-mini"', '"gpt-4o-nano"'));
      await utimes(chat, FIXED_MTIME, FIXED_MTIME);
      const after = await stat(chat, { bigint: true });
      assert.equal(after.size, before.size);
      assert.equal(after.mtimeNs, before.mtimeNs);
      await settle(root);

      const warm = await cachedScan(root, cacheDir);
      assert.equal(warm.stats.misses, 1);
      assert.equal(warm.stats.hits, warm.claimed - 1);
      assertSame(warm.result, await plainScan(root));
      const chatModels = assetsAt(warm.result, 'src/chat.py');
      assert.ok(chatModels.some((id) => id.includes('gpt-4o-nano')), chatModels.join(' '));
      assert.ok(!chatModels.some((id) => id.includes('gpt-4o-mini')), chatModels.join(' '));
    });
  });

  it('misses a file whose exists() answers changed: a local model folder deleted, then put back', async () => {
    await withTempDir(async (dir) => {
      const root = await demoTree(dir);
      const cacheDir = join(dir, 'cache');
      const cold = await cachedScan(root, cacheDir);
      assert.deepEqual(assetsAt(cold.result, 'src/train.py'), ['model:ref:acme/my-bert']);

      await rm(join(root, 'acme'), { recursive: true });
      const gone = await cachedScan(root, cacheDir);
      assert.equal(gone.stats.existsChanged, 1);
      assert.equal(gone.stats.misses, 1);
      assert.equal(gone.stats.hits, gone.claimed - 1);
      assertSame(gone.result, await plainScan(root));
      assert.deepEqual(assetsAt(gone.result, 'src/train.py'), ['model:hf:acme/my-bert']);

      await mkdir(join(root, 'acme/my-bert'), { recursive: true });
      await writeFile(join(root, 'acme/my-bert/config.json'), '{"model_type": "bert"}\n');
      await settle(root);
      const back = await cachedScan(root, cacheDir);
      assert.equal(back.stats.existsChanged, 1);
      assertSame(back.result, await plainScan(root));
      assert.deepEqual(assetsAt(back.result, 'src/train.py'), ['model:ref:acme/my-bert']);
    });
  });

});

/** A scanner of `.txt` files whose result is computed by `fn`. */
function fake(name: string, fn: (text: string, path: string) => SourceScan, ext = '.txt'): SourceScanner & { calls: number } {
  const s = {
    name,
    calls: 0,
    claims: (p: string) => p.endsWith(ext),
    scan: (text: string, ctx: { path: string }) => {
      s.calls++;
      return fn(text, ctx.path);
    },
  };
  return s;
}

function noteAsset(path: string, text: string, extra: Record<string, unknown> = {}): Asset {
  return { id: `prompt:${path}`, kind: 'prompt', name: text.trim(), scanners: ['note'], locations: [{ path }], files: [], props: {}, model: {}, parsed: true, ...extra } as Asset;
}

async function files(root: string, entries: Record<string, string>): Promise<WalkedFile[]> {
  await mkdir(root, { recursive: true });
  for (const [name, text] of Object.entries(entries)) await writeFile(join(root, name), text);
  await settle(root);
  return Object.keys(entries).map((path) => ({ path, absPath: join(root, path) }));
}

async function runFiles(list: readonly WalkedFile[], scanners: readonly SourceScanner[], options: SourceResultCacheOptions): Promise<{ result: SourceRun; cache: SourceResultCache }> {
  const cache = await SourceResultCache.open(options);
  const result = await runSourceScanners(list, scanners, pathExists(list), { cache });
  await cache.save();
  return { result, cache };
}

describe('source result cache: what is not stored', () => {
  it('does not store a file changed within the current timestamp tick', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'tree');
      const list = await files(root, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const note = fake('note', (text, path) => ({ assets: [noteAsset(path, text)], relationships: [], issues: [] }));
      // claims() runs just before each file's stat: rewriting b.txt there is an edit racing the scan.
      let edits = 0;
      const racing: SourceScanner = {
        ...note,
        claims: (p) => {
          if (p === 'b.txt' && edits++ === 0) writeFileSync(join(root, 'b.txt'), 'b, edited\n');
          return note.claims(p);
        },
      };
      const options = { dir: join(dir, 'cache'), rootRealPath: await realpath(root), fingerprint: 'fp' };
      const cold = await runFiles(list, [racing], options);
      assert.deepEqual([cold.cache.stats.stored, cold.cache.stats.notStored], [1, 1]);
      assert.equal(cold.result.assets.find((a) => a.id === 'prompt:b.txt')?.name, 'b, edited');
      await settle(root);
      const warm = await runFiles(list, [racing], options);
      assert.deepEqual([warm.cache.stats.hits, warm.cache.stats.misses, warm.cache.stats.stored], [1, 1, 1]);
      assert.deepStrictEqual(warm.result, cold.result);
    });
  });

  it('rescans results JSON would not give back exactly, and scanner crashes', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'tree');
      const list = await files(root, { 'a.txt': 'plain\n', 'b.txt': 'odd\n', 'c.txt': 'nan\n', 'd.txt': 'crash\n' });
      const note = fake('note', (text, path) => {
        if (text.startsWith('crash')) throw new Error('boom');
        // An undefined member: JSON would drop it, and `{...a, ...b}` would then behave differently.
        const extra = text.startsWith('odd') ? { version: undefined } : text.startsWith('nan') ? { confidence: Number.NaN } : {};
        return { assets: [noteAsset(path, text, extra)], relationships: [], issues: [] };
      });
      const options = { dir: join(dir, 'cache'), rootRealPath: await realpath(root), fingerprint: 'fp' };
      const cold = await runFiles(list, [note], options);
      assert.equal(cold.cache.stats.stored, 1);
      assert.equal(cold.cache.stats.notStored, 2);
      assert.ok(cold.result.issues.some((i) => i.path === 'd.txt' && i.message === 'scanner failed: boom'));
      note.calls = 0;
      const warm = await runFiles(list, [note], options);
      assert.equal(warm.cache.stats.hits, 1);
      assert.equal(note.calls, 3);
      assert.deepStrictEqual(warm.result, cold.result);
      assert.ok('version' in (warm.result.assets.find((a) => a.id === 'prompt:b.txt') as Asset));
    });
  });

  it('re-asks a stat or read failure instead of caching it', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'tree');
      const list = await files(root, { 'a.txt': 'a\n' });
      const note = fake('note', (text, path) => ({ assets: [noteAsset(path, text)], relationships: [], issues: [] }));
      const options = { dir: join(dir, 'cache'), rootRealPath: await realpath(root), fingerprint: 'fp' };
      const ghost = [...list, { path: 'gone.txt', absPath: join(root, 'gone.txt') }];
      const cold = await runFiles(ghost, [note], options);
      assert.ok(cold.result.issues.some((i) => i.path === 'gone.txt' && i.message === 'file vanished during the scan'));
      assert.equal(cold.cache.stats.stored, 1);
      await writeFile(join(root, 'gone.txt'), 'back\n');
      await settle(root);
      const warm = await runFiles(ghost, [note], options);
      assert.deepEqual(assetsAt(warm.result, 'gone.txt'), ['prompt:gone.txt']);
      assert.equal(warm.cache.stats.hits, 1);
    });
  });
});

describe('source result cache: the file', () => {
  it('keeps odd path names exactly, in an ASCII file', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'tree');
      const names = ['tab\there.txt', 'new\nline.txt', 'café-ü.txt', '"quoted".txt', 'emoji-😀.txt', 'back\\slash.txt', ' space .txt'];
      const list = await files(root, Object.fromEntries(names.map((n, i) => [n, `note ${i} ✓\n`])));
      const note = fake('note', (text, path) => ({ assets: [noteAsset(path, text)], relationships: [], issues: [{ path, scanner: 'note', message: `saw ${text.trim()}` }] }));
      const options = { dir: join(dir, 'cache'), rootRealPath: await realpath(root), fingerprint: 'fp' };
      const cold = await runFiles(list, [note], options);
      assert.equal(cold.cache.stats.stored, names.length);
      assert.ok(isAscii(await readFile(cold.cache.file)));
      note.calls = 0;
      const warm = await runFiles(list, [note], options);
      assert.equal(warm.cache.stats.hits, names.length);
      assert.equal(note.calls, 0);
      assertSame(warm.result, cold.result);
    });
  });

  for (const [what, damage] of [
    ['garbage', async (f: string) => writeFile(f, 'not a cache at all \u0000\u0001')],
    ['truncated', async (f: string) => writeFile(f, (await readFile(f)).subarray(0, Math.floor((await stat(f)).size / 2)))],
    ['cut at a line end', async (f: string) => { const t = await readFile(f, 'latin1'); await writeFile(f, t.slice(0, t.lastIndexOf('\n', t.length - 2) + 1), 'latin1'); }],
    ['non-ASCII', async (f: string) => writeFile(f, `${await readFile(f, 'latin1')}é`)],
    ['empty', async (f: string) => writeFile(f, '')],
    ['foreign', async (f: string) => { const t = await readFile(f, 'latin1'); await writeFile(f, t.replace(/"root":"[^"]*"/, '"root":"/somewhere/else"'), 'latin1'); }],
    ['damaged entry', async (f: string) => { const t = await readFile(f, 'latin1'); await writeFile(f, t.replace(/\t\[\[/, '\t[[}'), 'latin1'); }],
  ] as const) {
    it(`treats a ${what} cache file as empty, with one warning, and rewrites it`, async () => {
      await withTempDir(async (dir) => {
        const root = await demoTree(dir);
        const cacheDir = join(dir, 'cache');
        const cold = await cachedScan(root, cacheDir);
        await damage(cold.file);
        const after = await cachedScan(root, cacheDir);
        assert.equal(after.warnings.length, 1, after.warnings.join('\n'));
        assert.match(after.warnings[0] as string, /^source cache: ignored /);
        assertSame(after.result, await plainScan(root));
        assert.equal(after.stats.written, true);
        if (what === 'damaged entry') {
          assert.equal(after.stats.misses, 1);
        } else {
          assert.equal(after.stats.hits, 0);
        }
        const again = await cachedScan(root, cacheDir);
        assert.deepEqual(again.warnings, []);
        assert.equal(again.stats.hits, again.claimed);
      });
    });
  }

  it('never fails on I/O errors: a cache folder that cannot exist is one warning and plain scanning', async () => {
    await withTempDir(async (dir) => {
      const root = await demoTree(dir);
      const blocker = join(dir, 'blocker');
      await writeFile(blocker, 'a file where the cache folder should be');
      const run = await cachedScan(root, join(blocker, 'sources'));
      assertSame(run.result, await plainScan(root));
      assert.equal(run.warnings.length, 1);
      assert.equal(run.stats.written, false);
    });
  });

  it('is per build: another fingerprint, or another scanner list, uses none of it', async () => {
    await withTempDir(async (dir) => {
      const root = await demoTree(dir);
      const cacheDir = join(dir, 'cache');
      const first = await cachedScan(root, cacheDir);
      const other = await cachedScan(root, cacheDir, SOURCE_SCANNERS, { fingerprint: 'mlbom-test-build-2' });
      assert.equal(other.stats.hits, 0);
      assert.notEqual(other.file, first.file);
      const fewer = SOURCE_SCANNERS.filter((s) => s.name !== 'download-urls');
      const subset = await cachedScan(root, cacheDir, fewer);
      assert.equal(subset.stats.hits, 0);
      assertSame(subset.result, await plainScan(root, fewer));
      const back = await cachedScan(root, cacheDir, fewer);
      assert.equal(back.stats.hits, back.claimed);
    });
  });

  it('keeps at most maxRoots files, dropping the least recently used', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const note = fake('note', (text, path) => ({ assets: [noteAsset(path, text)], relationships: [], issues: [] }));
      const cacheFiles: string[] = [];
      for (const name of ['r1', 'r2', 'r3']) {
        const root = join(dir, name);
        const list = await files(root, { 'a.txt': `${name}\n` });
        const { cache } = await runFiles(list, [note], { dir: cacheDir, rootRealPath: await realpath(root), fingerprint: 'fp', maxRoots: 2 });
        cacheFiles.push(cache.file);
        // mtime order is the LRU order: make it unambiguous.
        await utimes(cache.file, FIXED_MTIME + cacheFiles.length, FIXED_MTIME + cacheFiles.length);
      }
      const left = (await readdir(cacheDir)).map((n) => join(cacheDir, n)).sort();
      assert.deepEqual(left, cacheFiles.slice(1).sort());
    });
  });

  it('drops entries unused for maxAgeDays, keeps younger ones, and does not rewrite an unchanged tree', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'tree');
      const list = await files(root, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const note = fake('note', (text, path) => ({ assets: [noteAsset(path, text)], relationships: [], issues: [] }));
      const t0 = Date.now();
      const real = await realpath(root);
      const at = (days: number): SourceResultCacheOptions => ({ dir: join(dir, 'cache'), rootRealPath: real, fingerprint: 'fp', now: () => t0 + days * DAY_MS });
      const onlyA = list.filter((f) => f.path === 'a.txt');
      await runFiles(list, [note], at(0));
      // b.txt left out (--exclude) for a while: its entry waits.
      const day2 = await runFiles(onlyA, [note], at(2));
      assert.equal(day2.cache.stats.written, false);
      const day3 = await runFiles(list, [note], at(3));
      assert.equal(day3.cache.stats.hits, 2);
      assert.equal(day3.cache.stats.written, false);
      // Left out for 40 days: gone at the next write (a.txt's refresh after a week).
      const day43 = await runFiles(onlyA, [note], at(43));
      assert.equal(day43.cache.stats.written, true);
      const text = await readFile(day43.cache.file, 'latin1');
      assert.match(text, /\ta\.txt\n/);
      assert.doesNotMatch(text, /b\.txt/);
      const day44 = await runFiles(list, [note], at(44));
      assert.deepEqual([day44.cache.stats.hits, day44.cache.stats.misses], [1, 1]);
    });
  });
});

describe('source cache: wired into scan()', () => {
  it('a warm scan() reads no source file and returns the same inventory; no cacheDir means no cache', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'demo');
      await cp(fixturePath('demo-project'), root, { recursive: true });
      await settle(root);
      const cacheDir = join(dir, 'cache');
      const cold = await scan(root, { cacheDir });
      assert.equal((await readdir(join(cacheDir, 'sources'))).filter((n) => n.endsWith('.mlsc')).length, 1);

      // Count opens of source files (run.ts reads them with openSync + readSync) during the next scans.
      const read: string[] = [];
      const real = fs.openSync;
      fs.openSync = ((p: fs.PathLike, ...rest: unknown[]) => {
        if (typeof p === 'string' && /\.(py|ipynb|ts|js|prompty|txt|toml)$/.test(p) && p.startsWith(root)) read.push(p.slice(root.length + 1));
        return (real as (p: fs.PathLike, ...r: unknown[]) => number)(p, ...rest);
      }) as typeof fs.openSync;
      syncBuiltinESMExports();
      let warm;
      let uncached;
      let readWarm: string[];
      try {
        warm = await scan(root, { cacheDir });
        readWarm = read.splice(0);
        uncached = await scan(root, {});
      } finally {
        fs.openSync = real;
        syncBuiltinESMExports();
      }
      assert.deepEqual(readWarm, []);
      assert.ok(read.length > 5, `without a cache the scan reads the source files (read ${read.length})`);
      assert.equal(JSON.stringify(warm), JSON.stringify(cold));
      assert.equal(JSON.stringify(uncached), JSON.stringify(cold));
    });
  });
});

describe('runSourceScanners: a file replaced after the walk', () => {
  it('gives an issue for a source path that is now a FIFO, instead of blocking on it, and scans the rest', { timeout: 10_000 }, async () => {
    await withTempDir(async (root) => {
      await writeFile(join(root, 'a.py'), 'm = AutoModel.from_pretrained("org/a")\n');
      await writeFile(join(root, 'b.py'), 'x = 1\n');
      const walked = (await walk(root)).files;
      // Between the walk and the read, b.py becomes a FIFO (no writer: opening it to read would wait for ever).
      await rm(join(root, 'b.py'));
      execFileSync('mkfifo', [join(root, 'b.py')]);
      const run = await runSourceScanners(walked, SOURCE_SCANNERS, pathExists(walked));
      assert.deepEqual(run.issues.map((i) => `${i.path}: ${i.message}`), ['b.py: no longer a regular file; not scanned']);
      assert.deepEqual(run.assets.map((a) => a.id), ['model:hf:org/a']);
    });
  });
});
