import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { link, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { hashFiles, type HashOptions, type HashOutcome, type HashSession, type HashStats } from '../src/hash/engine.js';
import { digestFile, digestFileSync, statKey } from '../src/hash/digest.js';
import { keyDigests } from '../src/util/cache-file.js';
import { HashWorkerPool } from '../src/hash/pool.js';
import { repoRoot, withTempDir } from './helpers.js';
import { garbage as pseudoRandomBytes } from './util/pseudo-random.js';

const KiB = 1024;
const MiB = 1024 * KiB;

function sha(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Run hashFiles and also return its stats. */
async function hashWithStats(paths: readonly string[], options: HashOptions = {}): Promise<{ outcomes: Awaited<ReturnType<typeof hashFiles>>; stats: HashStats }> {
  let stats: HashStats | undefined;
  const outcomes = await hashFiles(paths.map((absPath) => ({ absPath })), { ...options, onStats: (s) => (stats = s) });
  assert.ok(stats !== undefined);
  return { outcomes, stats };
}

/** Sizes around a chunk boundary, with a chunk of `chunk` bytes. */
function boundarySizes(chunk: number): number[] {
  return [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk + 17];
}

describe('hashFiles: digests', () => {
  for (const [where, mainThreadMaxBytes] of [['calling thread', Infinity], ['worker threads', 0]] as const) {
    it(`matches SHA-256 of the content at chunk boundaries on the ${where}`, async () => {
      await withTempDir(async (dir) => {
        const chunk = 64 * KiB;
        const files: { path: string; data: Uint8Array }[] = [];
        for (const size of boundarySizes(chunk)) {
          const data = pseudoRandomBytes(size, size + 1);
          const path = join(dir, `f-${size}.bin`);
          await writeFile(path, data);
          files.push({ path, data });
        }
        const { outcomes, stats } = await hashWithStats(files.map((f) => f.path), { chunkSize: chunk, mainThreadMaxBytes });
        outcomes.forEach((o, i) => {
          const f = files[i]!;
          assert.deepEqual(o, { ok: true, sha256: sha(f.data), size: f.data.length, cached: false }, f.path);
        });
        if (mainThreadMaxBytes === 0) assert.equal(stats.onWorkers, files.length);
        else assert.equal(stats.onMainThread, files.length);
      });
    });
  }

  it('agrees with sha256sum on a multi-chunk file at the default chunk size, boundary ± 1', async () => {
    await withTempDir(async (dir) => {
      const paths: string[] = [];
      for (const size of [8 * MiB - 1, 8 * MiB, 8 * MiB + 1, 2 * 8 * MiB + 5]) {
        const path = join(dir, `f-${size}.bin`);
        await writeFile(path, pseudoRandomBytes(size, size));
        paths.push(path);
      }
      const outcomes = await hashFiles(paths.map((absPath) => ({ absPath })));
      const expected = execFileSync('sha256sum', paths, { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]);
      assert.deepEqual(
        outcomes.map((o) => (o.ok ? o.sha256 : o.code)),
        expected,
      );
    });
  });

  it('hashes many files at once and keeps the input order', async () => {
    await withTempDir(async (dir) => {
      const files: { path: string; digest: string }[] = [];
      // Sizes on both sides of the calling-thread limit, shuffled, so both paths run at once.
      for (let i = 0; i < 40; i++) {
        const size = i % 5 === 0 ? 1 * MiB + i * 997 : (i * 7919) % (200 * KiB);
        const data = pseudoRandomBytes(size, 1000 + i);
        const path = join(dir, `m-${String(i).padStart(2, '0')}.bin`);
        await writeFile(path, data);
        files.push({ path, digest: sha(data) });
      }
      const order = [...files].reverse();
      const { outcomes, stats } = await hashWithStats(order.map((f) => f.path));
      assert.deepEqual(
        outcomes.map((o) => (o.ok ? o.sha256 : o.code)),
        order.map((f) => f.digest),
      );
      assert.equal(stats.onWorkers, 8);
      assert.equal(stats.onMainThread, 32);
    });
  });

  it('spreads small files over the workers once they add up to enough to pay for the pool', async () => {
    await withTempDir(async (dir) => {
      const paths: string[] = [];
      const digests: string[] = [];
      // 130 × 520 KiB ≈ 66 MiB of files under 1 MiB, plus a few tiny ones that stay on this thread.
      for (let i = 0; i < 135; i++) {
        const data = pseudoRandomBytes(i < 130 ? 520 * KiB : 100, i);
        paths.push(join(dir, `shard-${i}.bin`));
        digests.push(sha(data));
        await writeFile(paths[i]!, data);
      }
      const { outcomes, stats } = await hashWithStats(paths);
      assert.deepEqual(
        outcomes.map((o) => o.ok && o.sha256),
        digests,
      );
      assert.deepEqual([stats.onWorkers, stats.onMainThread], [130, 5]);
    });
  });

  it('reports progress up to every byte and every file', async () => {
    await withTempDir(async (dir) => {
      const a = join(dir, 'a.bin');
      const b = join(dir, 'b.bin');
      const big = 40 * MiB + 1;
      await writeFile(a, pseudoRandomBytes(big, 1));
      await writeFile(b, pseudoRandomBytes(10, 2));
      const seen: { filesDone: number; bytesDone: number; bytesTotal: number }[] = [];
      await hashFiles([{ absPath: a }, { absPath: b }, { absPath: a }], { chunkSize: MiB, onProgress: (p) => seen.push(p) });
      const last = seen.at(-1)!;
      assert.deepEqual({ ...last }, { ...last, filesDone: 3, bytesDone: big + 10, bytesTotal: big + 10 });
      // The big file (on a worker) reports as it goes, not only when done.
      assert.ok(seen.filter((p) => p.bytesDone > 10 && p.bytesDone < big).length >= 2, JSON.stringify(seen));
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.bytesDone >= seen[i - 1]!.bytesDone);
    });
  });
});

describe('hashFiles: errors are outcomes', () => {
  it('turns a missing file, a folder, a FIFO, a symlink loop and a read error into error outcomes', async () => {
    await withTempDir(async (dir) => {
      const good = join(dir, 'good.bin');
      await writeFile(good, 'ok');
      await mkdir(join(dir, 'sub'));
      execFileSync('mkfifo', [join(dir, 'pipe')]);
      await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
      await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
      for (const mainThreadMaxBytes of [Infinity, 0]) {
        const outcomes = await hashFiles(
          [good, join(dir, 'missing.bin'), join(dir, 'sub'), join(dir, 'pipe'), join(dir, 'loop-a'), '/proc/self/mem'].map((absPath) => ({ absPath })),
          { mainThreadMaxBytes },
        );
        assert.deepEqual(
          outcomes.map((o) => (o.ok ? o.sha256 : o.code)),
          [sha(Buffer.from('ok')), 'ENOENT', 'EISDIR', 'EINVAL', 'ELOOP', 'EIO'],
        );
        assert.deepEqual(outcomes[1], { ok: false, code: 'ENOENT', message: 'no such file' });
        assert.deepEqual(outcomes[2], { ok: false, code: 'EISDIR', message: 'is a directory' });
      }
    });
  });

  it('reports EACCES for an unreadable file (root reads it anyway)', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'secret.bin');
      await writeFile(path, 'x', { mode: 0o000 });
      const [o] = await hashFiles([{ absPath: path }]);
      // Root bypasses file modes, so there the file must hash; anyone else must get a clean EACCES.
      if (process.getuid?.() === 0) assert.deepEqual(o, { ok: true, sha256: sha(Buffer.from('x')), size: 1, cached: false });
      else assert.deepEqual(o, { ok: false, code: 'EACCES', message: 'permission denied' });
    });
  });

  it('gives an error outcome, not a hang, when a worker dies mid-task, and replaces the worker', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'data.bin');
      await writeFile(data, pseudoRandomBytes(2 * MiB, 3));
      for (const [name, body] of [
        ['exits.mjs', `parentPort.on('message', () => process.exit(3));`],
        ['throws.mjs', `parentPort.on('message', () => { throw new Error('boom'); });`],
      ]) {
        const script = join(dir, name!);
        await writeFile(script, `import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ type: 'ready' });\n${body}\n`);
        const pool = new HashWorkerPool({ size: 2, script: pathToFileURL(script) });
        const outcomes = await hashFiles([data, data, join(dir, 'x'), data].map((absPath) => ({ absPath })), { pool });
        assert.equal(outcomes[0]!.ok, false);
        assert.equal(outcomes[0]!.ok === false && outcomes[0]!.code, 'ERROR');
        assert.match(outcomes[0]!.ok === false ? outcomes[0]!.message : '', /hash worker (exited with code 3|failed: boom)/);
        assert.equal(outcomes[2]!.ok === false && outcomes[2]!.code, 'ENOENT');
        // A second run on the same pool gets a fresh worker, which dies the same way.
        const again = await hashFiles([{ absPath: data }], { pool });
        assert.equal(again[0]!.ok, false);
        assert.ok(pool.stats.crashed >= 2);
        await pool.close();
      }
    });
  });

  it('falls back to the calling thread when the worker script cannot run', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'data.bin');
      const bytes = pseudoRandomBytes(2 * MiB, 4);
      await writeFile(data, bytes);
      const pool = new HashWorkerPool({ script: pathToFileURL(join(dir, 'no-such-worker.js')) });
      const { outcomes, stats } = await hashWithStats([data], { pool });
      assert.deepEqual(outcomes, [{ ok: true, sha256: sha(bytes), size: bytes.length, cached: false }]);
      assert.equal(stats.onMainThread, 1);
      await pool.close();
    });
  });

  it('lets the process exit as soon as the work is done (idle workers hold nothing open)', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'data.bin');
      const bytes = pseudoRandomBytes(3 * MiB, 5);
      await writeFile(data, bytes);
      const script = `
        const { hashFiles } = await import(${JSON.stringify(join(repoRoot, 'dist/src/hash/engine.js'))});
        let onWorkers = 0;
        const [o] = await hashFiles([{ absPath: ${JSON.stringify(data)} }], { mainThreadMaxBytes: 0, onStats: (s) => (onWorkers = s.onWorkers) });
        const done = Date.now();
        process.on('exit', () => console.log(JSON.stringify({ sha256: o.sha256, onWorkers, exitAfterMs: Date.now() - done })));
      `;
      // --input-type=module: also checks that flags of the parent do not stop the worker from loading.
      const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 })) as { sha256: string; onWorkers: number; exitAfterMs: number };
      assert.equal(out.sha256, sha(bytes));
      assert.equal(out.onWorkers, 1);
      // A referenced idle worker would hold the process until the 2 s idle timeout.
      assert.ok(out.exitAfterMs < 1000, `exit came ${out.exitAfterMs} ms after the hash`);
    });
  });

  it('calls onStarted once, when the files are cached or handed over and before any is done', async () => {
    await withTempDir(async (dir) => {
      const files = [0, 1, 2].map((i) => join(dir, `w${i}.bin`));
      const contents = files.map((_, i) => pseudoRandomBytes(2 * MiB + i, 40 + i));
      await Promise.all(files.map((f, i) => writeFile(f, contents[i]!)));
      await sleep(150); // past the racily-clean window, so the first hash is cached
      const cacheDir = join(dir, 'cache');
      // One file is in the hash cache already: it is answered, not handed over.
      await hashFiles([{ absPath: files[0]! }], { cacheDir, concurrency: 1 });
      const pool = new HashWorkerPool({ size: 2, idleMs: 60_000 });
      try {
        const seen: Array<{ tasks: number; done: number }> = [];
        let done = 0;
        const outcomes = await hashFiles(files.map((absPath) => ({ absPath })), {
          pool,
          cacheDir,
          mainThreadMaxBytes: 0,
          concurrency: 1,
          onProgress: (p) => (done = p.filesDone - p.filesCached),
          onStarted: () => seen.push({ tasks: pool.stats.tasks, done }),
        });
        // With one file at a time, the first uncached file is with a worker and the other waits its turn.
        assert.deepEqual(seen, [{ tasks: 1, done: 0 }]);
        assert.deepEqual(outcomes.map((o) => o.ok && o.sha256), contents.map((c) => sha(c)));
        assert.equal(pool.stats.tasks, 2);
      } finally {
        await pool.close();
      }
    });
  });

  it('prestarts workers that take the first tasks, up to the pool size', async () => {
    await withTempDir(async (dir) => {
      const files = [0, 1, 2].map((i) => join(dir, `w${i}.bin`));
      const contents = files.map((_, i) => pseudoRandomBytes(2 * MiB + i, 20 + i));
      await Promise.all(files.map((f, i) => writeFile(f, contents[i]!)));
      const pool = new HashWorkerPool({ size: 2, idleMs: 60_000 });
      try {
        pool.prestart(4);
        assert.equal(pool.stats.started, 2);
        await pool.booted();
        const { outcomes, stats } = await hashWithStats(files, { pool });
        assert.deepEqual(
          outcomes.map((o) => o.ok && o.sha256),
          contents.map((c) => sha(c)),
        );
        assert.equal(stats.onWorkers, 3);
        // The prestarted workers did the work: none was started for it.
        assert.equal(pool.stats.started, 2);
        assert.equal(pool.stats.tasks, 3);
      } finally {
        await pool.close();
      }
    });
  });

  it('computes key digests on a worker, the same as on this thread', async () => {
    await withTempDir(async (dir) => {
      const paths = [0, 1, 2, 3, 4].map((i) => join(dir, `k${i}.txt`));
      await Promise.all(paths.map((p, i) => writeFile(p, `${i}\n`)));
      // One missing path: its key is the error, on either thread.
      const all = [...paths, join(dir, 'missing')];
      const pool = new HashWorkerPool({ size: 1 });
      try {
        const there = await pool.digests(all, 2);
        assert.equal(pool.stats.tasks, 1);
        assert.deepEqual(there, keyDigests(all, 2));
        assert.equal(there?.length, 3);
        await writeFile(paths[4]!, 'changed\n');
        assert.notDeepEqual(await pool.digests(all, 2), there);
      } finally {
        await pool.close();
      }
    });
  });

  it('resolves booted() when a prestarted worker cannot run, and hashes on the calling thread', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'data.bin');
      const bytes = pseudoRandomBytes(2 * MiB, 30);
      await writeFile(data, bytes);
      const pool = new HashWorkerPool({ script: pathToFileURL(join(dir, 'no-such-worker.js')) });
      pool.prestart(2);
      await pool.booted();
      const { outcomes, stats } = await hashWithStats([data], { pool });
      assert.deepEqual(outcomes, [{ ok: true, sha256: sha(bytes), size: bytes.length, cached: false }]);
      assert.equal(stats.onMainThread, 1);
      await pool.close();
    });
  });

  it('lets the process exit at once with prestarted workers that got no work', async () => {
    const script = `
      const { sharedPool } = await import(${JSON.stringify(join(repoRoot, 'dist/src/hash/pool.js'))});
      sharedPool().prestart(2);
      await sharedPool().booted();
      const done = Date.now();
      process.on('exit', () => console.log(JSON.stringify({ started: sharedPool().stats.started, exitAfterMs: Date.now() - done })));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 })) as { started: number; exitAfterMs: number };
    assert.ok(out.started >= 1);
    // A referenced idle worker would hold the process until the 2 s idle timeout.
    assert.ok(out.exitAfterMs < 1000, `exit came ${out.exitAfterMs} ms after the workers booted`);
  });
});

describe('hashFiles: callbacks', () => {
  it('rejects with what onProgress threw, after the work, without crashing the process', async () => {
    await withTempDir(async (dir) => {
      const big = join(dir, 'big.bin');
      await writeFile(big, pseudoRandomBytes(40 * MiB, 7));
      let calls = 0;
      await assert.rejects(
        hashFiles([{ absPath: big }], {
          onProgress: () => {
            calls++;
            throw new Error('renderer broke');
          },
        }),
        /renderer broke/,
      );
      assert.ok(calls > 2);
    });
  });
});

describe('hashFiles: each file once', () => {
  it('hashes a file named several ways (same path, symlink, hard link) once', async () => {
    await withTempDir(async (dir) => {
      const real = join(dir, 'weights.bin');
      const bytes = pseudoRandomBytes(2 * MiB + 3, 6);
      await writeFile(real, bytes);
      await symlink(real, join(dir, 'alias.bin'));
      await link(real, join(dir, 'hard.bin'));
      await mkdir(join(dir, 'sub'));
      const viaDots = join(dir, 'sub', '..', 'weights.bin');
      const other = join(dir, 'other.bin');
      await writeFile(other, 'other');
      const paths = [real, join(dir, 'alias.bin'), real, other, join(dir, 'hard.bin'), viaDots];
      const { outcomes, stats } = await hashWithStats(paths);
      const expected = { ok: true, sha256: sha(bytes), size: bytes.length, cached: false };
      assert.deepEqual(outcomes, [expected, expected, expected, { ok: true, sha256: sha(Buffer.from('other')), size: 5, cached: false }, expected, expected]);
      assert.equal(stats.jobs, 6);
      assert.equal(stats.unique, 2);
      assert.equal(stats.hashed, 2);
      assert.equal(stats.bytesHashed, bytes.length + 5);
    });
  });

  it('shares files across calls of one session: a file the first call took on is awaited, not read again', async () => {
    await withTempDir(async (dir) => {
      const big = join(dir, 'model.safetensors');
      const bytes = pseudoRandomBytes(3 * MiB + 1, 7);
      await writeFile(big, bytes);
      await link(big, join(dir, 'copy.bin'));
      await writeFile(join(dir, 'config.json'), '{}');
      const session: HashSession = new Map();
      // Both calls run at once, as in scan: the early batch of weights and the final batch of every asset file.
      const [early, late] = await Promise.all([
        hashWithStats([big], { session }),
        hashWithStats([join(dir, 'config.json'), join(dir, 'copy.bin'), big], { session }),
      ]);
      const expected: HashOutcome = { ok: true, sha256: sha(bytes), size: bytes.length, cached: false };
      assert.deepEqual(early.outcomes, [expected]);
      assert.deepEqual(late.outcomes, [{ ok: true, sha256: sha(Buffer.from('{}')), size: 2, cached: false }, expected, expected]);
      assert.equal(early.stats.hashed + late.stats.hashed, 2, 'the 3 MiB file was read once in all');
      assert.equal(early.stats.bytesHashed + late.stats.bytesHashed, bytes.length + 2);
      assert.equal(session.size, 2);
    });
  });

  it('a file that cannot be taken on (FIFO, missing) is an error outcome in every call of the session', async () => {
    await withTempDir(async (dir) => {
      const session: HashSession = new Map();
      const fifo = join(dir, 'pipe.bin');
      execFileSync('mkfifo', [fifo]);
      const a = await hashFiles([{ absPath: fifo }], { session });
      const b = await hashFiles([{ absPath: fifo }, { absPath: join(dir, 'gone.bin') }], { session });
      assert.equal(a[0]?.ok, false);
      assert.deepEqual(b.map((o) => o.ok), [false, false]);
    });
  });
});

describe('digestFile and digestFileSync (the calling thread\'s loop and the workers\')', () => {
  const variants = [
    ['digestFile', digestFile],
    ['digestFileSync', async (...a: Parameters<typeof digestFileSync>) => digestFileSync(...a)],
  ] as const;

  for (const [name, digest] of variants) {
    it(`${name}: the digest and size of the content, at and around chunk boundaries, reusing given buffers`, async () => {
      await withTempDir(async (dir) => {
        const chunk = 64 * KiB;
        const buffers = [Buffer.alloc(chunk), Buffer.alloc(chunk)];
        for (const size of boundarySizes(chunk)) {
          const f = join(dir, `f${size}`);
          const bytes = pseudoRandomBytes(size, size);
          await writeFile(f, bytes);
          const r = await digest(f, { chunkSize: chunk, buffers });
          assert.deepEqual(r, { sha256: sha(bytes), size, stable: true }, `size ${size}`);
        }
      });
    });

    it(`${name}: not stable when the file no longer has the key the caller saw`, async () => {
      await withTempDir(async (dir) => {
        const f = join(dir, 'w.bin');
        await writeFile(f, pseudoRandomBytes(100 * KiB, 1));
        const seen = statKey(await stat(f, { bigint: true }));
        // A same-size rewrite: the ctime (and usually the mtime) moves.
        await new Promise((r) => setTimeout(r, 20));
        const now = pseudoRandomBytes(100 * KiB, 2);
        await writeFile(f, now);
        const r = await digest(f, { expectKey: seen });
        assert.equal(r.sha256, sha(now));
        assert.equal(r.stable, false);
        assert.equal((await digest(f, { expectKey: statKey(await stat(f, { bigint: true })) })).stable, true);
      });
    });

    it(`${name}: EISDIR for a folder and EINVAL for a FIFO, without blocking on it`, async () => {
      await withTempDir(async (dir) => {
        await assert.rejects(digest(dir), { code: 'EISDIR' });
        const fifo = join(dir, 'pipe');
        execFileSync('mkfifo', [fifo]);
        await assert.rejects(digest(fifo), { code: 'EINVAL' });
      });
    });
  }
});
