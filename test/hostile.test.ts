import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath, repoRoot, schemaErrors, withTempDir } from './helpers.js';

/** Deterministic garbage: a linear congruential generator, not crypto. */
function garbage(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/**
 * Run the real CLI in a child process. As root (CI), run it as `nobody` so
 * that a chmod 000 file really is unreadable.
 */
function runAsUser(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'mlbom.js'), ...args], {
    encoding: 'utf8',
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    env: { PATH: process.env['PATH'] ?? '', SOURCE_DATE_EPOCH: '0', HF_HUB_OFFLINE: '1', HOME: '/nonexistent' },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hostile input', () => {
  it('warns once per bad file, naming it, records model-format files as unparsed, and exits 0', async () => {
    await withTempDir(async (root) => {
      await chmod(root, 0o755);
      await cp(fixturePath('scanners', 'safetensors', 'hostile'), join(root, 'st'), { recursive: true });
      await cp(fixturePath('scanners', 'gguf', 'hostile'), join(root, 'gg'), { recursive: true });
      await mkdir(join(root, 'misc'));
      await writeFile(join(root, 'misc', 'garbage.onnx'), garbage(4096, 1));
      await writeFile(join(root, 'misc', 'zero.gguf'), Buffer.alloc(0));
      await writeFile(join(root, 'misc', 'locked.safetensors'), 'secret');
      await chmod(join(root, 'misc', 'locked.safetensors'), 0o000);
      await symlink('loop', join(root, 'misc', 'loop'));
      await writeFile(join(root, 'misc', 'fine.gguf'), Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(16)]));

      const r = runAsUser(['scan', root, '--no-cache']);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(!r.stderr.includes('    at '), 'no stack trace');
      // Findings (a parsed model with no licence) are not warnings.
      const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('mlbom: finding:'));
      for (const line of lines) assert.match(line, /^mlbom: warning: \S+: .+ \[[\w-]+\]$/);
      const warned = new Set(lines.map((l) => l.split(': ')[2]));
      const expectWarned = [
        ...['array-header', 'empty', 'header-larger-than-file', 'header-length-2pow63', 'invalid-json', 'invalid-utf8', 'text', 'truncated'].map((n) => `st/${n}.safetensors`),
        ...['array-count-2pow50', 'empty', 'key-length-2pow62', 'kv-count-2pow40', 'nested-arrays-depth5', 'truncated-after-magic', 'unknown-value-type', 'wrong-magic'].map((n) => `gg/${n}.gguf`),
        'misc/garbage.onnx',
        'misc/zero.gguf',
        'misc/locked.safetensors',
        'misc/loop',
      ];
      for (const p of expectWarned) assert.ok(warned.has(p), `no warning for ${p}:\n${r.stderr}`);
      assert.equal(lines.length, expectWarned.length, `one warning per bad file:\n${r.stderr}`);

      assert.deepEqual(await schemaErrors(r.stdout), []);
      const bom = JSON.parse(r.stdout);
      const byRef = new Map(bom.components.map((c: { 'bom-ref': string }) => [c['bom-ref'], c]));
      for (const p of expectWarned.filter((x) => x !== 'misc/loop')) {
        const c = byRef.get(`model:${p}`) as { type: string; properties: { name: string; value: string }[] } | undefined;
        assert.ok(c !== undefined, `${p} recorded`);
        assert.equal(c.type, 'file', p);
        assert.ok(c.properties.some((x) => x.name === 'mlbom:parsed' && x.value === 'false'), p);
      }
      // The one good file is still a model.
      assert.equal((byRef.get('model:misc/fine.gguf') as { type: string }).type, 'machine-learning-model');
      // The unreadable file's content never reaches the output.
      assert.ok(!r.stdout.includes('secret'));
    });
  });
});
