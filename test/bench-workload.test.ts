import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openSync, readFileSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseToml } from 'smol-toml';
import { buildMonorepo, monorepoSpec, type TreeSpec } from '../bench/workload.js';
import { writeWeightFile } from '../bench/weights.js';
import { scan } from '../src/scan.js';
import { withTempDir } from './helpers.js';

const TINY: Partial<TreeSpec> = { prompts: 10, notebooks: 2, modelFolders: 2, vendoredFiles: 20, ignoredFiles: 10 };

/** Every regular file under `root`, root-relative, sorted. */
function listFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; parentPath?: string; path?: string; name: string }>)
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path ?? '', d.name).slice(root.length + 1))
    .sort();
}

function digestOf(root: string): string {
  const h = createHash('sha256');
  for (const f of listFiles(root)) h.update(`${f}\0`).update(readFileSync(join(root, f)));
  return h.digest('hex');
}

/** The safetensors header of a file: its JSON and where the payload starts. */
function safetensorsHeader(path: string): { json: Record<string, { data_offsets?: number[] }>; start: number } {
  const fd = openSync(path, 'r');
  try {
    const len = Buffer.alloc(8);
    readSync(fd, len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE());
    const text = Buffer.alloc(n);
    readSync(fd, text, 0, n, 8);
    return { json: JSON.parse(text.toString('utf8')), start: 8 + n };
  } finally {
    closeSync(fd);
  }
}

describe('bench workload generator', () => {
  it('builds the described monorepo at a tiny scale', async () => {
    await withTempDir(async (dir) => {
      const spec = monorepoSpec(500, TINY);
      const s = buildMonorepo(dir, spec);
      const files = listFiles(dir);
      const c = s.counts;
      assert.equal(files.length, s.files);
      assert.equal(s.files, c.source + c.prompts + c.notebooks + c.manifests + c.modelFolderFiles + c.vendored + c.ignored + c.meta);
      assert.equal(Object.values(s.sourceByExt).reduce((a, b) => a + b, 0), 500);
      for (const ext of ['.ts', '.py', '.md', '.json', '.yaml']) assert.ok((s.sourceByExt[ext] ?? 0) > 0, `no ${ext} source files`);
      // Nested packages, as in a monorepo.
      assert.ok(files.some((f) => /^packages\/\w+\/[\w-]+\/src\/a\d\/s\d\/[\w]+\.ts$/.test(f)));
      assert.ok(files.some((f) => /^services\/svc-\d\/\w+\/\w+\/a\d\/s\d\/\w+\.py$/.test(f)));

      const prompts = files.filter((f) => /\.(prompt|prompty|prompt\.yaml)$/.test(f) || /\/prompts\/[^/]+\.(yaml|jinja)$/.test(f));
      assert.equal(prompts.length, 10);
      const notebooks = files.filter((f) => f.endsWith('.ipynb'));
      assert.equal(notebooks.length, 2);
      for (const nb of notebooks) assert.equal(JSON.parse(readFileSync(join(dir, nb), 'utf8')).nbformat, 4);

      for (const m of ['package.json', 'package-lock.json', 'apps/web/package.json', 'apps/web/package-lock.json']) JSON.parse(readFileSync(join(dir, m), 'utf8'));
      for (const m of ['pyproject.toml', 'services/svc-1/pyproject.toml', 'services/svc-3/pyproject.toml']) parseToml(readFileSync(join(dir, m), 'utf8'));
      assert.match(readFileSync(join(dir, 'requirements.txt'), 'utf8'), /^transformers==/m);

      assert.deepEqual(s.modelFolders, ['models/sentiment-small', 'models/intent-router']);
      for (const m of s.modelFolders) {
        assert.match(readFileSync(join(dir, m, 'README.md'), 'utf8'), /^---\nlicense: apache-2.0\nbase_model: /);
        JSON.parse(readFileSync(join(dir, m, 'config.json'), 'utf8'));
        const weights = join(dir, m, 'model.safetensors');
        const { json, start } = safetensorsHeader(weights);
        const ends = Object.values(json).map((t) => t.data_offsets?.[1] ?? 0);
        assert.equal(start + Math.max(...ends), statSync(weights).size);
      }
      assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^build\/$/m);
      assert.equal(files.filter((f) => f.startsWith('node_modules/') || f.startsWith('.git/')).length, 20);
      assert.equal(files.filter((f) => f.startsWith('build/') || f.endsWith('.log')).length, 10);
    });
  });

  it('is deterministic for a seed and differs for another', async () => {
    await withTempDir(async (dir) => {
      buildMonorepo(join(dir, 'x'), monorepoSpec(120, TINY));
      buildMonorepo(join(dir, 'y'), monorepoSpec(120, TINY));
      buildMonorepo(join(dir, 'z'), monorepoSpec(120, { ...TINY, seed: 9 }));
      assert.equal(digestOf(join(dir, 'x')), digestOf(join(dir, 'y')));
      assert.notEqual(digestOf(join(dir, 'x')), digestOf(join(dir, 'z')));
    });
  });

  it('is read by mlbom as the project it imitates', async () => {
    await withTempDir(async (dir) => {
      const s = buildMonorepo(dir, monorepoSpec(400, TINY));
      const inv = await scan(dir);
      const ids = new Set(inv.assets.map((a) => a.id));
      for (const m of s.modelFolders) {
        const model = inv.assets.find((a) => a.id === `model:${m}`);
        assert.ok(model !== undefined, `no model for ${m}`);
        assert.equal(model.parsed, true);
        assert.equal(model.model.parameterCount, (256 * 1024 - 1024) / 2);
      }
      assert.equal(inv.assets.filter((a) => a.kind === 'prompt').length, 10);
      for (const id of s.hubModels) assert.ok(ids.has(`model:hf:${id}`), `code loads ${id}, the scan missed it`);
      if (s.openaiFiles > 0) assert.ok(ids.has('service:openai'));
      // Vendored and ignored folders are pruned, so nothing there is evidence.
      const paths = inv.assets.flatMap((a) => [...a.locations.map((l) => l.path), ...a.files.map((f) => f.path)]);
      assert.ok(!paths.some((p) => /^(node_modules|\.git|build|logs)\//.test(p)), 'pruned folders leaked into the inventory');
    });
  });

  it('writes real, parseable weight files that are not sparse', async () => {
    await withTempDir(async (dir) => {
      const MiB = 1024 * 1024;
      writeWeightFile(join(dir, 'a.safetensors'), 2 * MiB, 'safetensors');
      writeWeightFile(join(dir, 'b.gguf'), 2 * MiB, 'gguf', { name: 'tiny' });
      writeWeightFile(join(dir, 'c.safetensors'), 64 * 1024, 'safetensors', { seed: 1 });
      writeWeightFile(join(dir, 'd.safetensors'), 64 * 1024, 'safetensors', { seed: 1 });
      assert.deepEqual(readFileSync(join(dir, 'c.safetensors')), readFileSync(join(dir, 'd.safetensors')));
      for (const f of ['a.safetensors', 'b.gguf']) {
        const st = statSync(join(dir, f));
        assert.equal(st.size, 2 * MiB);
        assert.ok(st.blocks * 512 >= st.size, `${f} is sparse`);
      }
      const tail = readFileSync(join(dir, 'a.safetensors')).subarray(-4096);
      assert.ok(new Set(tail).size > 200, 'payload is not random');
      const inv = await scan(dir);
      const byName = new Map(inv.assets.map((a) => [a.name, a]));
      assert.equal(byName.get('a.safetensors')?.model.parameterCount, (2 * MiB - 1024) / 2);
      assert.equal(byName.get('b.gguf')?.parsed, true);
      assert.ok((byName.get('b.gguf')?.model.parameterCount ?? 0) > 0);
      assert.equal(inv.issues.length, 0, JSON.stringify(inv.issues));
    });
  });
});
