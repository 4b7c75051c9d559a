import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
