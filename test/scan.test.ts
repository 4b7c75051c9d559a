import assert from 'node:assert/strict';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildBom } from '../src/bom/build.js';
import { serializeBom } from '../src/bom/serialize.js';
import { validateBomText } from '../src/bom/validate.js';
import { scan } from '../src/scan.js';
import { fixturePath, withTempDir } from './helpers.js';

/** One positive fixture of every format, copied into a fresh tree. */
const EVERY_FORMAT: Record<string, string> = {
  'coreml/Demo.mlpackage': 'coreml/Demo.mlpackage',
  'coreml/tiny.mlmodel': 'coreml/tiny.mlmodel',
  'gguf/tiny-llama.gguf': 'gguf/tiny-llama.gguf',
  'keras/legacy.h5': 'keras/legacy.h5',
  'keras/tiny.keras': 'keras/tiny.keras',
  'numpy/tiny.npy': 'numpy/tiny.npy',
  'numpy/tiny.npz': 'numpy/tiny.npz',
  'onnx/tiny.onnx': 'onnx/tiny.onnx',
  'pickle/model.joblib': 'pickle/model.joblib',
  'pickle/proto4.pkl': 'pickle/proto4.pkl',
  'pytorch/legacy.pt': 'pytorch/legacy.pt',
  'pytorch/tiny.pt': 'pytorch/tiny.pt',
  'safetensors/sharded': 'safetensors/sharded',
  'safetensors/tiny.safetensors': 'safetensors/tiny.safetensors',
  'tf-savedmodel/model': 'tf-savedmodel/model',
  'tflite/tiny.tflite': 'tflite/tiny.tflite',
};

async function everyFormatTree(root: string): Promise<void> {
  for (const [from, to] of Object.entries(EVERY_FORMAT)) {
    await cp(fixturePath('scanners', from), join(root, to), { recursive: true });
  }
}

interface Comp {
  type: string;
  'bom-ref': string;
  version?: string;
  purl?: string;
  properties?: { name: string; value: string }[];
  components?: Comp[];
}

function prop(c: Comp, name: string): string | undefined {
  return c.properties?.find((p) => p.name === `mlbom:${name}`)?.value;
}

describe('scan: one component per model, for every format', () => {
  it('finds each model once, with its format, and no warnings', async () => {
    await withTempDir(async (root) => {
      await everyFormatTree(root);
      const issues: string[] = [];
      const inv = await scan(root, { onIssue: (i) => issues.push(`${i.path}: ${i.message}`) });
      assert.deepEqual(issues, []);
      const text = serializeBom(buildBom(inv), { format: 'json', specVersion: '1.6' });
      assert.equal((await validateBomText(text, { json: 'library' })).valid, true);
      const comps: Comp[] = JSON.parse(text).components;
      const got = comps.filter((c) => prop(c, 'asset_kind') === 'model').map((c) => `${c['bom-ref']} ${c.type} ${prop(c, 'format') ?? prop(c, 'model_layout')}`);
      assert.deepEqual(got, [
        'model:coreml/Demo.mlpackage machine-learning-model mlpackage',
        'model:coreml/tiny.mlmodel machine-learning-model coreml',
        'model:gguf/tiny-llama.gguf machine-learning-model gguf',
        'model:keras/legacy.h5 machine-learning-model hdf5',
        'model:keras/tiny.keras machine-learning-model keras',
        'model:numpy/tiny.npy machine-learning-model numpy',
        'model:numpy/tiny.npz machine-learning-model numpy-zip',
        'model:onnx/tiny.onnx machine-learning-model onnx',
        'model:pickle/model.joblib machine-learning-model joblib',
        'model:pickle/proto4.pkl machine-learning-model pickle',
        'model:pytorch/legacy.pt machine-learning-model pytorch-legacy',
        'model:pytorch/tiny.pt machine-learning-model pytorch-zip',
        'model:safetensors/sharded/model.safetensors.index.json machine-learning-model undefined',
        'model:safetensors/tiny.safetensors machine-learning-model safetensors',
        'model:tf-savedmodel/model machine-learning-model savedmodel',
        'model:tflite/tiny.tflite machine-learning-model tflite',
      ]);
      // The GGUF's chat template is a prompt of its own that targets the model.
      assert.deepEqual(comps.filter((c) => prop(c, 'asset_kind') === 'prompt').map((c) => c['bom-ref']), ['prompt:gguf/tiny-llama.gguf#chat_template']);
      // Shards and their index are one model with three files, parameters summed across shards.
      const sharded = comps.find((c) => c['bom-ref'].startsWith('model:safetensors/sharded')) as Comp;
      assert.deepEqual(sharded.components?.map((c) => c['bom-ref']), [
        'file:safetensors/sharded/model-00001-of-00002.safetensors',
        'file:safetensors/sharded/model-00002-of-00002.safetensors',
        'file:safetensors/sharded/model.safetensors.index.json',
      ]);
      assert.equal(prop(sharded, 'parameter_count'), '18');
      // Pickle-based formats say so.
      for (const ref of ['model:pickle/proto4.pkl', 'model:pytorch/tiny.pt', 'model:pytorch/legacy.pt', 'model:pickle/model.joblib']) {
        assert.equal(prop(comps.find((c) => c['bom-ref'] === ref) as Comp, 'serialization'), 'pickle', ref);
      }
    });
  });

  it('gives a Hub cache snapshot the pkg:huggingface purl at its commit, reading files through the cache symlinks', async () => {
    await withTempDir(async (root) => {
      const repo = join(root, 'hub', 'models--Org--Tiny-Model');
      const sha = 'DD4BC8B21EFA05EC961E3EFC4EE5E3832A3679C7';
      await mkdir(join(repo, 'blobs'), { recursive: true });
      await mkdir(join(repo, 'snapshots', sha), { recursive: true });
      await mkdir(join(repo, 'refs'), { recursive: true });
      await writeFile(join(repo, 'refs', 'main'), sha.toLowerCase());
      await cp(fixturePath('scanners', 'safetensors', 'tiny.safetensors'), join(repo, 'blobs', 'aaaa'));
      await writeFile(join(repo, 'blobs', 'bbbb'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama' }));
      await symlink('../../blobs/aaaa', join(repo, 'snapshots', sha, 'model.safetensors'));
      await symlink('../../blobs/bbbb', join(repo, 'snapshots', sha, 'config.json'));
      const inv = await scan(root);
      const models = inv.assets.filter((a) => a.kind === 'model');
      assert.equal(models.length, 1, JSON.stringify(inv.assets.map((a) => a.id)));
      const m = models[0]!;
      assert.equal(m.purl, 'pkg:huggingface/Org/Tiny-Model@dd4bc8b21efa05ec961e3efc4ee5e3832a3679c7');
      assert.equal(m.group, 'Org');
      assert.equal(m.name, 'Tiny-Model');
      assert.equal(m.version, 'dd4bc8b21efa05ec961e3efc4ee5e3832a3679c7');
      assert.equal(m.model.architectureFamily, 'llama');
      assert.equal(m.model.parameterCount, 13);
      assert.deepEqual(inv.issues, []);
    });
  });
});

describe('scan: model folders', () => {
  it('a root README with model-card keys does not make the whole repository a model because weights sit further down', async () => {
    await withTempDir(async (root) => {
      await writeFile(join(root, 'README.md'), '---\nlicense: mit\ntags: [demo]\n---\n# An app\n');
      await mkdir(join(root, 'models', 'small'), { recursive: true });
      await cp(fixturePath('scanners', 'safetensors', 'tiny.safetensors'), join(root, 'models', 'small', 'tiny.safetensors'));
      await mkdir(join(root, 'src'));
      await writeFile(join(root, 'src', 'app.py'), 'print("hi")\n');
      const inv = await scan(root);
      const models = inv.assets.filter((a) => a.kind === 'model').map((a) => a.id);
      assert.deepEqual(models, ['model:models/small/tiny.safetensors']);
    });
  });

  it('a README with model-card keys beside weights is a model folder', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'm'));
      await writeFile(join(root, 'm', 'README.md'), '---\nlicense: mit\ntags: [demo]\n---\n# A model\n');
      await cp(fixturePath('scanners', 'safetensors', 'tiny.safetensors'), join(root, 'm', 'tiny.safetensors'));
      const inv = await scan(root);
      assert.deepEqual(inv.assets.filter((a) => a.kind === 'model').map((a) => a.id), ['model:m']);
    });
  });
});

describe('scan: source files of every size share one read buffer', () => {
  it('reads a large file whole and a later short file without stale bytes from it', async () => {
    await withTempDir(async (root) => {
      // 300 KiB of code before the reference: past the buffer's first size, so it grows mid-read.
      const filler = '# padding line for the read buffer test\n'.repeat(7700);
      await writeFile(join(root, 'a_big.py'), `${filler}m = AutoModel.from_pretrained("org-a/big-model")\n`);
      await writeFile(join(root, 'b_small.py'), 'm = AutoModel.from_pretrained("org-b/small")\n');
      const inv = await scan(root);
      const refs = inv.assets.filter((a) => a.kind === 'model').map((a) => `${a.id} ${a.locations.map((l) => `${l.path}:${l.line ?? '?'}`).join(',')}`);
      assert.deepEqual(refs, ['model:hf:org-a/big-model a_big.py:7701', 'model:hf:org-b/small b_small.py:1']);
    });
  });
});

describe('scan: progress through the parse stage', () => {
  it('reports source files scanned of those claimed, counting up to all of them, between discovery and hashing', async () => {
    const events: string[] = [];
    let last: { filesScanned: number; filesToScan: number } | undefined;
    let monotonic = true;
    await scan(fixturePath('demo-project'), {
      onProgress: (p) => {
        if (events.at(-1) !== p.phase) events.push(p.phase);
        if (p.phase !== 'parse') return;
        if (last !== undefined && p.filesScanned < last.filesScanned) monotonic = false;
        last = p;
      },
    });
    // Weights may start hashing (and report it) before the first source file is scanned.
    assert.equal(events[0], 'discover');
    assert.ok(events.includes('parse'), events.join(' '));
    assert.equal(events.at(-1), 'hash');
    assert.ok(last !== undefined && last.filesToScan > 5, 'the demo project has source files');
    assert.equal(last.filesScanned, last.filesToScan);
    assert.equal(monotonic, true);
  });

  it('calls onWalked once, with the number of files found, before any progress of the parse stage', async () => {
    const events: string[] = [];
    await scan(fixturePath('demo-project'), {
      onWalked: (n) => events.push(`walked ${n}`),
      onProgress: (p) => {
        if (p.phase === 'discover') events.push(`discover ${p.filesDiscovered}`);
        else if (!events.includes(p.phase)) events.push(p.phase);
      },
    });
    const walked = events.filter((e) => e.startsWith('walked'));
    assert.equal(walked.length, 1, events.join(', '));
    assert.equal(events[0], walked[0]);
    assert.equal(events[1], `discover ${(walked[0] as string).slice('walked '.length)}`);
    assert.ok(Number((walked[0] as string).slice('walked '.length)) > 10);
  });
});
