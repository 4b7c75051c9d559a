import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Asset, SourceScan } from '../../src/types.js';
import { classifyUrl, parseDownloadUrl, scanner } from '../../src/scanners/download-urls/index.js';
import { notebookCells } from '../../src/scanners/download-urls/notebook.js';
import { scan } from '../../src/scan.js';
import { fixturePath, runCli, schemaErrors, withTempDir } from '../helpers.js';

const fixture = (...parts: string[]) => fixturePath('scanners', 'download-urls', ...parts);

function scanText(path: string, text: string): SourceScan {
  assert.ok(scanner.claims(path), `${path} should be claimed`);
  const r = scanner.scan(text, { path, exists: () => false });
  assert.ok(!(r instanceof Promise));
  return r as SourceScan;
}

function scanFixture(...parts: string[]): SourceScan {
  return scanText(parts.join('/'), readFileSync(fixture(...parts), 'utf8'));
}

const ids = (s: SourceScan): string[] => s.assets.map((a) => a.id);

function get(s: SourceScan, id: string): Asset {
  const a = s.assets.find((x) => x.id === id);
  assert.ok(a !== undefined, `missing ${id}; got ${ids(s).join(', ')}`);
  return a;
}

const lines = (a: Asset): Array<number | undefined> => a.locations.map((l) => l.line);

/** The facts a test compares: lines, confidence, via. */
function summary(a: Asset): { lines: Array<number | undefined>; confidence: number | undefined; via: unknown } {
  return { lines: lines(a), confidence: a.confidence, via: a.props['download_via'] };
}

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push(relative(root, abs).split('\\').join('/'));
    }
  };
  walk(root);
  return out.sort();
}

describe('download-urls scanner', () => {
  it('claims code, notebooks, shell, Dockerfiles, Makefiles and config; not vendored, minified, lock or doc files', () => {
    assert.equal(scanner.name, 'download-urls');
    const yes = [
      'train.py', 'src/app.pyw', 'nb/explore.ipynb', 'web/app.ts', 'web/app.tsx', 'lib/x.mjs', 'a.cjs', 'x.jsx', 'scripts/get.sh',
      'run.bash', 'Dockerfile', 'docker/Dockerfile.gpu', 'api.dockerfile', 'Containerfile', 'Makefile', 'GNUmakefile', 'rules.mk',
      'configs/train.yaml', 'a.yml', 'data.dvc', 'sources.json', 'model.toml', '.github/workflows/ci.yml', 'package.json',
    ];
    const no = [
      'README.md', 'notes.txt', 'node_modules/x/index.js', 'venv/lib/a.py', 'site-packages/torch/hub.py', 'dist/app.js', 'build/x.py',
      'app.min.js', 'types.d.ts', 'package-lock.json', 'pnpm-lock.yaml', 'conda-lock.yml', 'deps.lock.json', 'tokenizer.json', 'tsconfig.build.json',
      'model.safetensors.index.json', '.ipynb_checkpoints/x-checkpoint.ipynb', 'model.safetensors', 'weights.pt', 'setup.cfg',
    ];
    for (const p of yes) assert.equal(scanner.claims(p), true, p);
    for (const p of no) assert.equal(scanner.claims(p), false, p);
  });

  describe('Python', () => {
    const s = scanFixture('project', 'src', 'train.py');

    it('finds download calls, data readers, shell commands, Hub URLs and weight literals, and nothing else', () => {
      assert.deepEqual(ids(s), [
        'dataset:url:http://data.example.org/corpus/wiki.tar.gz',
        'dataset:url:https://data.example.org/sst2/test.csv',
        'dataset:url:https://data.example.org/sst2/train.csv',
        'dataset:url:https://raw.githubusercontent.com/mwaskom/seaborn-data/master/iris.csv',
        'model:url:http://localhost:8000/models/dev.gguf',
        'model:url:http://mirror.example.org/weights/vit_b_16.safetensors',
        'model:url:https://download.pytorch.org/models/resnet50-0676ba61.pth',
        'model:url:https://example.com/files/tokenizer.model',
        'model:url:https://example.com/onnx/clip.onnx',
        'model:url:https://huggingface.co/org/tiny-model/resolve/v1.0/model.safetensors',
      ]);
      assert.deepEqual(s.issues, []);
    });

    it('merges the constant and both calls that use it into one asset with every line', () => {
      const a = get(s, 'model:url:https://download.pytorch.org/models/resnet50-0676ba61.pth');
      assert.deepEqual(summary(a), { lines: [16, 21, 42], confidence: 0.9, via: ['torch.hub.load_state_dict_from_url'] });
      assert.equal(a.kind, 'model');
      assert.equal(a.name, 'resnet50-0676ba61.pth');
      assert.deepEqual(a.scanners, ['download-urls']);
      assert.equal(a.parsed, true);
      assert.deepEqual(a.files, []);
      assert.equal(a.unpinned, undefined);
      assert.deepEqual(a.props, {
        download_url: 'https://download.pytorch.org/models/resnet50-0676ba61.pth',
        download_scheme: 'https',
        download_format: 'pth',
        download_via: ['torch.hub.load_state_dict_from_url'],
      });
    });

    it('strips userinfo and the query string, and says so, without keeping either', () => {
      const a = get(s, 'dataset:url:http://data.example.org/corpus/wiki.tar.gz');
      assert.deepEqual(summary(a), { lines: [26], confidence: 0.9, via: ['urllib.request.urlretrieve'] });
      assert.equal(a.props['download_scheme'], 'http');
      assert.equal(a.props['download_url_has_query'], true);
      assert.equal(a.props['download_url_has_credentials'], true);
      assert.equal(a.props['download_format'], 'tar.gz');
      const text = JSON.stringify(s);
      for (const secret of ['SECRET123', 'token=', 'user:pass', 'pass@']) assert.ok(!text.includes(secret), secret);
    });

    it('reads data readers and load_dataset data_files, with the line of each URL', () => {
      assert.deepEqual(summary(get(s, 'dataset:url:https://raw.githubusercontent.com/mwaskom/seaborn-data/master/iris.csv')), {
        lines: [27], confidence: 0.9, via: ['pandas.read_csv'],
      });
      const train = get(s, 'dataset:url:https://data.example.org/sst2/train.csv');
      assert.deepEqual(summary(train), { lines: [31], confidence: 0.9, via: ['datasets.load_dataset'] });
      assert.deepEqual(train.dataset, { formats: ['csv'] });
      assert.deepEqual(lines(get(s, 'dataset:url:https://data.example.org/sst2/test.csv')), [32]);
    });

    it('reads wget and curl run from os.system and subprocess', () => {
      assert.deepEqual(summary(get(s, 'model:url:https://example.com/files/tokenizer.model')), { lines: [39], confidence: 0.9, via: ['wget'] });
      assert.deepEqual(summary(get(s, 'model:url:https://example.com/onnx/clip.onnx')), { lines: [40], confidence: 0.9, via: ['curl'] });
    });

    it('builds the Hub URL hf_hub_url returns and records the repo, revision and file', () => {
      const a = get(s, 'model:url:https://huggingface.co/org/tiny-model/resolve/v1.0/model.safetensors');
      assert.deepEqual(summary(a), { lines: [41], confidence: 0.9, via: ['huggingface_hub.hf_hub_url'] });
      assert.equal(a.props['hub_repo'], 'org/tiny-model');
      assert.equal(a.props['hub_revision'], 'v1.0');
      assert.equal(a.props['hub_filename'], 'model.safetensors');
    });

    it('keeps bare weight URLs at lower confidence, loopback included', () => {
      assert.deepEqual(summary(get(s, 'model:url:http://mirror.example.org/weights/vit_b_16.safetensors')), { lines: [17], confidence: 0.7, via: ['literal'] });
      const local = get(s, 'model:url:http://localhost:8000/models/dev.gguf');
      assert.deepEqual(summary(local), { lines: [43], confidence: 0.7, via: ['literal'] });
      assert.equal(local.props['download_scheme'], 'http');
    });

    it('resolves import aliases and constants to name the call', () => {
      const r = scanText('a.py', [
        'from torch.hub import load_state_dict_from_url as fetch_sd',
        'import urllib.request as ur',
        'BASE = "https://example.com/w/a.pt"',
        'fetch_sd(BASE)',
        'ur.urlretrieve(url="https://example.com/d/shards", filename="train.jsonl")',
        'import tensorflow as tf',
        'p = tf.keras.utils.get_file("flowers.tgz", origin="https://example.com/flower_photos.tgz", untar=True)',
        'import tensorflow_hub as hub',
        'enc = hub.KerasLayer("https://tfhub.example.com/google/universal-sentence-encoder/4")',
        'import gdown',
        'gdown.download(id="1abcDEF", output="w.pt")',
        'gdown.download("https://drive.example.com/uc?id=1abcDEF&export=download", "weights.pt")',
      ].join('\n'));
      assert.deepEqual(
        r.assets.map((a) => [a.id, lines(a), a.props['download_via'], a.props['download_format'] ?? null]),
        [
          ['dataset:url:https://example.com/d/shards', [5], ['urllib.request.urlretrieve'], 'jsonl'],
          ['dataset:url:https://example.com/flower_photos.tgz', [7], ['tensorflow.keras.utils.get_file'], 'tgz'],
          ['model:url:https://drive.example.com/uc', [12], ['gdown.download'], 'pt'],
          ['model:url:https://example.com/w/a.pt', [3, 4], ['torch.hub.load_state_dict_from_url'], 'pt'],
          ['model:url:https://tfhub.example.com/google/universal-sentence-encoder/4', [9], ['tensorflow_hub.KerasLayer'], null],
        ],
      );
      assert.equal(get(r, 'model:url:https://drive.example.com/uc').props['download_url_has_query'], true);
      assert.ok(!JSON.stringify(r).includes('1abcDEF'));
    });

    it('takes requests.get only when the extension says weights or data', () => {
      const r = scanText('b.py', [
        'import requests',
        'a = requests.get("https://example.com/files/model.safetensors", stream=True)',
        'b = requests.get("https://example.com/api/v1/models")',
        'c = requests.get("https://example.com/files/archive.zip")',
        'd = requests.get("https://example.com/files/table.parquet")',
      ].join('\n'));
      assert.deepEqual(r.assets.map((a) => [a.id, a.props['download_via']]), [
        ['dataset:url:https://example.com/files/table.parquet', ['requests.get']],
        ['model:url:https://example.com/files/model.safetensors', ['requests.get']],
      ]);
    });
  });

  it('finds nothing in comments, docstrings, docs links, API calls, installers, templates or Markdown', () => {
    const root = fixture('negatives');
    for (const path of filesUnder(root)) {
      if (!scanner.claims(path)) continue;
      const r = scanText(path, readFileSync(join(root, path), 'utf8'));
      assert.deepEqual(ids(r), [], path);
      assert.deepEqual(r.issues, [], path);
    }
    assert.equal(scanner.claims('README.md'), false);
  });

  it('reads notebook code cells, `!` lines and %%bash cells with file lines, not Markdown or %%writefile', () => {
    const s = scanFixture('project', 'notebooks', 'explore.ipynb');
    assert.deepEqual(
      s.assets.map((a) => [a.id, ...Object.values(summary(a))]),
      [
        ['dataset:url:http://data.example.org/nb/train.parquet', [37], 0.9, ['curl']],
        ['model:url:https://example.com/nb/bert.safetensors', [15], 0.9, ['wget']],
        ['model:url:https://example.com/nb/state_dict.pth', [26, 27], 0.9, ['torch.hub.load_state_dict_from_url']],
      ],
    );
    // The lines are where the notebook file stores each source line.
    const text = readFileSync(fixture('project', 'notebooks', 'explore.ipynb'), 'utf8').split('\n');
    assert.match(text[14] ?? '', /!wget -q https:\/\/example\.com\/nb\/bert\.safetensors/);
    assert.match(text[36] ?? '', /curl -L -o train\.parquet/);
  });

  it('splits notebook cells into code and shell, keeping file lines, and names what is wrong with a broken one', () => {
    const nb = notebookCells('{"cells": [\n{"cell_type": "code", "source": "x = 1\\n!wget https://e.com/a.pt\\ny = 2"},\n{"cell_type": "code",\n "source": ["%%capture\\n", "z = 3\\n"]}\n]}');
    assert.equal(nb.error, undefined);
    assert.deepEqual(nb.code.map((c) => [c.text, c.lineMap]), [['x = 1\n\ny = 2', [2, 2, 2]], ['\nz = 3\n', [4, 4]]]);
    assert.deepEqual(nb.shell.map((c) => [c.text, c.lineMap]), [['\n wget https://e.com/a.pt\n', [2, 2, 2]]]);
    assert.equal(notebookCells('{"cells": [\n{"source": "unterminated').error, 'notebook is not valid json (unterminated string on line 2)');
    assert.equal(notebookCells('[1, 2]').error, 'notebook is not a json object');
    assert.equal(notebookCells(`${'['.repeat(100)}${']'.repeat(100)}`).error, 'notebook is not valid json (nested too deeply)');
    const r = notebookCells('{"metadata": {"kernelspec": {"language": "R"}}, "cells": [{"cell_type": "code", "source": ["x <- 1\\n", "!wget https://e.com/b.pt"]}]}');
    assert.deepEqual([r.code.length, r.shell.length], [0, 1]);
  });

  it('reads JavaScript / TypeScript calls and literals, skipping comments and template literals', () => {
    const s = scanFixture('project', 'web', 'classifier.ts');
    assert.deepEqual(
      s.assets.map((a) => [a.id, ...Object.values(summary(a))]),
      [
        ['model:url:https://cdn.example.com/models/encoder.onnx', [6, 10], 0.9, ['ort.InferenceSession.create']],
        ['model:url:https://storage.example.com/tfjs/mobilenet/model.json', [9], 0.9, ['tf.loadLayersModel']],
      ],
    );
  });

  it('reads shell scripts: variables, curl outputs and pipes, and leaves installers and tool archives out', () => {
    const s = scanFixture('project', 'scripts', 'fetch_weights.sh');
    assert.deepEqual(
      s.assets.map((a) => [a.id, ...Object.values(summary(a))]),
      [
        ['dataset:url:http://data.example.org/corpus/corpus.tar.gz', [10], 0.9, ['curl']],
        ['dataset:url:https://data.example.org/datasets/images.tar.gz', [13], 0.9, ['curl']],
        ['model:url:https://bucket.example.com/private/adapter.safetensors', [14], 0.9, ['wget']],
        ['model:url:https://example.com/ckpt/yolo.pt', [16], 0.7, ['literal']],
        ['model:url:https://models.example.com/releases/v2/llama-7b.Q4_K_M.gguf', [5, 8], 0.9, ['wget']],
      ],
    );
    assert.equal(get(s, 'model:url:https://bucket.example.com/private/adapter.safetensors').props['download_url_has_query'], true);
    assert.ok(!JSON.stringify(s).includes('SECRET123'));
  });

  it('reads shell options, redirects, defaults and prefixes', () => {
    const s = scanText('get.sh', [
      'export ROOT=https://example.com/r',
      'sudo -E wget -nc "${ROOT}/a/model.onnx"',
      'aria2c -x 16 -o llama.gguf "${MIRROR:-https://example.com/mirror}/llama/q4"',
      'curl -sSL https://example.com/r/weights/v3 > ckpt.pt',
      'wget -qO- https://example.com/r/weights.tar.gz | tar xz',
      'wget -qO- https://example.com/r/table.parquet | python load.py',
      'curl -H "Authorization: Bearer x" https://example.com/r/api/models',
      'curl -fsSLo data/train.csv https://example.com/r/train.csv',
      'curl --url https://example.com/r/x.gguf --output x.gguf',
      'wget -i urls.txt https://example.com/r/data/listing',
    ].join('\n'));
    assert.deepEqual(
      s.assets.map((a) => [a.id, lines(a), a.props['download_via'], a.props['download_format'] ?? null]),
      [
        ['dataset:url:https://example.com/r/data/listing', [10], ['wget'], null],
        ['dataset:url:https://example.com/r/table.parquet', [6], ['wget'], 'parquet'],
        ['dataset:url:https://example.com/r/train.csv', [8], ['curl'], 'csv'],
        ['model:url:https://example.com/mirror/llama/q4', [3], ['aria2c'], 'gguf'],
        ['model:url:https://example.com/r/a/model.onnx', [2], ['wget'], 'onnx'],
        ['model:url:https://example.com/r/weights.tar.gz', [5], ['wget'], 'tar.gz'],
        ['model:url:https://example.com/r/weights/v3', [4], ['curl'], 'pt'],
        ['model:url:https://example.com/r/x.gguf', [9], ['curl'], 'gguf'],
      ],
    );
  });

  it('reads Dockerfile ARG/ENV, RUN (shell and exec form) and ADD', () => {
    const s = scanFixture('project', 'Dockerfile');
    assert.deepEqual(
      s.assets.map((a) => [a.id, ...Object.values(summary(a))]),
      [
        ['dataset:url:http://labels.example.org/data/labels.csv', [5, 10], 0.9, ['curl']],
        ['model:url:https://example.com/models/bert-base.onnx', [12], 0.9, ['dockerfile-add']],
        ['model:url:https://example.com/models/phi-2.gguf', [14], 0.9, ['wget']],
        ['model:url:https://example.com/weights/yolov8n.pt', [4, 9], 0.9, ['wget']],
      ],
    );
  });

  it('reads Makefile recipes with make variables', () => {
    const s = scanFixture('project', 'Makefile');
    assert.deepEqual(
      s.assets.map((a) => [a.id, ...Object.values(summary(a))]),
      [
        ['dataset:url:http://data.example.org/coco/train2017.zip', [11], 0.9, ['curl']],
        ['model:url:https://example.com/ckpt/sd-v1-5.ckpt', [1, 8], 0.9, ['wget']],
      ],
    );
  });

  it('reads YAML, JSON and TOML values by key, lists, Hub URLs and shell in values', () => {
    const yaml = scanFixture('project', 'configs', 'train.yaml');
    assert.deepEqual(
      yaml.assets.map((a) => [a.id, lines(a), a.confidence, a.props['config_key']]),
      [
        ['dataset:url:http://data.example.org/imagenet/train.zip', [7], 0.8, 'data.train_url'],
        ['dataset:url:https://data.example.org/shards/part-000.parquet', [9], 0.7, 'data.shards'],
        ['dataset:url:https://data.example.org/shards/part-001.parquet', [10], 0.7, 'data.shards'],
        ['model:url:https://download.pytorch.org/models/resnet18-f37072fd.pth', [4], 0.8, 'model.pretrained'],
        ['model:url:https://huggingface.co/org/tiny-model/resolve/main/tokenizer.json', [12], 0.8, 'tokenizer'],
      ],
    );
    assert.equal(get(yaml, 'model:url:https://huggingface.co/org/tiny-model/resolve/main/tokenizer.json').props['hub_revision'], 'main');

    const json = scanFixture('project', 'configs', 'sources.json');
    assert.deepEqual(
      json.assets.map((a) => [a.id, lines(a), a.props['download_via'], a.props['config_key'] ?? null]),
      [
        ['dataset:url:https://data.example.org/eval/eval.jsonl.gz', [4], ['config'], 'dataset.data_url'],
        ['model:url:https://example.com/ckpt/epoch_10.ckpt', [2], ['config'], 'checkpoint_url'],
        ['model:url:https://example.com/scripts/model.onnx', [8], ['wget'], null],
      ],
    );
    assert.equal(get(json, 'dataset:url:https://data.example.org/eval/eval.jsonl.gz').props['download_format'], 'jsonl.gz');

    const toml = scanFixture('project', 'configs', 'model.toml');
    assert.deepEqual(
      toml.assets.map((a) => [a.id, lines(a), a.props['config_key']]),
      [
        ['dataset:url:https://data.example.org/toml/archive', [6], 'data.download_url'],
        ['model:url:https://example.com/toml/weights.safetensors', [2], 'model.weights_url'],
      ],
    );

    const ci = scanFixture('project', '.github', 'workflows', 'ci.yml');
    assert.deepEqual(ci.assets.map((a) => [a.id, lines(a)]), [['model:url:https://example.com/ci/tiny.onnx', [11]]]);
  });

  describe('URLs', () => {
    it('keeps scheme, host and path only', () => {
      const u = parseDownloadUrl('HTTPS://User:Pa55@Example.COM:443/a%20b/model.pt?sig=SECRET123#frag');
      assert.deepEqual(u, {
        url: 'https://example.com/a%20b/model.pt',
        scheme: 'https',
        host: 'example.com',
        path: 'a b/model.pt',
        fileName: 'model.pt',
        hadQuery: true,
        hadCredentials: true,
      });
      assert.equal(parseDownloadUrl('http://[::1]:8080/m.gguf')?.url, 'http://[::1]:8080/m.gguf');
      assert.equal(parseDownloadUrl('https://example.com/m.pt#sha=1')?.hadQuery, true);
      assert.equal(parseDownloadUrl('https://example.com/m.pt?')?.hadQuery, false);
    });

    it('refuses placeholders, expansions, undecodable bytes and non-URLs', () => {
      for (const s of [
        'https://example.com/{name}.pt', 'https://example.com/${V}/m.pt', 'https://example.com/$(V)/m.pt', 'https://example.com/<model>.pt',
        'https://example.com/%s.pt', 'https://example.com/%(name)s.pt', 'https://example.com/a b.pt', 'https://example.com/caf\uFFFD.pt',
        'ftp://example.com/m.pt', 'example.com/m.pt', 'https://', `https://example.com/${'a'.repeat(3000)}.pt`,
      ]) {
        assert.equal(parseDownloadUrl(s), undefined, s);
      }
      // A percent-encoded byte that starts with `d` is not a `%d` placeholder.
      assert.equal(parseDownloadUrl('https://example.com/%d0%bf.pt')?.fileName, '\u043f.pt');
    });

    it('reads Hub file URLs for models and datasets, not Hub pages', () => {
      assert.deepEqual(parseDownloadUrl('https://huggingface.co/datasets/org/ds/resolve/refs%2Fpr%2F1/data/train.parquet')?.hub, {
        kind: 'dataset', repoId: 'org/ds', revision: 'refs/pr/1', file: 'data/train.parquet',
      });
      assert.equal(parseDownloadUrl('https://hf.co/org/m/raw/main/config.json')?.hub?.repoId, 'org/m');
      assert.equal(parseDownloadUrl('https://huggingface.co/org/m/blob/main/model.safetensors')?.hub, undefined);
      assert.equal(parseDownloadUrl('https://huggingface.co/docs/hub/resolve/main/x.md')?.hub, undefined);
    });

    it('decides kind by extension, then by how the URL is used', () => {
      const c = (url: string, use: Parameters<typeof classifyUrl>[1]['use'], extra: object = {}) => {
        const u = parseDownloadUrl(url);
        assert.ok(u !== undefined, url);
        const v = classifyUrl(u, { use, ...extra });
        return v === undefined ? undefined : `${v.kind} ${v.confidence}${v.format === undefined ? '' : ` ${v.format}`}`;
      };
      assert.equal(c('https://x.org/a/model.gguf', 'literal'), 'model 0.7 gguf');
      assert.equal(c('https://x.org/a/train.csv.gz', 'literal'), 'dataset 0.7 csv.gz');
      assert.equal(c('https://x.org/a/items.json', 'literal'), undefined);
      assert.equal(c('https://x.org/a/items.json', 'data-load'), 'dataset 0.9 json');
      assert.equal(c('https://x.org/a/archive.zip', 'literal'), undefined);
      assert.equal(c('https://x.org/a/archive.zip', 'model-download'), 'model 0.9 zip');
      assert.equal(c('https://x.org/a/archive.zip', 'shell'), undefined);
      assert.equal(c('https://x.org/weights/archive.zip', 'shell'), 'model 0.9 zip');
      assert.equal(c('https://x.org/a/archive.zip', 'download'), 'dataset 0.9 zip');
      assert.equal(c('https://x.org/a/features.npy', 'data-load'), 'dataset 0.9 npy');
      assert.equal(c('https://x.org/a/embeddings.npy', 'config-key', { keyKind: 'dataset' }), 'dataset 0.8 npy');
      assert.equal(c('https://x.org/a/uc', 'download', { dest: 'weights.safetensors' }), 'model 0.9 safetensors');
      assert.equal(c('https://x.org/a/v1', 'config-key', { keyKind: 'model' }), undefined);
      assert.equal(c('https://x.org/a/v1', 'config-key', { keyKind: 'model', keyDownload: true }), 'model 0.8');
      assert.equal(c('https://huggingface.co/o/m/resolve/main/README.md', 'literal'), 'model 0.8');
    });
  });

  it('records a URL once per file with every line, and drops URLs with a key or token in their path', () => {
    const s = scanText('dup.py', [
      'A = "https://example.com/m.safetensors"',
      'B = "https://example.com/m.safetensors"',
      'C = "https://EXAMPLE.com:443/m.safetensors?v=2"',
      'D = "https://example.com/hf_abcdefghijklmnopqrstuvwxyz123456/m.pt"',
      'E = "https://cdn.example.com/d/Xk3vQ9pL2mN8rT5wY7zA1bC4dE6fG0hJ2kL4mN6p/m.pt"',
      'F = "https://example.com/0676ba61e3d34c7f9b8f5d3c2a1b0e9f8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a/m.pt"',
    ].join('\n'));
    assert.deepEqual(s.assets.map((a) => [a.id, lines(a)]), [
      ['model:url:https://example.com/0676ba61e3d34c7f9b8f5d3c2a1b0e9f8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a/m.pt', [6]],
      ['model:url:https://example.com/m.safetensors', [1, 2, 3]],
    ]);
    assert.deepEqual(s.issues.map((i) => i.message), [
      'a download URL on line 4 holds something shaped like a key; not recorded',
      'a download URL on line 5 holds something shaped like a key; not recorded',
    ]);
    assert.ok(!JSON.stringify(s).includes('hf_abc') && !JSON.stringify(s).includes('Xk3vQ9'));
  });

  describe('hostile input', () => {
    it('reads invalid UTF-8 around URLs with the right lines and drops the undecodable URL', () => {
      const s = scanFixture('hostile', 'latin1.py');
      assert.deepEqual(s.assets.map((a) => [a.id, lines(a)]), [['model:url:https://example.com/after-invalid/model.pt', [3]]]);
    });

    it('reads binary garbage under a source name without failing', () => {
      const bytes = readFileSync(fixture('hostile', 'garbage.py'));
      const s = scanText('hostile/garbage.py', bytes.toString('utf8'));
      const at = bytes.indexOf('W = "https://example.com/garbage/model.pt"');
      const line = bytes.subarray(0, at).filter((b) => b === 10).length + 1;
      assert.deepEqual(s.assets.map((a) => [a.id, lines(a)]), [['model:url:https://example.com/garbage/model.pt', [line]]]);
      scanText('hostile/binary.py', readFileSync(fixture('hostile', 'binary.py'), 'utf8'));
    });

    it('reports broken notebooks and config (only where config-refs does not), and survives deep nesting and open quotes', () => {
      // code-refs reports the broken notebook; download-urls does not say it twice.
      assert.deepEqual(scanFixture('hostile', 'broken.ipynb'), { assets: [], relationships: [], issues: [] });
      const dvc = scanFixture('hostile', 'broken.dvc');
      assert.deepEqual(dvc.issues.map((i) => i.message), ['invalid yaml (bad indent at line 4)']);
      assert.deepEqual(ids(dvc), ['dataset:url:https://example.com/dvc/data.csv']);
      assert.deepEqual(scanText('x/broken.yaml', 'a: [\nurl: https://example.com/m.pt\n').issues, []);
      assert.deepEqual(ids(scanFixture('hostile', 'deep.json')), ['model:url:https://example.com/deep/model.pt']);
      assert.deepEqual(scanFixture('hostile', 'unterminated.sh').assets, []);
      const big = `w: https://example.com/m.pt\n${'k: v\n'.repeat(300_000)}`;
      assert.deepEqual(scanText('.github/workflows/big.yml', big).issues.map((i) => i.message), ['yaml larger than 1 MiB; not read for download URLs']);
      assert.deepEqual(scanText('configs/big.yml', big).issues, []);
    });

    it('stays fast on huge single-line files, many URLs, and self-expanding shell variables', () => {
      const limits: Array<[string, string, number]> = [];
      const minified = `var a=${JSON.stringify('https://example.com/m.onnx')};${'function f(a){return a+1};'.repeat(150_000)}`;
      limits.push(['app.js', minified, 0]);
      const oneLine = Array.from({ length: 40_000 }, (_, i) => `u${i}="https://example.com/${i}/model.pt";`).join('');
      limits.push(['one.py', oneLine, 500]);
      const nested = `x = ${'('.repeat(100_000)}"https://example.com/n/model.pt"${')'.repeat(100_000)}`;
      limits.push(['nested.py', nested, 1]);
      const chain = ['A0=weights', ...Array.from({ length: 60 }, (_, i) => `A${i + 1}="$A${i}$A${i}"`), 'wget https://example.com/$A60/model.pt'].join('\n');
      limits.push(['chain.sh', chain, 0]);
      const subst = `wget ${'$('.repeat(200_000)} https://example.com/model.pt\n`;
      limits.push(['subst.sh', subst, 0]);
      const quotes = `curl -o x ${'"'.repeat(500_001)} https://example.com/model.pt\n`;
      limits.push(['quotes.sh', quotes, 0]);
      const images = JSON.stringify({ images: Array.from({ length: 60_000 }, (_, i) => ({ url: `https://example.com/img/${i}.jpg` })) }, null, 1);
      limits.push(['images.json', images, 0]);
      const weights = JSON.stringify({ weights: Array.from({ length: 60_000 }, (_, i) => `https://example.com/w/${i}.pt`) }, null, 1);
      limits.push(['weights.json', weights, 500]);
      for (const [path, text, count] of limits) {
        const t0 = performance.now();
        const s = scanText(path, text);
        const ms = performance.now() - t0;
        // Generous for a loaded CI machine; a superlinear walk over these inputs would take minutes.
        assert.ok(ms < 10_000, `${path}: ${Math.round(ms)} ms`);
        assert.equal(s.assets.length, count, path);
      }
      const capped = scanText('one.py', oneLine);
      assert.deepEqual(capped.issues.map((i) => i.message), ['more than 500 download URLs; the rest are not recorded']);
    });
  });

  it('merges one URL named in several files into one asset with every location', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'scripts'));
      await writeFile(join(root, 'train.py'), 'import torch\nsd = torch.hub.load_state_dict_from_url("http://example.com/w/model.pth")\n');
      await writeFile(join(root, 'scripts', 'get.sh'), '#!/bin/sh\n\nwget http://example.com/w/model.pth\n');
      await writeFile(join(root, 'Dockerfile'), 'FROM python:3.11\nADD http://example.com/w/model.pth /w/\n');
      const inv = await scan(root);
      const hits = inv.assets.filter((a) => a.id === 'model:url:http://example.com/w/model.pth');
      assert.equal(hits.length, 1);
      assert.deepEqual(hits[0]?.locations, [
        { path: 'Dockerfile', line: 2 },
        { path: 'scripts/get.sh', line: 3 },
        { path: 'train.py', line: 2 },
      ]);
    });
  });

  for (const format of ['json', 'xml']) {
    it(`mlbom scan of the fixture project writes a valid BOM with the downloads and no secret (${format})`, async () => {
      const { code, stdout, stderr } = await runCli(['scan', fixture('project'), '--reproducible', '--offline', '--format', format]);
      assert.equal(code, 0, stderr);
      assert.deepEqual(await schemaErrors(stdout), []);
      for (const text of [stdout, stderr]) {
        for (const secret of ['SECRET123', 'user:pass', 'X-Amz-Signature', 'token=']) assert.ok(!text.includes(secret), `${secret} leaked`);
      }
      for (const ref of [
        'model:url:https://download.pytorch.org/models/resnet50-0676ba61.pth',
        'dataset:url:http://data.example.org/corpus/wiki.tar.gz',
        'model:url:https://example.com/weights/yolov8n.pt',
        'model:url:https://example.com/ckpt/sd-v1-5.ckpt',
        'model:url:https://example.com/nb/bert.safetensors',
      ]) {
        assert.ok(stdout.includes(ref), `${ref} missing`);
      }
      if (format === 'json') {
        const bom = JSON.parse(stdout) as { components: Array<{ 'bom-ref': string; type: string; properties?: Array<{ name: string; value: string }> }> };
        const wiki = bom.components.find((c) => c['bom-ref'] === 'dataset:url:http://data.example.org/corpus/wiki.tar.gz');
        assert.equal(wiki?.type, 'data');
        const props = Object.fromEntries((wiki?.properties ?? []).map((p) => [p.name, p.value]));
        assert.equal(props['mlbom:download_scheme'], 'http');
        assert.equal(props['mlbom:download_url'], 'http://data.example.org/corpus/wiki.tar.gz');
        assert.equal(props['mlbom:download_url_has_query'], 'true');
        const resnet = bom.components.find((c) => c['bom-ref'] === 'model:url:https://download.pytorch.org/models/resnet50-0676ba61.pth');
        assert.equal(resnet?.type, 'machine-learning-model');
      }
    });
  }
});
