import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rename, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { scan, type ScanOptions } from '../src/scan.js';
import type { Inventory } from '../src/types.js';
import { expandEntries } from '../src/util/entry-list.js';
import { runCli, withTempDir } from './helpers.js';

type Event = Parameters<NonNullable<ScanOptions['onSnapshot']>>[0];

/** Wait until every entry under `root`, folders included, is older than a timestamp tick: newer ones keep a snapshot from being written. */
async function settle(root: string): Promise<void> {
  let newest = (await stat(root, { bigint: true })).ctimeNs;
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    const s = await stat(join(e.parentPath, e.name), { bigint: true }).catch(() => undefined);
    if (s !== undefined && s.ctimeNs > newest) newest = s.ctimeNs;
  }
  const coarse = newest % 1_000_000_000n === 0n;
  const wait = Number(newest / 1_000_000n) + (coarse ? 3000 : 100) + 30 - Date.now();
  if (wait > 0) await sleep(wait);
}

/** A scan with a cache, and what became of the snapshot. */
async function scanWith(root: string, cacheDir: string, options: ScanOptions = {}): Promise<{ inventory: Inventory; events: Event[] }> {
  const events: Event[] = [];
  const inventory = await scan(root, { ...options, cacheDir, onSnapshot: (e) => events.push(e) });
  return { inventory, events };
}

/** The same scan without any cache, as JSON would keep it (no undefined fields): what a snapshot must agree with. */
async function fresh(root: string, options: ScanOptions = {}): Promise<Inventory> {
  return JSON.parse(JSON.stringify(await scan(root, { ...options, cacheDir: false }))) as Inventory;
}

/** A small repository: code naming a Hub model, a prompt, an ignored folder, a .gitignore. */
async function makeTree(root: string): Promise<void> {
  await mkdir(join(root, 'src', 'app'), { recursive: true });
  await mkdir(join(root, 'generated'), { recursive: true });
  await mkdir(join(root, 'prompts'), { recursive: true });
  await writeFile(join(root, 'src', 'app', 'main.py'), 'from transformers import AutoModel\nm = AutoModel.from_pretrained("acme/widget-7b")\n');
  await writeFile(join(root, 'src', 'app', 'util.py'), 'x = 1\n');
  await writeFile(join(root, 'prompts', 'greet.prompt.yml'), 'model: openai/gpt-4o\nmessages:\n  - role: system\n    content: Be brief.\n');
  await writeFile(join(root, '.gitignore'), 'generated/\n');
  await writeFile(join(root, 'generated', 'gen.py'), 'from transformers import AutoModel\nAutoModel.from_pretrained("acme/ignored")\n');
}

/** `makeTree` in a temp dir, plus `extra`, settled, with a cache folder beside it. */
async function withRepo(fn: (root: string, cache: string) => Promise<void>, extra?: (root: string) => Promise<unknown>): Promise<void> {
  await withTempDir(async (dir) => {
    const root = join(dir, 'repo');
    await makeTree(root);
    await extra?.(root);
    await settle(root);
    await fn(root, join(dir, 'cache'));
  });
}

/** Asset ids, such as `model:hf:acme/widget-7b`. */
function assetNames(inv: Inventory): string[] {
  return inv.assets.map((a) => a.id.replace(/^model:hf:/, '')).sort();
}

describe('scan snapshots', () => {
  it('answers an unchanged tree from the snapshot with the same inventory, and writes none without a cache', async () => {
    await withRepo(async (root, cache) => {
      const cold = await scanWith(root, cache);
      assert.deepEqual(cold.events, ['miss', 'saved']);
      assert.ok(assetNames(cold.inventory).includes('acme/widget-7b'));
      const warm = await scanWith(root, cache);
      assert.deepEqual(warm.events, ['hit']);
      assert.deepEqual(warm.inventory, cold.inventory);
      assert.deepEqual(warm.inventory, await fresh(root));
      assert.equal((await readdir(join(cache, 'scans'))).length, 1);
    });
  });

  it('replays the warnings of the scan it recorded', async () => {
    await withRepo(async (root, cache) => {
      const seen: string[][] = [[], []];
      for (const i of [0, 1]) await scan(root, { cacheDir: cache, onIssue: (x) => seen[i]!.push(`${x.path}: ${x.message}`) });
      assert.ok(seen[0]!.some((w) => w.startsWith('model.safetensors: ')), seen[0]!.join('\n'));
      assert.deepEqual(seen[1], seen[0]);
    }, (root) => writeFile(join(root, 'model.safetensors'), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2])));
  });

  // Each change must make the next scan miss, and that scan must see the change.
  const changes: Array<[string, (root: string) => Promise<void>, (inv: Inventory) => void]> = [
    [
      'a same-size edit with the mtime restored',
      async (root) => {
        const f = join(root, 'src', 'app', 'main.py');
        const before = await stat(f);
        await writeFile(f, (await readFile(f, 'utf8')).replace('widget-7b', 'gadget-7b'));
        await utimes(f, before.atime, before.mtime);
      },
      (inv) => assert.ok(assetNames(inv).includes('acme/gadget-7b')),
    ],
    [
      'a new file in a scanned folder',
      async (root) => writeFile(join(root, 'src', 'app', 'more.py'), 'AutoModel.from_pretrained("acme/new-1b")\n'),
      (inv) => assert.ok(assetNames(inv).includes('acme/new-1b')),
    ],
    ['a file deleted', async (root) => unlink(join(root, 'src', 'app', 'main.py')), (inv) => assert.ok(!assetNames(inv).includes('acme/widget-7b'))],
    [
      'a file renamed',
      async (root) => rename(join(root, 'src', 'app', 'main.py'), join(root, 'src', 'app', 'renamed.py')),
      (inv) => assert.ok(JSON.stringify(inv).includes('src/app/renamed.py')),
    ],
    ['the .gitignore edited', async (root) => writeFile(join(root, '.gitignore'), 'dist/\n'), (inv) => assert.ok(assetNames(inv).includes('acme/ignored'))],
    [
      'a folder added deep down',
      async (root) => {
        await mkdir(join(root, 'src', 'app', 'deep'));
        await writeFile(join(root, 'src', 'app', 'deep', 'x.py'), 'AutoModel.from_pretrained("acme/deep-3b")\n');
      },
      (inv) => assert.ok(assetNames(inv).includes('acme/deep-3b')),
    ],
  ];
  for (const [what, change, check] of changes) {
    it(`misses after ${what}, and the rescan sees it`, async () => {
      await withRepo(async (root, cache) => {
        assert.deepEqual((await scanWith(root, cache)).events, ['miss', 'saved']);
        await change(root);
        const after = await scanWith(root, cache);
        assert.equal(after.events[0], 'miss');
        check(after.inventory);
        assert.deepEqual(after.inventory, await fresh(root));
      });
    });
  }

  it('follows a symlink: retargeted, or its target edited, the scan misses', async () => {
    await withRepo(
      async (root, cache) => {
        assert.deepEqual((await scanWith(root, cache)).events, ['miss', 'saved']);
        assert.deepEqual((await scanWith(root, cache)).events, ['hit']);
        // Replace the link in place, as `ln -sfn` does: a rename over it.
        await symlink('../generated/t2.py', join(root, 'src', 'link.tmp'));
        await rename(join(root, 'src', 'link.tmp'), join(root, 'src', 'link.py'));
        const retargeted = await scanWith(root, cache);
        assert.equal(retargeted.events[0], 'miss');
        assert.deepEqual(retargeted.inventory, await fresh(root));
        await settle(root);
        assert.deepEqual((await scanWith(root, cache)).events, ['miss', 'saved']);
        assert.ok(JSON.stringify(retargeted.inventory).includes('acme/t2-1b'));
        // The target edited in place, same size, its mtime restored: in an ignored folder, it is known only through the link.
        const target = join(root, 'generated', 't2.py');
        const before = await stat(target);
        await writeFile(target, (await readFile(target, 'utf8')).replace('t2-1b', 't3-1b'));
        await utimes(target, before.atime, before.mtime);
        const edited = await scanWith(root, cache);
        assert.equal(edited.events[0], 'miss');
        assert.deepEqual(edited.inventory, await fresh(root));
        assert.ok(JSON.stringify(edited.inventory).includes('acme/t3-1b'));
      },
      async (root) => {
        for (const t of ['t1', 't2']) await writeFile(join(root, 'generated', `${t}.py`), `from transformers import AutoModel\nAutoModel.from_pretrained("acme/${t}-1b")\n`);
        await symlink('../generated/t1.py', join(root, 'src', 'link.py'));
      },
    );
  });

  it('hits after a change inside an ignored folder: nothing the scan depends on moved', async () => {
    await withRepo(async (root, cache) => {
      await scanWith(root, cache);
      await writeFile(join(root, 'generated', 'other.py'), 'from transformers import AutoModel\nAutoModel.from_pretrained("acme/also-ignored")\n');
      const after = await scanWith(root, cache);
      assert.deepEqual(after.events, ['hit']);
      assert.deepEqual(after.inventory, await fresh(root));
    });
  });

  it('keeps one snapshot per root and options: another exclude list misses', async () => {
    await withRepo(async (root, cache) => {
      await scanWith(root, cache);
      const other = await scanWith(root, cache, { exclude: ['prompts/**'] });
      assert.deepEqual(other.events, ['miss', 'saved']);
      assert.deepEqual(other.inventory, await fresh(root, { exclude: ['prompts/**'] }));
      assert.deepEqual((await scanWith(root, cache)).events, ['hit']);
      assert.equal((await readdir(join(cache, 'scans'))).length, 2);
    });
  });

  it('writes no snapshot when a file changed within a tick of the scan', async () => {
    await withRepo(async (root, cache) => {
      await writeFile(join(root, 'src', 'app', 'util.py'), 'x = 2\n');
      assert.deepEqual((await scanWith(root, cache)).events, ['miss', 'unsaved']);
      assert.equal((await scanWith(root, cache)).events[0], 'miss');
    });
  });

  it('warns, and returns the same inventory, when the snapshot cannot be written', async () => {
    await withRepo(async (root, cache) => {
      await mkdir(cache, { recursive: true });
      await writeFile(join(cache, 'scans'), 'a file where the folder would go\n');
      const streamed: string[] = [];
      const events: Event[] = [];
      const inv = await scan(root, { cacheDir: cache, onIssue: (i) => streamed.push(`${i.scanner}: ${i.message}`), onSnapshot: (e) => events.push(e) });
      assert.deepEqual(events, ['miss', 'unsaved']);
      const warning = inv.issues.filter((i) => i.scanner === 'snapshot');
      assert.equal(warning.length, 1);
      assert.match(warning[0]!.message, /^cannot write the scan snapshot: E[A-Z]+$/);
      assert.deepEqual(streamed.filter((w) => w.startsWith('snapshot: ')), [`snapshot: ${warning[0]!.message}`]);
      assert.deepEqual({ ...inv, issues: inv.issues.filter((i) => i.scanner !== 'snapshot') }, await fresh(root));
    });
  });

  it('ignores a corrupt or foreign snapshot, and replaces it', async () => {
    await withRepo(async (root, cache) => {
      const cold = await scanWith(root, cache);
      const [name] = await readdir(join(cache, 'scans'));
      const file = join(cache, 'scans', name!);
      const text = await readFile(file, 'utf8');
      const lines = text.split('\n');
      // The last line holds the digests of the recorded keys.
      const wrongDigest = [...lines.slice(0, 5), lines[5]!.replace(/"[0-9a-f]{64}"/, `"${'0'.repeat(64)}"`), ''].join('\n');
      assert.notEqual(wrongDigest, text);
      for (const broken of [text.slice(0, text.length / 2), 'garbage\n', text.replace(/"build":"[^"]*"/, '"build":"other"'), wrongDigest]) {
        await writeFile(file, broken);
        const again = await scanWith(root, cache);
        assert.deepEqual(again.events, ['miss', 'saved']);
        assert.deepEqual(again.inventory, cold.inventory);
      }
      assert.deepEqual((await scanWith(root, cache)).events, ['hit']);
    });
  });

  it('checks a large tree on several threads and still notices one edited file', async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'repo');
      const cache = join(dir, 'cache');
      // Over the 16k entries from which the check is spread over the hash workers.
      for (let d = 0; d < 40; d++) {
        await mkdir(join(root, `pkg${d}`), { recursive: true });
        await Promise.all(Array.from({ length: 450 }, (_, i) => writeFile(join(root, `pkg${d}`, `m${i}.txt`), `${d}-${i}\n`)));
      }
      await writeFile(join(root, 'pkg0', 'main.py'), 'AutoModel.from_pretrained("acme/first-1b")\n');
      await settle(root);
      assert.deepEqual((await scanWith(root, cache)).events, ['miss', 'saved']);
      assert.deepEqual((await scanWith(root, cache)).events, ['hit']);
      // The last file in the snapshot's order: on two cores or more, a worker thread checks it, not this one.
      const f = join(root, 'pkg9', 'm99.txt');
      const before = await stat(f);
      await writeFile(f, '9-9X\n');
      await utimes(f, before.atime, before.mtime);
      assert.equal((await scanWith(root, cache)).events[0], 'miss');
    });
  });

  it('through the CLI: the same BOM bytes from the snapshot, and --no-cache writes none', async () => {
    await withRepo(async (root, cache) => {
      const argv = ['scan', root, '--offline', '--reproducible', '--cache-dir', cache, '--debug'];
      const cold = await runCli(argv);
      const warm = await runCli(argv);
      assert.equal(cold.code, 0, cold.stderr);
      assert.match(cold.stderr, /scan snapshot: saved/);
      assert.match(warm.stderr, /scan snapshot: hit/);
      assert.equal(warm.stdout, cold.stdout);
      const none = join(cache, '..', 'none');
      assert.equal((await runCli(['scan', root, '--offline', '--no-cache'], { env: { XDG_CACHE_HOME: none } })).code, 0);
      await assert.rejects(readdir(join(none, 'mlbom', 'scans')), { code: 'ENOENT' });
    });
  });
});

describe('expandEntries (the snapshot\'s folders and files, by range)', () => {
  const list = { root: '/r', dirsJson: JSON.stringify(['', 'a', 'a/b']), groupsJson: JSON.stringify([['', 'x'], ['a', 'y', 'z'], ['a/b', 'w']]) };
  const all = ['/r', '/r/a', '/r/a/b', '/r/x', '/r/a/y', '/r/a/z', '/r/a/b/w'];

  it('gives the paths of any range, folders first, and the total', () => {
    for (let from = 0; from <= all.length; from++) {
      for (let to = from; to <= all.length + 1; to++) assert.deepEqual(expandEntries(list, from, to), { paths: all.slice(from, to), total: all.length });
    }
  });

  it('throws on what is not a list of entries', () => {
    for (const bad of [{ dirsJson: '{}' }, { groupsJson: '[["a"]]' }, { groupsJson: '[["a", 1]]' }, { dirsJson: '[1]' }, { groupsJson: '[' }]) {
      assert.throws(() => expandEntries({ ...list, ...bad }, 0, 100), SyntaxError);
    }
  });
});
