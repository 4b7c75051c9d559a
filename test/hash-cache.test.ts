import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, readdir, readFile, rename, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { HashCache } from '../src/hash/cache.js';
import { hashFiles, type HashOptions, type HashOutcome, type HashStats, type ScanProgress } from '../src/hash/engine.js';
import { scan } from '../src/scan.js';
import { fixturePath, withTempDir } from './helpers.js';
import { garbage } from './util/pseudo-random.js';

const MiB = 1024 * 1024;
/** A whole second, so utimes can restore it exactly (fractional seconds lose nanoseconds). */
const FIXED_MTIME = 1_700_000_000;

function sha(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

async function run(paths: readonly string[], options: HashOptions): Promise<{ outcomes: HashOutcome[]; stats: HashStats }> {
  let stats: HashStats | undefined;
  const outcomes = await hashFiles(paths.map((absPath) => ({ absPath })), { ...options, onStats: (s) => (stats = s) });
  assert.ok(stats !== undefined);
  return { outcomes, stats };
}

/**
 * Wait until the files' ctimes are old enough to be cached: the engine does
 * not cache a file changed within a timestamp tick of its stat (see isRacy).
 */
async function settle(...paths: string[]): Promise<void> {
  for (const p of paths) {
    const s = await stat(p, { bigint: true });
    const windowMs = s.ctimeNs % 1_000_000_000n === 0n ? 3000 : 100;
    const wait = Number(s.ctimeNs / 1_000_000n) + windowMs + 20 - Date.now();
    if (wait > 0) await sleep(wait);
  }
}

/** A file with a fixed mtime, old enough to be cached. */
async function makeFile(path: string, data: Uint8Array | string): Promise<void> {
  await writeFile(path, data);
  await utimes(path, FIXED_MTIME, FIXED_MTIME);
  await settle(path);
}

async function shardFiles(cacheDir: string): Promise<string[]> {
  return (await readdir(join(cacheDir, 'hashes'))).map((n) => join(cacheDir, 'hashes', n));
}

describe('hash cache: hits', () => {
  it('answers an unchanged file from the cache, reading nothing', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const a = join(dir, 'a.bin');
      const b = join(dir, 'b.bin');
      const bytes = garbage(3 * MiB, 1);
      await makeFile(a, bytes);
      await makeFile(b, 'small');
      const cold = await run([a, b], { cacheDir });
      assert.deepEqual(cold.outcomes, [
        { ok: true, sha256: sha(bytes), size: bytes.length, cached: false },
        { ok: true, sha256: sha('small'), size: 5, cached: false },
      ]);
      assert.equal(cold.stats.cache?.stored, 2);
      const warm = await run([a, b, a], { cacheDir });
      assert.deepEqual(warm.outcomes, [
        { ok: true, sha256: sha(bytes), size: bytes.length, cached: true },
        { ok: true, sha256: sha('small'), size: 5, cached: true },
        { ok: true, sha256: sha(bytes), size: bytes.length, cached: true },
      ]);
      assert.equal(warm.stats.hashed, 0);
      assert.equal(warm.stats.cached, 2);
      // Nothing changed, so nothing is rewritten.
      assert.equal(warm.stats.cache?.shardsWritten, 0);
    });
  });

  it('does not cache a file changed just before the scan (it could change again within the same tick)', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const a = join(dir, 'a.bin');
      await writeFile(a, 'fresh');
      const first = await run([a], { cacheDir });
      assert.equal(first.stats.cache?.stored, 0);
      await settle(a);
      const second = await run([a], { cacheDir });
      assert.equal(second.outcomes[0]?.ok && second.outcomes[0].cached, false);
      assert.equal(second.stats.cache?.stored, 1);
      const third = await run([a], { cacheDir });
      assert.equal(third.outcomes[0]?.ok && third.outcomes[0].cached, true);
    });
  });

  it('a warm rescan answers every hashed file from the cache, with the same BOM hashes', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'repo');
      const cacheDir = join(dir, 'cache');
      await cp(fixturePath('scanners', 'safetensors'), join(root, 'safetensors'), { recursive: true });
      await cp(fixturePath('scanners', 'gguf', 'tiny-llama.gguf'), join(root, 'tiny-llama.gguf'));
      await sleep(150);
      const hashes = (inv: Awaited<ReturnType<typeof scan>>): string[] => inv.assets.flatMap((a) => a.files.map((f) => `${f.path} ${f.sha256 ?? '-'}`)).sort();
      const events: ScanProgress[] = [];
      const cold = await scan(root, { cacheDir });
      // A new file elsewhere: the scan snapshot no longer matches, so the rescan runs and asks the hash cache.
      await writeFile(join(root, 'notes.txt'), 'unrelated\n');
      const snapshot: string[] = [];
      const warm = await scan(root, { cacheDir, onProgress: (p) => events.push(p), onSnapshot: (e) => snapshot.push(e) });
      assert.equal(snapshot[0], 'miss');
      assert.deepEqual(hashes(warm), hashes(cold));
      assert.ok(hashes(cold).every((h) => !h.endsWith(' -')));
      const last = events.at(-1);
      assert.ok(last?.phase === 'hash');
      assert.ok(last.filesTotal > 0);
      assert.equal(last.filesCached, last.filesTotal);
      assert.equal(last.bytesTotal, 0);
      assert.equal(events[0]?.phase, 'discover');
    });
  });
});

describe('hash cache: a changed file is always hashed again', () => {
  it('after a same-size edit that restores mtime (ctime still moves)', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const a = join(dir, 'a.bin');
      await makeFile(a, 'version-1');
      await run([a], { cacheDir });
      const before = await stat(a, { bigint: true });
      await writeFile(a, 'version-2');
      await utimes(a, FIXED_MTIME, FIXED_MTIME);
      await settle(a);
      const after = await stat(a, { bigint: true });
      // Only ctime tells the versions apart.
      assert.deepEqual([after.ino, after.size, after.mtimeNs], [before.ino, before.size, before.mtimeNs]);
      assert.notEqual(after.ctimeNs, before.ctimeNs);
      const { outcomes } = await run([a], { cacheDir });
      assert.deepEqual(outcomes, [{ ok: true, sha256: sha('version-2'), size: 9, cached: false }]);
    });
  });

  it('after the file is replaced by a rename', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const a = join(dir, 'a.bin');
      await makeFile(a, 'version-1');
      await run([a], { cacheDir });
      await makeFile(join(dir, 'a.bin.new'), 'version-2');
      await rename(join(dir, 'a.bin.new'), a);
      await settle(a);
      const { outcomes } = await run([a], { cacheDir });
      assert.deepEqual(outcomes, [{ ok: true, sha256: sha('version-2'), size: 9, cached: false }]);
    });
  });

  it('after it is truncated and regrown to the same size and mtime', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const a = join(dir, 'a.bin');
      const v1 = garbage(2 * MiB, 1);
      const v2 = garbage(2 * MiB, 2);
      await makeFile(a, v1);
      await run([a], { cacheDir });
      await truncate(a, 0);
      await writeFile(a, v2, { flag: 'r+' });
      await utimes(a, FIXED_MTIME, FIXED_MTIME);
      await settle(a);
      const { outcomes } = await run([a], { cacheDir });
      assert.deepEqual(outcomes, [{ ok: true, sha256: sha(v2), size: v2.length, cached: false }]);
    });
  });

  it('never trusts an entry for another path, even with the same file identity', () => {
    const cache = new HashCache('/nonexistent-cache-dir');
    return (async () => {
      await cache.load(['/a/one.bin', '/b/two.bin']);
      cache.store('/a/one.bin', '1:2:3:4:5', 'a'.repeat(64));
      assert.equal(cache.lookup('/b/two.bin', '1:2:3:4:5'), undefined);
      assert.equal(cache.lookup('/a/one.bin', '1:2:3:4:6'), undefined);
      assert.equal(cache.lookup('/a/one.bin', '1:2:3:4:5'), 'a'.repeat(64));
    })();
  });
});

describe('hash cache: robustness', () => {
  it('ignores corrupt shards with one warning, stays correct, and heals them', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const paths = ['a', 'b', 'c'].map((n) => join(dir, `${n}.bin`));
      for (const p of paths) await makeFile(p, `content of ${p}`);
      await run(paths, { cacheDir });
      const shards = await shardFiles(cacheDir);
      assert.ok(shards.length >= 1);
      const junk = [
        '{not json',
        JSON.stringify({ p: paths[0], k: '1:2:3:4:5', h: 'not-a-digest', t: 1 }),
        JSON.stringify({ p: 'relative/path', k: '1:2:3:4:5', h: 'a'.repeat(64), t: 1 }),
        '\u0000\u0001binary',
      ].join('\n');
      for (const s of shards) await writeFile(s, junk);
      const warnings: string[] = [];
      const second = await run(paths, { cacheDir, onWarning: (w) => warnings.push(w) });
      assert.deepEqual(
        second.outcomes.map((o) => o.ok && o.sha256),
        paths.map((p) => sha(`content of ${p}`)),
      );
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /^hash cache: ignored corrupt entries in .*hashes/);
      const third = await run(paths, { cacheDir, onWarning: (w) => warnings.push(w) });
      assert.equal(warnings.length, 1);
      assert.deepEqual(
        third.outcomes.map((o) => o.ok && o.cached),
        [true, true, true],
      );
    });
  });

  it('hashes correctly, with one warning, when the cache cannot be written', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      await writeFile(cacheDir, 'a file where the cache folder should be');
      const a = join(dir, 'a.bin');
      const b = join(dir, 'b.bin');
      await makeFile(a, 'a');
      await makeFile(b, 'b');
      const warnings: string[] = [];
      const { outcomes } = await run([a, b], { cacheDir, onWarning: (w) => warnings.push(w) });
      assert.deepEqual(
        outcomes.map((o) => o.ok && o.sha256),
        [sha('a'), sha('b')],
      );
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /hash cache: cannot (create|write|read)/);
    });
  });

  it('writes and reads nothing when disabled', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const a = join(dir, 'a.bin');
      const b = join(dir, 'b.bin');
      await makeFile(a, 'a');
      await makeFile(b, 'b');
      await run([a], { cacheDir });
      const before = await Promise.all((await shardFiles(cacheDir)).map(async (f) => [f, await readFile(f, 'utf8')]));
      for (const cacheDirOption of [false, undefined] as const) {
        const { outcomes, stats } = await run([a, b], { cacheDir: cacheDirOption });
        assert.equal(stats.cache, undefined);
        // The entry for `a` exists, but a disabled cache does not even read it.
        assert.deepEqual(
          outcomes.map((o) => o.ok && o.cached),
          [false, false],
        );
      }
      const after = await Promise.all((await shardFiles(cacheDir)).map(async (f) => [f, await readFile(f, 'utf8')]));
      assert.deepEqual(after, before);
      assert.deepEqual(await readdir(dir), ['a.bin', 'b.bin', 'cache']);
    });
  });

  it('survives concurrent runs on one cache: every answer right, every shard whole, no temp files left', async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, 'cache');
      const paths: string[] = [];
      for (let i = 0; i < 30; i++) {
        paths.push(join(dir, `f${i}.bin`));
        await writeFile(paths[i] as string, `file ${i}`);
      }
      await settle(...paths);
      const runs = await Promise.all([0, 1, 2, 3].map((k) => run(k % 2 === 0 ? paths : [...paths].reverse(), { cacheDir })));
      for (const [k, r] of runs.entries()) {
        const expected = (k % 2 === 0 ? paths : [...paths].reverse()).map((p) => sha(`file ${p.slice(p.lastIndexOf('f') + 1, -4)}`));
        assert.deepEqual(
          r.outcomes.map((o) => o.ok && o.sha256),
          expected,
        );
      }
      const names = await readdir(join(cacheDir, 'hashes'));
      assert.ok(names.every((n) => /^v1-[0-9a-f]{2}\.jsonl$/.test(n)), names.join(','));
      for (const n of names) {
        for (const line of (await readFile(join(cacheDir, 'hashes', n), 'utf8')).trim().split('\n')) JSON.parse(line);
      }
    });
  });

  it('keeps each shard bounded, evicting the least recently used, and drops entries unused for too long', async () => {
    await withTempDir(async (cacheDir) => {
      let now = 1_000_000;
      const cache = new HashCache(cacheDir, { maxEntriesPerShard: 2, maxAgeDays: 30, now: () => now });
      const paths = Array.from({ length: 600 }, (_, i) => `/data/file-${i}.bin`);
      await cache.load(paths);
      for (const [i, p] of paths.entries()) {
        now = 1_000_000 + i;
        cache.store(p, `1:${i}:3:4:5`, sha(p));
      }
      await cache.save();
      const kept = new Map<string, number>();
      for (const f of await shardFiles(cacheDir)) {
        const lines = (await readFile(f, 'utf8')).trim().split('\n');
        assert.ok(lines.length <= 2, `${f} has ${lines.length} entries`);
        for (const l of lines) {
          const e = JSON.parse(l) as { p: string; t: number };
          kept.set(e.p, e.t);
        }
      }
      // The newest entry always survives: it is the most recent in its shard.
      assert.ok(kept.has(paths[599] as string));
      assert.ok(kept.size < 600 && kept.size <= 512);

      // 31 days later, touching one path: every entry in its shard unused for 30 days goes.
      now += 31 * 24 * 3600;
      const later = new HashCache(cacheDir, { maxEntriesPerShard: 2, maxAgeDays: 30, now: () => now });
      await later.load([paths[599] as string]);
      later.store(paths[599] as string, '9:9:9:9:9', sha('new'));
      await later.save();
      const fresh = new HashCache(cacheDir, { now: () => now });
      await fresh.load(paths);
      assert.equal(fresh.lookup(paths[599] as string, '9:9:9:9:9'), sha('new'));
      const survivors = paths.filter((p, i) => fresh.lookup(p, `1:${i}:3:4:5`) !== undefined);
      // Shards nobody wrote keep their (old) entries until a run writes them.
      assert.ok(survivors.length > 0 && survivors.length < kept.size);
    });
  });
});
