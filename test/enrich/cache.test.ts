import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createResponseCache, defaultCacheDir, isImmutableRevision, ResponseCache, type CacheEntry } from '../../src/enrich/cache.js';
import { withTempDir } from '../helpers.js';

const SHA = '86b5e0934494bd15c9632b12f734a8a67f723594';
const entry: CacheEntry = { body: '{"id":"google-bert/bert-base-uncased"}', etag: 'W/"1144-x"', canonicalId: 'google-bert/bert-base-uncased', resolvedSha: SHA, fetchedAt: '2025-01-22T18:24:45.000Z' };

describe('ResponseCache', () => {
  it('round-trips an entry, keyed by kind, repo id and revision', async () => {
    await withTempDir(async (dir) => {
      const cache = new ResponseCache(dir);
      assert.equal(await cache.get({ kind: 'model', repoId: 'google-bert/bert-base-uncased' }), undefined);
      assert.equal(await cache.set({ kind: 'model', repoId: 'google-bert/bert-base-uncased' }, entry), true);
      assert.deepEqual(await cache.get({ kind: 'model', repoId: 'google-bert/bert-base-uncased' }), entry);
      // Every key part matters.
      assert.equal(await cache.get({ kind: 'dataset', repoId: 'google-bert/bert-base-uncased' }), undefined);
      assert.equal(await cache.get({ kind: 'model', repoId: 'google-bert/bert-base-uncased', revision: 'main' }), undefined);
      assert.equal(await cache.get({ kind: 'model', repoId: 'google-bert/bert-base-cased' }), undefined);
      // A second instance over the same directory sees it (the next scan).
      assert.deepEqual(await new ResponseCache(dir).get({ kind: 'model', repoId: 'google-bert/bert-base-uncased' }), entry);
    });
  });

  it('names files by a hash, so no repo id or revision can steer the path', async () => {
    await withTempDir(async (dir) => {
      const cache = new ResponseCache(dir);
      const key = { kind: 'model' as const, repoId: '../../etc', revision: '../../passwd' };
      assert.equal(await cache.set(key, entry), true);
      assert.match(basename(cache.fileFor(key)), /^model-[0-9a-f]{64}\.json$/);
      assert.equal(join(cache.fileFor(key), '..'), cache.dir);
      assert.deepEqual(await cache.get(key), entry);
    });
  });

  it('writes atomically and leaves no temp files behind', async () => {
    await withTempDir(async (dir) => {
      const cache = new ResponseCache(dir);
      await Promise.all(Array.from({ length: 20 }, (_, i) => cache.set({ kind: 'model', repoId: 'a/b' }, { ...entry, etag: `"${i}"` })));
      const files = await readdir(cache.dir);
      assert.deepEqual(files, [basename(cache.fileFor({ kind: 'model', repoId: 'a/b' }))]);
      assert.match((await cache.get({ kind: 'model', repoId: 'a/b' }))?.etag ?? '', /^"\d+"$/);
    });
  });

  it('treats a corrupt, truncated, foreign or ill-typed entry as a miss', async () => {
    await withTempDir(async (dir) => {
      const cache = new ResponseCache(dir);
      const key = { kind: 'model' as const, repoId: 'a/b', revision: SHA };
      await cache.set(key, entry);
      const file = cache.fileFor(key);
      const good = await readFile(file, 'utf8');
      for (const bad of ['', '{"layout":', 'null', '[]', good.replace('"body":', '"bodyX":'), good.replace('"a/b"', '"a/c"'), good.replace('"fetchedAt":"2025-01-22T18:24:45.000Z"', '"fetchedAt":1')]) {
        await writeFile(file, bad);
        assert.equal(await cache.get(key), undefined, `entry ${JSON.stringify(bad.slice(0, 40))}`);
      }
    });
  });

  it('reports a failed write instead of throwing', async () => {
    await withTempDir(async (dir) => {
      const blocker = join(dir, 'file');
      await writeFile(blocker, 'not a directory');
      assert.equal(await new ResponseCache(blocker).set({ kind: 'model', repoId: 'a/b' }, entry), false);
    });
  });

  it('knows a 40-hex sha is immutable and a branch is not', () => {
    assert.equal(isImmutableRevision(SHA), true);
    assert.equal(isImmutableRevision(SHA.toUpperCase()), true);
    assert.equal(isImmutableRevision('main'), false);
    assert.equal(isImmutableRevision(SHA.slice(0, 7)), false);
    assert.equal(isImmutableRevision(undefined), false);
  });

  it('defaults under $XDG_CACHE_HOME/mlbom or ~/.cache/mlbom, and `false` disables it', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/u'), join('/x/cache', 'mlbom'));
    assert.equal(defaultCacheDir({}, '/home/u'), join('/home/u', '.cache', 'mlbom'));
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '' }, '/home/u'), join('/home/u', '.cache', 'mlbom'));
    assert.equal(createResponseCache(false), undefined);
    assert.ok(createResponseCache('/tmp/somewhere') instanceof ResponseCache);
  });
});
