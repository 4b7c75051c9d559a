import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { classify } from '../src/discover/classify.js';
import { walk } from '../src/discover/walk.js';
import { FILE_SCANNERS } from '../src/scanners/registry.js';
import type { Issue } from '../src/types.js';
import { withTempDir } from './helpers.js';

async function tree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

function safetensorsBytes(): Buffer {
  const json = '{"w":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}';
  const padded = json + ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(padded.length));
  return Buffer.concat([len, Buffer.from(padded), Buffer.from([1, 2])]);
}

describe('discover: walk', () => {
  it('honours nested .gitignore files, negation and .mlbomignore, and skips default folders', async () => {
    await withTempDir(async (root) => {
      await tree(root, {
        '.gitignore': '*.log\nbuild/\n',
        'a.log': 'x',
        'build/out.gguf': 'x',
        'keep.txt': 'x',
        'sub/.gitignore': 'secret/\n!important.log\n',
        'sub/important.log': 'x',
        'sub/secret/key.bin': 'x',
        'sub/visible.bin': 'x',
        'data/.mlbomignore': 'scratch.csv\n',
        'data/scratch.csv': 'x',
        'data/train.csv': 'x',
        'node_modules/pkg/model.onnx': 'x',
        '.venv/lib/model.pt': 'x',
        'deep/__pycache__/x.pyc': 'x',
        '.git/objects/ab': 'x',
      });
      const { files, issues } = await walk(root);
      assert.deepEqual(files.map((f) => f.path), [
        '.gitignore',
        'data/.mlbomignore',
        'data/train.csv',
        'keep.txt',
        'sub/.gitignore',
        'sub/important.log',
        'sub/visible.bin',
      ]);
      assert.deepEqual(issues, []);
    });
  });

  it('scans what .gitignore excludes when gitignore is off, but still honours .mlbomignore', async () => {
    await withTempDir(async (root) => {
      await tree(root, { '.gitignore': 'weights/\n', 'weights/m.gguf': 'x', '.mlbomignore': 'tmp/\n', 'tmp/t.gguf': 'x' });
      const { files } = await walk(root, { gitignore: false });
      assert.deepEqual(files.map((f) => f.path), ['.gitignore', '.mlbomignore', 'weights/m.gguf']);
    });
  });

  it('applies --exclude globs', async () => {
    await withTempDir(async (root) => {
      await tree(root, { 'a/x.gguf': 'x', 'b/y.gguf': 'x', 'b/z.onnx': 'x' });
      const { files } = await walk(root, { exclude: ['b/**/*.gguf'] });
      assert.deepEqual(files.map((f) => f.path), ['a/x.gguf', 'b/z.onnx']);
    });
  });

  it('survives a symlink loop and a link out of the root, warning about each, and follows links inside the root', async () => {
    await withTempDir(async (root) => {
      await tree(root, { 'real/model.safetensors': safetensorsBytes() });
      await mkdir(join(root, 'loop'));
      await symlink('self', join(root, 'loop', 'self'));
      await symlink('..', join(root, 'loop', 'up'));
      await symlink('/etc/hostname', join(root, 'outside.gguf'));
      await symlink('../real/model.safetensors', join(root, 'loop', 'linked.safetensors'));
      const { files, issues } = await walk(root);
      assert.deepEqual(files.map((f) => f.path), ['loop/linked.safetensors', 'real/model.safetensors']);
      assert.equal(files[0]?.linkTarget, 'real/model.safetensors');
      assert.deepEqual(issues.map((i) => `${i.path}: ${i.message}`).sort(), [
        'loop/self: symlink loop; skipped',
        'outside.gguf: symlink points outside the scan root; not followed',
      ]);
    });
  });

  it('skips a fifo with a warning instead of blocking on it', async () => {
    await withTempDir(async (root) => {
      execFileSync('mkfifo', [join(root, 'pipe.gguf')]);
      const { files, issues } = await walk(root);
      assert.deepEqual(files, []);
      assert.deepEqual(issues.map((i) => i.message), ['not a regular file (fifo, socket or device); skipped']);
    });
  });
});

describe('discover: walk, edge cases of the depth-first walk', () => {
  it('finds files and folders whose names hold a newline, and excludes them by glob', async () => {
    await withTempDir(async (root) => {
      await tree(root, {
        'line\nbreak.gguf': 'x',
        'odd\ndir/inner.onnx': 'x',
        'odd\ndir/drop\n.bin': 'x',
        'odd\ndir/node_modules/dep/m.onnx': 'x',
        'plain.bin': 'x',
      });
      const { files, issues } = await walk(root, { exclude: ['**/*.bin'] });
      assert.deepEqual(files.map((f) => f.path), ['line\nbreak.gguf', 'odd\ndir/inner.onnx']);
      assert.equal(files[1]?.absPath, join(root, 'odd\ndir', 'inner.onnx'));
      assert.deepEqual(issues, []);
    });
  });

  it('prunes excluded folders: they are never listed, so nothing inside them is reported', async () => {
    await withTempDir(async (root) => {
      await tree(root, {
        'keep/a.gguf': 'x',
        'keep/w.bin': 'x',
        'legacy/old.gguf': 'x',
        'vendor/lib/v.gguf': 'x',
        'pkg/cache/c.gguf': 'x',
        'pkg/model.gguf': 'x',
        'tmp/t.gguf': 'x',
        'scratch/s.gguf': 'x',
        'old/o.gguf': 'x',
        'weights.bin/inner.gguf': 'x',
        'sub/.hidden/h.gguf': 'x',
        'shard1/a.gguf': 'x',
        'shard2/a.gguf': 'x',
        'shard3/a.gguf': 'x',
      });
      // Inside excluded folders, entries that would each raise an issue if the folder were walked.
      await symlink('loop', join(root, 'legacy', 'loop'));
      await symlink('/etc/hostname', join(root, 'vendor', 'out.gguf'));
      execFileSync('mkfifo', [join(root, 'pkg/cache/pipe')]);

      const listed: string[] = [];
      const realReaddir = fs.readdirSync;
      fs.readdirSync = ((dir: fs.PathLike, opts?: unknown) => {
        listed.push(relative(root, String(dir)).split('\\').join('/'));
        return (realReaddir as (d: fs.PathLike, o?: unknown) => unknown)(dir, opts);
      }) as typeof fs.readdirSync;
      syncBuiltinESMExports();
      let result;
      try {
        result = await walk(root, { exclude: ['legacy', 'vendor/**', '**/cache/**', '{tmp,scratch}', 'old/', '**/*.bin', '.hidden', 'shard{1..2}'] });
      } finally {
        fs.readdirSync = realReaddir;
        syncBuiltinESMExports();
      }
      assert.deepEqual(result.files.map((f) => f.path), [
        'keep/a.gguf',
        'pkg/model.gguf',
        'shard3/a.gguf',
        'sub/.hidden/h.gguf', // `.hidden` is a root-relative path, as in fast-glob: it names no nested folder
        // As with fast-glob, a pattern whose last segment is a glob (`*.bin`) leaves out
        // matching files but does not prune a folder it happens to match.
        'weights.bin/inner.gguf',
      ]);
      assert.deepEqual(result.issues, []);
      assert.deepEqual(listed.sort(), ['', 'keep', 'pkg', 'shard3', 'sub', 'sub/.hidden', 'weights.bin']);
    });
  });

  it('reports an unreadable folder once and goes on, and never reads one that is excluded', async () => {
    await withTempDir(async (root) => {
      await tree(root, { 'a.gguf': 'x', 'locked/x.gguf': 'x', 'z/b.gguf': 'x' });
      // Listing `locked` fails as EACCES would for a non-root user (root reads any folder, so chmod 000 proves nothing in CI).
      const realReaddir = fs.readdirSync;
      fs.readdirSync = ((dir: fs.PathLike, opts?: unknown) => {
        if (String(dir) === join(root, 'locked')) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(dir)}'`), { code: 'EACCES' });
        return (realReaddir as (d: fs.PathLike, o?: unknown) => unknown)(dir, opts);
      }) as typeof fs.readdirSync;
      syncBuiltinESMExports();
      try {
        const open = await walk(root);
        assert.deepEqual(open.files.map((f) => f.path), ['a.gguf', 'z/b.gguf']);
        assert.deepEqual(open.issues.map((i) => `${i.path}: ${i.message}`), ['locked: cannot list directory: EACCES']);
        const excluded = await walk(root, { exclude: ['locked/**'] });
        assert.deepEqual(excluded.files.map((f) => f.path), ['a.gguf', 'z/b.gguf']);
        assert.deepEqual(excluded.issues, []);
      } finally {
        fs.readdirSync = realReaddir;
        syncBuiltinESMExports();
      }
    });
  });

  it('lets each deeper ignore file re-include or re-ignore what the ones above decided', async () => {
    await withTempDir(async (root) => {
      await tree(root, {
        '.gitignore': '*.gguf\ncache/\n',
        'top.gguf': 'x',
        'a/.gitignore': '!keep.gguf\n',
        'a/keep.gguf': 'x',
        'a/drop.gguf': 'x',
        'a/b/.gitignore': 'keep.gguf\n',
        'a/b/keep.gguf': 'x',
        'a/b/c/.mlbomignore': '!*.gguf\nnotes.md\n',
        'a/b/c/keep.gguf': 'x',
        'a/b/c/any.gguf': 'x',
        'a/b/c/notes.md': 'x',
        'a/b/c/cache/inner.txt': 'x',
        'a/b/c/d/deeper.gguf': 'x',
      });
      const { files, issues } = await walk(root);
      assert.deepEqual(files.map((f) => f.path), [
        '.gitignore',
        'a/.gitignore',
        'a/b/.gitignore',
        'a/b/c/.mlbomignore',
        'a/b/c/any.gguf',
        'a/b/c/d/deeper.gguf',
        'a/b/c/keep.gguf',
        'a/keep.gguf',
      ]);
      assert.deepEqual(issues, []);
      // Without .gitignore files, only the .mlbomignore applies.
      const all = await walk(root, { gitignore: false });
      assert.deepEqual(all.files.map((f) => f.path).filter((p) => p.endsWith('.gguf') || p.endsWith('.md') || p.endsWith('.txt')), [
        'a/b/c/any.gguf',
        'a/b/c/cache/inner.txt',
        'a/b/c/d/deeper.gguf',
        'a/b/c/keep.gguf',
        'a/b/keep.gguf',
        'a/drop.gguf',
        'a/keep.gguf',
        'top.gguf',
      ]);
    });
  });

  it('walks a tree 2,000 folders deep without running out of stack', async () => {
    await withTempDir(async (root) => {
      // One-letter names keep the deepest path (about 4,000 bytes) under PATH_MAX.
      const depth = 2000;
      const rel = (n: number): string => Array.from({ length: n }, () => 'd').join('/');
      await mkdir(join(root, rel(depth)), { recursive: true });
      await writeFile(join(root, '.gitignore'), '*.log\n');
      await writeFile(join(root, rel(1000), '.gitignore'), '!keep.log\n');
      await writeFile(join(root, rel(1500), 'keep.log'), 'x');
      await writeFile(join(root, rel(1500), 'drop.log'), 'x');
      await writeFile(join(root, rel(depth), 'm.gguf'), 'x');
      const { files, issues } = await walk(root);
      assert.deepEqual(issues, []);
      // As `depth:name`, so that a failure prints something readable.
      const short = (p: string): string => `${p.split('/').length - 1}:${p.slice(p.lastIndexOf('/') + 1)}`;
      assert.deepEqual(files.map((f) => short(f.path)), ['0:.gitignore', '1000:.gitignore', '2000:m.gguf', '1500:keep.log']);
      assert.equal(files[2]?.path, `${rel(depth)}/m.gguf`);
    });
  });
});

describe('discover: classify', () => {
  it('claims by content over name, and ignores a random .bin', async () => {
    await withTempDir(async (root) => {
      await tree(root, {
        'renamed.bin': Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(20)]),
        'random.bin': Buffer.from('just some bytes that are not a model'),
        'noext': safetensorsBytes(),
        'lies.safetensors': Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(20)]),
        'text.safetensors': 'hello world\n',
        'notes.md': '# hi',
      });
      const { files } = await walk(root);
      const issues: Issue[] = [];
      const got = await classify(files, FILE_SCANNERS, issues);
      assert.deepEqual(got.map((c) => `${c.file.path}=${c.scanner.name}`), [
        'lies.safetensors=gguf',
        'noext=safetensors',
        'renamed.bin=gguf',
        'text.safetensors=safetensors',
      ]);
      assert.deepEqual(issues.map((i) => `${i.path}: ${i.message}`), [
        'lies.safetensors: content is gguf, not the safetensors its name suggests; read as gguf',
      ]);
    });
  });

  it('leaves Hub cache blobs to their snapshot links', async () => {
    await withTempDir(async (root) => {
      const blob = 'hub/models--org--m/blobs/0123abcd';
      await tree(root, { [blob]: safetensorsBytes() });
      await mkdir(join(root, 'hub/models--org--m/snapshots/' + 'c'.repeat(40)), { recursive: true });
      await symlink('../../blobs/0123abcd', join(root, 'hub/models--org--m/snapshots/' + 'c'.repeat(40) + '/model.safetensors'));
      const { files } = await walk(root);
      const got = await classify(files, FILE_SCANNERS, []);
      assert.deepEqual(got.map((c) => c.file.path), [`hub/models--org--m/snapshots/${'c'.repeat(40)}/model.safetensors`]);
    });
  });
});
