import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Asset, SourceScan } from '../../src/types.js';
import { claims, lexJs, lexPython, scanner } from '../../src/scanners/code-refs/index.js';
import { fixturePath } from '../helpers.js';

const REPOS = fixturePath('scanners', 'code-refs');

function scanText(path: string, text: string, exists: (p: string) => boolean = () => false): SourceScan {
  const r = scanner.scan(text, { path, exists });
  assert.ok(!(r instanceof Promise));
  return r as SourceScan;
}

/** Scan one file of a fixture repo, with `exists` answering from that repo's tree. */
function scanFixture(repo: string, rel: string): SourceScan {
  const root = join(REPOS, repo);
  return scanText(rel, readFileSync(join(root, rel), 'utf8'), (p) => p !== '' && existsSync(join(root, p)));
}

function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((n) => {
    const child = rel === '' ? n : `${rel}/${n}`;
    return statSync(join(dir, child)).isDirectory() ? walk(dir, child) : [child];
  });
}

/** `id@line,line` for every asset, in output order. */
function ids(scan: SourceScan): string[] {
  return scan.assets.map((a) => `${a.id}@${a.locations.map((l) => l.line).join(',')}`);
}

function asset(scan: SourceScan, id: string): Asset {
  const a = scan.assets.find((x) => x.id === id);
  assert.ok(a, `missing ${id} in ${JSON.stringify(ids(scan))}`);
  return a;
}

function rels(scan: SourceScan): string[] {
  return scan.relationships.map((r) => `${r.from} -${r.type}-> ${r.to}`);
}

function assertWellFormed(scan: SourceScan, path: string): void {
  for (const a of scan.assets) {
    assert.deepEqual(a.scanners, ['code-refs']);
    assert.deepEqual(a.files, []);
    assert.equal(a.parsed, true);
    assert.ok(a.confidence !== undefined && a.confidence > 0 && a.confidence <= 1, `${a.id} confidence`);
    assert.ok(a.locations.length > 0 && a.locations.every((l) => l.path === path && (l.line ?? 0) >= 1), `${a.id} locations`);
  }
  const known = new Set(scan.assets.map((a) => a.id));
  for (const r of scan.relationships) assert.ok(known.has(r.from) && known.has(r.to), `dangling ${r.from} -> ${r.to}`);
}

describe('code-refs: claims', () => {
  it('claims Python, notebooks and JS/TS, not third-party or generated code', () => {
    for (const p of ['train.py', 'src/app/main.py', 'nb/explore.ipynb', 'web/a.js', 'a.mjs', 'a.cjs', 'a.ts', 'a.tsx', 'a.jsx', 'a.mts', 'a.cts', 'tests/test_x.py', 'test/app.test.ts']) {
      assert.equal(claims(p), true, p);
    }
    for (const p of [
      'node_modules/openai/index.js', 'web/node_modules/x/a.ts', 'venv/lib/python3.11/site-packages/transformers/x.py', 'vendor/lib/a.py',
      'third_party/tool/run.py', 'dist/bundle.js', 'build/lib/pkg/a.py', 'app.min.js', 'types/index.d.ts', 'README.md', 'config.yaml', 'model.bin',
    ]) {
      assert.equal(claims(p), false, p);
    }
  });

  it('claims exactly the repo-owned code files of the fixture repos', () => {
    const claimed = (repo: string) => walk(join(REPOS, repo)).filter((p) => claims(p)).sort();
    assert.deepEqual(claimed('hf-repo'), [
      'notebooks/explore.ipynb', 'scripts/prepare_data.py', 'scripts/route.py', 'scripts/serve.py', 'scripts/urls.py', 'tests/test_smoke.py', 'train.py',
      'web/src/embed.ts',
    ]);
    assert.deepEqual(claimed('negatives-repo'), ['pipelines/kedro_pipeline.py', 'src/settings.py', 'src/train_model.py', 'web/Page.tsx', 'web/config.js']);
  });
});

describe('code-refs: Hugging Face references', () => {
  it('train.py: constants, pins, peft adapters, argparse defaults, datasets, local paths', () => {
    const scan = scanFixture('hf-repo', 'train.py');
    assertWellFormed(scan, 'train.py');
    assert.deepEqual(ids(scan), [
      'dataset:hf:b-mc2/sql-create-context@38',
      'dataset:hf:squad@40',
      'dataset:ref:data/test.csv@39',
      'dataset:ref:data/train.csv@39',
      'model:hf:OpenAssistant/reward-model-deberta-v3-large-v2@36',
      'model:hf:meta-llama/Llama-3.1-8B-Instruct@15,29,30', // the constant's line too
      'model:hf:my-org/llama3-lora-sql@35',
      'model:ref:checkpoints/final@46',
    ]);
    const base = asset(scan, 'model:hf:meta-llama/Llama-3.1-8B-Instruct');
    assert.equal(base.version, '0e9e39f249a16976918f6564b8830bc894c89659');
    assert.equal(base.purl, 'pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct@0e9e39f249a16976918f6564b8830bc894c89659');
    assert.equal(base.name, 'Llama-3.1-8B-Instruct');
    assert.equal(base.group, 'meta-llama');
    assert.equal(base.unpinned, undefined);
    assert.equal(base.confidence, 0.8); // through the BASE_MODEL constant
    const adapter = asset(scan, 'model:hf:my-org/llama3-lora-sql');
    assert.equal(adapter.unpinned, true);
    assert.deepEqual(adapter.props, { revision: 'v1.2' });
    assert.equal(adapter.purl, 'pkg:huggingface/my-org/llama3-lora-sql');
    const reward = asset(scan, 'model:hf:OpenAssistant/reward-model-deberta-v3-large-v2');
    assert.equal(reward.trustRemoteCode, true);
    assert.deepEqual(reward.props, { trust_remote_code: true });
    assert.equal(reward.confidence, 0.7); // an argparse default, which a flag can override
    const ds = asset(scan, 'dataset:hf:b-mc2/sql-create-context');
    assert.equal(ds.kind, 'dataset');
    assert.equal(ds.purl, 'pkg:huggingface/b-mc2/sql-create-context?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets');
    assert.equal(asset(scan, 'dataset:hf:squad').name, 'squad');
    const local = asset(scan, 'model:ref:checkpoints/final');
    assert.equal(local.localPath, './checkpoints/final');
    assert.equal(local.confidence, 0.7);
    assert.equal(local.unpinned, undefined);
    assert.equal(asset(scan, 'dataset:ref:data/train.csv').localPath, 'data/train.csv');
  });

  it('scripts/serve.py: vLLM, sentence-transformers, pipelines, diffusers, hub downloads, llama-cpp', () => {
    const scan = scanFixture('hf-repo', 'scripts/serve.py');
    assertWellFormed(scan, 'scripts/serve.py');
    assert.deepEqual(ids(scan), [
      'dataset:hf:HuggingFaceH4/ultrachat_200k@21',
      'model:hf:BAAI/bge-small-en-v1.5@22',
      'model:hf:Qwen/Qwen2-0.5B-Instruct-GGUF@25',
      'model:hf:Qwen/Qwen2.5-7B-Instruct@8',
      'model:hf:TheBloke/Mistral-7B-Instruct-v0.2-GGUF@20',
      'model:hf:cross-encoder/ms-marco-MiniLM-L-6-v2@12',
      'model:hf:distilbert/distilbert-base-uncased-finetuned-sst-2-english@14',
      'model:hf:dslim/bert-base-NER@15',
      'model:hf:sentence-transformers/all-MiniLM-L6-v2@11',
      'model:hf:stabilityai/stable-diffusion-xl-base-1.0@18',
      'model:ref:local-org/tiny-model@27',
    ]);
    const qwen = asset(scan, 'model:hf:Qwen/Qwen2.5-7B-Instruct');
    assert.deepEqual(qwen.props, { revision: 'main', trust_remote_code: true });
    assert.equal(qwen.unpinned, true);
    assert.equal(qwen.trustRemoteCode, true);
    assert.deepEqual(asset(scan, 'model:hf:sentence-transformers/all-MiniLM-L6-v2').props, { id_as_written: 'all-MiniLM-L6-v2' });
    assert.equal(asset(scan, 'model:hf:distilbert/distilbert-base-uncased-finetuned-sst-2-english').model.task, 'sentiment-analysis');
    assert.equal(asset(scan, 'model:hf:dslim/bert-base-NER').model.task, 'ner');
    assert.deepEqual(asset(scan, 'model:hf:Qwen/Qwen2-0.5B-Instruct-GGUF').props, { hub_filename: '*q8_0.gguf' });
    assert.deepEqual(asset(scan, 'dataset:hf:HuggingFaceH4/ultrachat_200k').props, { hub_filename: 'data/train_sft.parquet' });
    // `local-org/tiny-model` looks like a Hub id but is a folder in the tree: transformers loads the folder.
    assert.equal(asset(scan, 'model:ref:local-org/tiny-model').localPath, 'local-org/tiny-model');
  });

  it('scripts/urls.py: hf:// and huggingface.co URLs, not site pages or interpolated strings', () => {
    const scan = scanFixture('hf-repo', 'scripts/urls.py');
    assert.deepEqual(ids(scan), ['dataset:hf:stanfordnlp/imdb@3', 'dataset:hf:tatsu-lab/alpaca@6', 'model:hf:tloen/alpaca-lora-7b@5']);
    const lora = asset(scan, 'model:hf:tloen/alpaca-lora-7b');
    assert.equal(lora.version, '12103d6baae1b320aa60631b38acb6ea094a0539');
    assert.equal(asset(scan, 'dataset:hf:stanfordnlp/imdb').confidence, 0.9);
  });

  it('scripts/prepare_data.py: data files read by pandas/polars/datasets, and existing data paths', () => {
    const scan = scanFixture('hf-repo', 'scripts/prepare_data.py');
    assert.deepEqual(ids(scan), ['dataset:ref:data/feedback.jsonl@5,9', 'dataset:ref:data/train.csv@7', 'dataset:ref:data/val.parquet@8,12']);
    assert.equal(asset(scan, 'dataset:ref:data/val.parquet').localPath, 'data/val.parquet');
  });

  it('scripts/route.py: a weight file in the tree is linked by path; one not in the tree is not', () => {
    const scan = scanFixture('hf-repo', 'scripts/route.py');
    assert.deepEqual(ids(scan), ['model:ref:models/router.onnx@4']);
    const ref = asset(scan, 'model:ref:models/router.onnx');
    assert.equal(ref.localPath, 'models/router.onnx');
    assert.equal(ref.confidence, 0.6);
  });

  it("scans the repo's own tests", () => {
    assert.deepEqual(ids(scanFixture('hf-repo', 'tests/test_smoke.py')), ['model:hf:hf-internal-testing/tiny-random-bert@6']);
  });

  it('web/src/embed.ts: transformers.js pipeline and from_pretrained past a regex and templates', () => {
    const scan = scanFixture('hf-repo', 'web/src/embed.ts');
    assert.deepEqual(ids(scan), ['model:hf:Xenova/all-MiniLM-L6-v2@8', 'model:hf:Xenova/bert-base-uncased@9']);
    const mini = asset(scan, 'model:hf:Xenova/all-MiniLM-L6-v2');
    assert.deepEqual(mini.props, { revision: 'main' });
    assert.equal(mini.model.task, 'feature-extraction');
  });

  it('notebooks: code cells only, lines of the .ipynb file, magics and outputs ignored', () => {
    const scan = scanFixture('hf-repo', 'notebooks/explore.ipynb');
    assertWellFormed(scan, 'notebooks/explore.ipynb');
    assert.deepEqual(ids(scan), ['model:hf:google-bert/bert-base-cased@37,38,39', 'model:openai:gpt-4o-mini@52', 'service:openai@20,51,52']);
    assert.equal(asset(scan, 'model:hf:google-bert/bert-base-cased').trustRemoteCode, true);
    assert.deepEqual(rels(scan), ['service:openai -serves-> model:openai:gpt-4o-mini']);
  });

  it('notebooks: string sources, other kernels, malformed JSON', () => {
    const nb = (source: unknown, language = 'python') =>
      JSON.stringify({ cells: [{ cell_type: 'code', source, outputs: [] }], metadata: { kernelspec: { language } } });
    const joined = scanText('a.ipynb', nb('import x\nfrom transformers import AutoModel\nAutoModel.from_pretrained("org/m")'));
    assert.deepEqual(ids(joined), ['model:hf:org/m@1']); // one JSON line holds the whole source
    assert.deepEqual(scanText('r.ipynb', nb(['AutoModel.from_pretrained("org/m")'], 'R')).assets, []);
    const bad = scanText('bad.ipynb', '{"cells": [');
    assert.deepEqual(bad.assets, []);
    assert.equal(bad.issues.length, 1);
    assert.match(bad.issues[0]?.message ?? '', /^notebook is not valid json/);
    assert.equal(bad.issues[0]?.scanner, 'code-refs');
    const deep = scanText('deep.ipynb', '['.repeat(10_000));
    assert.match(deep.issues[0]?.message ?? '', /nested too deeply/);
  });

  it('ids, paths and bare names: what counts as a Hub id (a plain word is a folder the code writes)', () => {
    const text = [
      'from transformers import AutoModel, AutoTokenizer',
      'AutoModel.from_pretrained("gpt2")',
      'AutoModel.from_pretrained("/abs/ckpt")',
      'AutoModel.from_pretrained("~/ckpt")',
      'AutoModel.from_pretrained("org/name/sub")',
      'AutoModel.from_pretrained("model.safetensors")',
      'AutoModel.from_pretrained("bad--name/x")',
      'AutoModel.from_pretrained("")',
      'AutoTokenizer.from_pretrained(pretrained_model_name_or_path="Qwen/Qwen2.5-0.5B", revision="ABCDEF0123456789abcdef0123456789ABCDEF01")',
      'x = "https://huggingface.co/gpt2"',
      'AutoModel.from_pretrained("results")',
      'OUT = "output"',
      'AutoModel.from_pretrained(OUT)',
    ].join('\n');
    const scan = scanText('ids.py', text);
    assert.deepEqual(ids(scan), [
      'model:hf:Qwen/Qwen2.5-0.5B@9',
      'model:hf:gpt2@2',
      'model:ref:/abs/ckpt@3',
      'model:ref:model.safetensors@6',
      'model:ref:org/name/sub@5',
      'model:ref:~/ckpt@4',
    ]);
    const qwen = asset(scan, 'model:hf:Qwen/Qwen2.5-0.5B');
    assert.equal(qwen.version, 'abcdef0123456789abcdef0123456789abcdef01');
    assert.equal(qwen.purl, 'pkg:huggingface/Qwen/Qwen2.5-0.5B@abcdef0123456789abcdef0123456789abcdef01');
    assert.equal(asset(scan, 'model:hf:gpt2').group, undefined);
  });

  it('Hub ids under model- or dataset-named constants, keywords and entries (used from another file)', () => {
    const text = [
      'MODEL_NAME = "meta-llama/Llama-3.1-8B"',
      'EMBEDDING_MODEL: str = "BAAI/bge-small-en-v1.5"',
      'TRAIN_DATASET = "tatsu-lab/alpaca"',
      'CONFIG = {"base_model": "mistralai/Mistral-7B-v0.1", "output_dir": "org/out", "llm": "anthropic/claude-3-haiku"}',
      'trainer = SFTTrainer(model="facebook/opt-350m", args=args)',
      'SUFFIX_MODEL = "org/name" + suffix',
      'FINETUNED_MODEL = "checkpoints/run1"',
      'paths = {"model_dir": "org/name", "output_model": "org/other"}',
    ].join('\n');
    const scan = scanText('config.py', text);
    assert.deepEqual(ids(scan), [
      'dataset:hf:tatsu-lab/alpaca@3',
      'model:hf:BAAI/bge-small-en-v1.5@2',
      'model:hf:facebook/opt-350m@5',
      'model:hf:meta-llama/Llama-3.1-8B@1',
      'model:hf:mistralai/Mistral-7B-v0.1@4',
    ]);
    assert.ok(scan.assets.every((a) => a.confidence === 0.6));
    const js = 'export const embeddingModel = "Xenova/all-MiniLM-L6-v2";\nconst opts = { model: "openai/gpt-4o-mini", repo: "vercel/ai" };\n';
    assert.deepEqual(ids(scanText('config.ts', js)), ['model:hf:Xenova/all-MiniLM-L6-v2@1']);
  });

  it('resolves names through class attributes, dataclass fields, parameter defaults and env defaults', () => {
    const text = [
      'import os',
      'from dataclasses import dataclass, field',
      'from transformers import AutoModel',
      '@dataclass',
      'class ModelArguments:',
      '    model_name_or_path: str = field(default="EleutherAI/pythia-160m")',
      'class Embedder:',
      '    model_id = "intfloat/e5-base-v2"',
      '    def __init__(self):',
      '        self.model = AutoModel.from_pretrained(self.model_id)',
      'def load(name: str = "BAAI/bge-m3"):',
      '    return AutoModel.from_pretrained(name)',
      'ENV_MODEL = os.getenv("MODEL_ID", "microsoft/phi-2")',
      'AutoModel.from_pretrained(model_args.model_name_or_path)',
      'AutoModel.from_pretrained(ENV_MODEL)',
      'ENV_MODEL = pick()',
      'AutoModel.from_pretrained(ENV_MODEL)',
    ].join('\n');
    const scan = scanText('resolve.py', text);
    assert.deepEqual(ids(scan), [
      'model:hf:BAAI/bge-m3@12',
      'model:hf:EleutherAI/pythia-160m@14',
      'model:hf:intfloat/e5-base-v2@8,10',
      'model:hf:microsoft/phi-2@15',
    ]);
    assert.equal(asset(scan, 'model:hf:intfloat/e5-base-v2').confidence, 0.8);
    assert.equal(asset(scan, 'model:hf:microsoft/phi-2').confidence, 0.7);
  });
});

describe('code-refs: AI API services', () => {
  const service = (scan: SourceScan, provider: string) => asset(scan, `service:${provider}`).service;

  it('openai_client.py: client variable, constants, env defaults, env var names', () => {
    const scan = scanFixture('services-repo', 'app/openai_client.py');
    assertWellFormed(scan, 'app/openai_client.py');
    assert.deepEqual(ids(scan), [
      'model:openai:gpt-4o@12',
      'model:openai:gpt-4o-mini@20',
      'model:openai:text-embedding-3-small@24',
      'service:openai@3,8,12,20,24',
    ]);
    assert.deepEqual(service(scan, 'openai'), {
      provider: 'openai',
      endpoints: ['https://api.openai.com/v1'],
      authenticated: true,
      envVars: ['OPENAI_API_KEY'],
      sdks: ['openai'],
    });
    const svc = asset(scan, 'service:openai');
    assert.equal(svc.kind, 'service');
    assert.equal(svc.name, 'OpenAI API');
    const gpt = asset(scan, 'model:openai:gpt-4o');
    assert.equal(gpt.group, 'openai');
    assert.equal(gpt.name, 'gpt-4o');
    assert.equal(gpt.purl, undefined);
    assert.equal(gpt.confidence, 0.95);
    assert.equal(asset(scan, 'model:openai:gpt-4o-mini').confidence, 0.7);
    assert.deepEqual(rels(scan), [
      'service:openai -serves-> model:openai:gpt-4o',
      'service:openai -serves-> model:openai:gpt-4o-mini',
      'service:openai -serves-> model:openai:text-embedding-3-small',
    ]);
  });

  it('multi_provider.py: attributes each call to its client; an untraceable client is skipped', () => {
    const scan = scanFixture('services-repo', 'app/multi_provider.py');
    assert.deepEqual(ids(scan), [
      'model:anthropic:claude-3-5-sonnet-20241022@9',
      'model:openai:gpt-4o-2024-08-06@17',
      'service:anthropic@1,4,9',
      'service:openai@2,5,17',
    ]);
  });

  it('azure, gemini, vertex, bedrock', () => {
    const azure = scanFixture('services-repo', 'app/azure_chat.py');
    assert.deepEqual(ids(azure), ['model:azure-openai:gpt-4o-prod@5,11', 'service:azure-openai@3,5,6,11']);
    assert.deepEqual(service(azure, 'azure-openai')?.endpoints, ['https://contoso-eastus.openai.azure.com']);
    assert.deepEqual(service(azure, 'azure-openai')?.envVars, ['AZURE_OPENAI_API_KEY']);

    const gemini = scanFixture('services-repo', 'app/gemini.py');
    assert.deepEqual(ids(gemini), ['model:google-gemini:gemini-1.5-pro@6', 'service:google-gemini@3,5,6,7']);
    assert.deepEqual(service(gemini, 'google-gemini')?.envVars, ['GOOGLE_API_KEY']);
    assert.deepEqual(service(gemini, 'google-gemini')?.sdks, ['google-generativeai']);

    // `genai.Client(vertexai=True)` is Vertex; Vertex's `from_pretrained` is not a Hub load.
    const vertex = scanFixture('services-repo', 'app/vertex.py');
    assert.deepEqual(ids(vertex), [
      'model:google-vertex:gemini-1.5-flash-002@8',
      'model:google-vertex:gemini-2.0-flash-001@6',
      'model:google-vertex:text-embedding-004@9',
      'service:google-vertex@2,3,5,6,8,9',
    ]);
    assert.deepEqual(service(vertex, 'google-vertex')?.sdks, ['google-cloud-aiplatform', 'google-genai']);

    const bedrock = scanFixture('services-repo', 'app/bedrock.py');
    assert.deepEqual(ids(bedrock), [
      'model:aws-bedrock:amazon.titan-text-express-v1@15',
      'model:aws-bedrock:anthropic.claude-3-haiku-20240307-v1:0@11',
      'service:aws-bedrock@6,11,15',
    ]);
    assert.deepEqual(service(bedrock, 'aws-bedrock')?.endpoints, ['https://bedrock-runtime.amazonaws.com']);
  });

  it('local_llm.py: Ollama (also through the OpenAI SDK), self-hosted vLLM serves a Hub model', () => {
    const scan = scanFixture('services-repo', 'app/local_llm.py');
    assert.deepEqual(ids(scan), [
      'model:hf:meta-llama/Llama-3.1-8B-Instruct@15',
      'model:ollama:llama3.1@5',
      'model:ollama:mistral:7b-instruct@7',
      'model:ollama:qwen2.5:7b@11',
      'service:ollama@1,2,5,6,7,10,11',
      'service:openai@3,14,15',
    ]);
    assert.deepEqual(service(scan, 'ollama'), {
      provider: 'ollama',
      endpoints: ['http://10.0.0.5:11434', 'http://localhost:11434', 'http://localhost:11434/v1'],
      authenticated: false,
      envVars: [],
      sdks: ['ollama', 'openai'],
    });
    assert.deepEqual(asset(scan, 'service:ollama').props, { insecure_endpoint: true });
    assert.deepEqual(service(scan, 'openai')?.endpoints, ['http://localhost:8000/v1']);
    assert.deepEqual(asset(scan, 'service:openai').props, {});
    assert.equal(asset(scan, 'model:hf:meta-llama/Llama-3.1-8B-Instruct').confidence, 0.6);
    assert.ok(rels(scan).includes('service:openai -serves-> model:hf:meta-llama/Llama-3.1-8B-Instruct'));
  });

  it('providers_misc.py: Cohere, Groq, Together, Mistral (also in a with-statement)', () => {
    const scan = scanFixture('services-repo', 'app/providers_misc.py');
    assert.deepEqual(ids(scan), [
      'model:cohere:command-r-plus-08-2024@9',
      'model:groq:llama-3.1-8b-instant@12',
      'model:mistral:mistral-large-latest@18',
      'model:together:meta-llama/Llama-3-8b-chat-hf@15',
      'service:cohere@3,8,9',
      'service:groq@4,11,12',
      'service:mistral@5,17,18',
      'service:together@6,14,15',
    ]);
    assert.deepEqual(service(scan, 'cohere')?.envVars, ['CO_API_KEY']);
    assert.deepEqual(service(scan, 'mistral')?.envVars, ['MISTRAL_API_KEY']);
  });

  it('langchain_app.py: one service per wrapper provider; local embedders are Hub models', () => {
    const scan = scanFixture('services-repo', 'app/langchain_app.py');
    assert.deepEqual(ids(scan), [
      'model:anthropic:claude-3-5-haiku-20241022@12',
      'model:aws-bedrock:anthropic.claude-3-sonnet-20240229-v1:0@15',
      'model:azure-openai:chat-prod@11',
      'model:google-gemini:gemini-1.5-flash@13',
      'model:google-vertex:gemini-1.5-pro-002@14',
      'model:hf:BAAI/bge-base-en-v1.5@18',
      'model:hf:mistralai/Mistral-7B-Instruct-v0.3@17',
      'model:hf:sentence-transformers/all-mpnet-base-v2@19',
      'model:ollama:llama3@16',
      'model:openai:gpt-4o-mini@9',
      'model:openai:text-embedding-3-large@10',
      'service:anthropic@1,12',
      'service:aws-bedrock@2,15',
      'service:azure-openai@7,11',
      'service:google-gemini@4,13',
      'service:google-vertex@5,14',
      'service:huggingface-inference@6,17',
      'service:ollama@3,16',
      'service:openai@7,9,10',
    ]);
    assert.deepEqual(service(scan, 'openai')?.sdks, ['langchain-openai']);
    assert.deepEqual(service(scan, 'ollama')?.sdks, ['langchain-community']);
    assert.ok(rels(scan).includes('service:huggingface-inference -serves-> model:hf:mistralai/Mistral-7B-Instruct-v0.3'));
    assert.ok(!rels(scan).some((r) => r.endsWith('model:hf:BAAI/bge-base-en-v1.5')));
    // `HuggingFaceEmbeddings()` with no model loads LangChain's default.
    const dflt = asset(scan, 'model:hf:sentence-transformers/all-mpnet-base-v2');
    assert.deepEqual(dflt.props, { library_default: true });
    assert.equal(dflt.confidence, 0.6);
  });

  it('llamaindex_app.py and hf_inference.py: HF Inference models are Hub models served by the service', () => {
    const li = scanFixture('services-repo', 'app/llamaindex_app.py');
    assert.deepEqual(ids(li), [
      'model:hf:BAAI/bge-small-en-v1.5@7',
      'model:hf:HuggingFaceH4/zephyr-7b-beta@8',
      'model:openai:gpt-4o@6',
      'service:huggingface-inference@3,8',
      'service:openai@4,6',
    ]);
    assert.deepEqual(service(li, 'openai')?.sdks, ['llama-index']);
    const hf = scanFixture('services-repo', 'app/hf_inference.py');
    assert.deepEqual(ids(hf), ['model:hf:facebook/bart-large-cnn@7', 'model:hf:meta-llama/Meta-Llama-3-8B-Instruct@5', 'service:huggingface-inference@3,5,6,7']);
    assert.deepEqual(service(hf, 'huggingface-inference'), {
      provider: 'huggingface-inference',
      endpoints: ['https://api-inference.huggingface.co'],
      authenticated: true,
      envVars: ['HF_TOKEN'],
      sdks: ['huggingface-hub'],
    });
    assert.deepEqual(rels(hf), [
      'service:huggingface-inference -serves-> model:hf:facebook/bart-large-cnn',
      'service:huggingface-inference -serves-> model:hf:meta-llama/Meta-Llama-3-8B-Instruct',
    ]);
  });

  it('raw_http.py: a provider URL and the model in the request body', () => {
    const scan = scanFixture('services-repo', 'app/raw_http.py');
    assert.deepEqual(ids(scan), ['model:mistral:mistral-small-latest@10', 'service:mistral@5,10']);
    assert.deepEqual(service(scan, 'mistral')?.endpoints, ['https://api.mistral.ai/v1/chat/completions']);
    assert.deepEqual(service(scan, 'mistral')?.sdks, []);
  });

  it('JS/TS: openai, anthropic, AI SDK, LangChain.js, Gemini (require), Bedrock commands, HF inference', () => {
    const cases: Record<string, string[]> = {
      'web/src/chat.ts': ['model:anthropic:claude-3-5-haiku-latest@13', 'model:openai:gpt-4o@8', 'service:anthropic@1,5,13', 'service:openai@2,4,8,12'],
      'web/src/ai-sdk.ts': ['model:groq:llama-3.1-70b-versatile@11', 'model:openai:gpt-4o-mini@10', 'service:groq@4,5,11', 'service:openai@1,10'],
      'web/src/langchain.ts': ['model:anthropic:claude-3-opus-20240229@5', 'model:openai:gpt-4o-mini@4', 'service:anthropic@1,5', 'service:openai@2,4'],
      'web/src/gemini.js': ['model:google-gemini:gemini-1.5-flash@6', 'service:google-gemini@1,3,6,7,8'],
      'web/src/bedrock.mjs': ['model:aws-bedrock:amazon.titan-text-express-v1@6', 'service:aws-bedrock@1,3,6,11'],
      'web/src/hf.js': ['model:hf:gpt2@6', 'service:huggingface-inference@1,3,6'],
    };
    for (const [file, expected] of Object.entries(cases)) {
      const scan = scanFixture('services-repo', file);
      assertWellFormed(scan, file);
      assert.deepEqual(ids(scan), expected, file);
    }
    const aiSdk = scanFixture('services-repo', 'web/src/ai-sdk.ts');
    assert.deepEqual(service(aiSdk, 'groq'), {
      provider: 'groq',
      endpoints: ['https://api.groq.com/openai/v1'],
      authenticated: true,
      envVars: ['GROQ_API_KEY'],
      sdks: ['@ai-sdk/openai'],
    });
    assert.deepEqual(service(scanFixture('services-repo', 'web/src/chat.ts'), 'openai')?.envVars, ['OPENAI_API_KEY']);
    assert.deepEqual(service(scanFixture('services-repo', 'web/src/bedrock.mjs'), 'aws-bedrock')?.envVars, ['AWS_REGION']);
  });

  it('TypeScript class fields and constructor parameter types carry the client', () => {
    const text = [
      'import OpenAI from "openai";',
      'export const MODEL = "gpt-4o" as const;',
      'const FALLBACK = process.env.OPENAI_MODEL ?? "gpt-4o-mini";',
      'class Svc {',
      '  private client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL });',
      '  constructor(private readonly other: OpenAI) {}',
      '  async a() { return this.client.chat.completions.create({ model: MODEL, messages: [] }); }',
      '  async b() { return this.other.chat.completions.create({ model: FALLBACK, messages: [] }); }',
      '}',
    ].join('\n');
    const scan = scanText('svc.ts', text);
    assert.deepEqual(ids(scan), ['model:openai:gpt-4o@7', 'model:openai:gpt-4o-mini@8', 'service:openai@1,5,7,8']);
    assert.deepEqual(asset(scan, 'service:openai').service?.envVars, ['OPENAI_BASE_URL']);
  });

  it('never records a key: flags the service and raises an issue without the value', () => {
    // Built at run time so no key-shaped literal is committed.
    const key = ['sk', 'proj', 'Zq3xV9wLmN2bR7tYcK4pH8sD1fG6jA0e'].join('-');
    const hfKey = ['hf', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'].join('_');
    const text = [
      'from openai import OpenAI',
      `client = OpenAI(api_key="${key}")`,
      'client.chat.completions.create(model="gpt-4o")',
      `HF = "${hfKey}"`,
      'from transformers import AutoModel',
      'AutoModel.from_pretrained(HF)',
      `AutoModel.from_pretrained("org/${key}")`,
    ].join('\n');
    const scan = scanText('leak.py', text);
    const out = JSON.stringify(scan);
    assert.ok(!out.includes(key) && !out.includes(hfKey) && !out.includes('Zq3xV9wLmN2bR7tYcK4pH8sD1fG6jA0e'));
    assert.deepEqual(ids(scan), ['model:openai:gpt-4o@3', 'service:openai@1,2,3']);
    assert.deepEqual(asset(scan, 'service:openai').props, { hardcoded_secret: true });
    assert.deepEqual(scan.issues.map((i) => i.message), [
      'possible hard-coded api key on line 2; value not recorded',
      'possible hard-coded api key on line 4; value not recorded',
      'possible hard-coded api key on line 7; value not recorded',
    ]);
  });
});

describe('code-refs: precision', () => {
  it('negatives-repo yields nothing: plain "model" code, variables, f-strings, comments, docstrings, markup', () => {
    for (const file of ['pipelines/kedro_pipeline.py', 'src/settings.py', 'src/train_model.py', 'web/Page.tsx', 'web/config.js']) {
      const scan = scanFixture('negatives-repo', file);
      assert.deepEqual(scan, { assets: [], relationships: [], issues: [] }, file);
    }
  });

  it('model= with no AI SDK, and org/name strings under names that are not about models, are not models', () => {
    const text = 'def run(model="gpt-4o"):\n    return evaluate(model="claude-3-opus", data=load())\nGITHUB_REPO = "huggingface/transformers"\nLLM = "openai/gpt-4o"\n';
    assert.deepEqual(scanText('p.py', text).assets, []);
    assert.deepEqual(scanText('p.js', 'const r = evaluate({ model: "gpt-4o" });\n').assets, []);
  });

  it('vLLM-style LLM(model=...) needs the vllm import; pipeline() needs a task or transformers', () => {
    assert.deepEqual(scanText('c.py', 'from crewai import LLM\nllm = LLM(model="openai/gpt-4o")\n').assets, []);
    assert.deepEqual(scanText('k.py', 'from kedro.pipeline import pipeline\npipeline([n], namespace="x")\n').assets, []);
  });

  it('skips minified bundles', () => {
    const line = `var a=require("openai");new a.OpenAI().chat.completions.create({model:"gpt-4o"});${'x=1;'.repeat(2000)}`;
    assert.deepEqual(scanText('bundle.js', line).assets, []);
  });
});

describe('code-refs: lexers', () => {
  it('Python: prefixes, f-strings, triple quotes, comments, line continuations', () => {
    const toks = lexPython('a = rb"x" + f"{y}" + R\'z\'  # c "q"\nb = """one\ntwo""" \\\n  + u"w"\nc = "unterminated\nd = 1\n');
    const strings = toks.filter((t) => t.kind === 'string').map((t) => [t.text, t.literal, t.line]);
    assert.deepEqual(strings, [['x', false], ['{y}', false], ['z', true], ['one\ntwo', true], ['w', true], ['unterminated', false]].map((s, i) => [...s, [1, 1, 1, 2, 4, 5][i]]));
    const d = toks.find((t) => t.text === 'd');
    assert.equal(d?.line, 6);
    assert.equal(d?.bol, true);
    assert.equal(toks.find((t) => t.text === 'w')?.bol, false); // continued line
  });

  it('JS: regex vs division, nested templates, comments, unterminated strings', () => {
    const toks = lexJs('const r = /"[a-z]"/g; const q = a / b / c;\nconst t = `a${`b${"c"}`}d`;\n/* "x" */ // "y"\nconst u = "open\nconst s = \'ok\';\n');
    const strings = toks.filter((t) => t.kind === 'string').map((t) => [t.text, t.literal, t.line]);
    assert.deepEqual(strings, [
      ['a', false, 2],
      ['b', false, 2],
      ['c', true, 2],
      ['open', false, 4],
      ['ok', true, 5],
    ]);
    assert.equal(toks.filter((t) => t.text === '/regex/').length, 1);
    assert.equal(toks.find((t) => t.text === 's')?.line, 5);
  });
});

describe('code-refs: robustness', () => {
  it('never throws and stays bounded on hostile input', () => {
    const inputs = [
      '('.repeat(200_000),
      ')'.repeat(200_000),
      'f('.repeat(100_000),
      '`${'.repeat(50_000),
      '"""'.padEnd(300_000, 'a'),
      'a' + '.b'.repeat(100_000) + '()',
      'client' + '.x()'.repeat(50_000),
      '{'.repeat(50_000) + 'model: "gpt-4o"',
      'from openai import ' + 'A, '.repeat(50_000),
      'X = "org/name"\n'.repeat(20_000) + 'AutoModel.from_pretrained(X)\n',
      '\u0000\uffff\ud800'.repeat(10_000),
      '/'.repeat(100_000),
      "'\"".repeat(100_000),
    ];
    for (const text of inputs) {
      for (const path of ['h.py', 'h.ts', 'h.ipynb']) {
        const started = performance.now();
        const scan = scanText(path, text);
        assert.ok(Array.isArray(scan.assets) && Array.isArray(scan.issues), path);
        assert.ok(performance.now() - started < 10_000, `${path} took too long`);
      }
    }
    assert.deepEqual(ids(scanText('many.py', inputs[9] as string)), ['model:hf:org/name@20001']);
  });

  it('resolves settings attributes, dict and object configs, and import aliases', () => {
    const py = [
      'from langchain_openai import ChatOpenAI',
      'from pydantic_settings import BaseSettings',
      'from sentence_transformers import SentenceTransformer as ST',
      'class Settings(BaseSettings):',
      '    llm_model: str = "gpt-4o-mini"',
      'settings = Settings()',
      'CONFIG = {"embedder": "BAAI/bge-large-en-v1.5", "other": 1}',
      'llm = ChatOpenAI(model=settings.llm_model)',
      'emb = ST(CONFIG["embedder"])',
      'emb2 = ST(CONFIG.get("missing"))',
    ].join('\n');
    assert.deepEqual(ids(scanText('cfg.py', py)), ['model:hf:BAAI/bge-large-en-v1.5@7,9', 'model:openai:gpt-4o-mini@8', 'service:openai@1,8']);
    const js = [
      'import OpenAI from "openai";',
      'const cfg = { llm: { temperature: 0 }, embed: "text-embedding-3-small" };',
      'const client = new OpenAI();',
      'await client.embeddings.create({ model: cfg.embed, input: "x" });',
    ].join('\n');
    assert.deepEqual(ids(scanText('cfg.js', js)), ['model:openai:text-embedding-3-small@4', 'service:openai@1,3,4']);
  });

  it('treats prototype names in code as plain strings', () => {
    const text = [
      'import OpenAI from "openai";',
      'const o = { constructor: "x", __proto__: "y", toString: "z" };',
      'const client = new OpenAI();',
      'client.chat.completions.create({ model: "gpt-4o", constructor: "toString", hasOwnProperty: "__proto__" });',
      'const k = ["constructor", "__proto__", "toString", "valueOf"];',
      'process.env.constructor; process.env.__proto__;',
    ].join('\n');
    const scan = scanText('proto.js', text);
    assert.deepEqual(scan.issues, []);
    assert.deepEqual(ids(scan), ['model:openai:gpt-4o@4', 'service:openai@1,3,4']);
  });

  it('is deterministic', () => {
    const a = scanFixture('services-repo', 'app/langchain_app.py');
    const b = scanFixture('services-repo', 'app/langchain_app.py');
    assert.deepEqual(a, b);
    const sorted = [...a.assets.map((x) => x.id)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    assert.deepEqual(a.assets.map((x) => x.id), sorted);
  });
});
