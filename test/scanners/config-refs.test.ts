import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Asset, SourceScan } from '../../src/types.js';
import { classifyModelValue, modelRefId, scanner } from '../../src/scanners/config-refs/index.js';
import { fixturePath } from '../helpers.js';

const fixture = (...parts: string[]) => fixturePath('scanners', 'config-refs', ...parts);

/** Every file and folder under a fixture repo, root-relative, as discovery would list them. */
function treeOf(root: string): Set<string> {
  const out = new Set<string>(['.']);
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      out.add(relative(root, abs).split('\\').join('/'));
      if (statSync(abs).isDirectory()) walk(abs);
    }
  };
  walk(root);
  return out;
}

function scanIn(repo: string, path: string): SourceScan {
  const root = fixture(repo);
  const tree = treeOf(root);
  assert.ok(scanner.claims(path), `${path} should be claimed`);
  const text = readFileSync(join(root, path), 'utf8');
  const result = scanner.scan(text, { path, exists: (p) => tree.has(p.replace(/^\.\//, '').replace(/\/+$/, '')) });
  assert.ok(!(result instanceof Promise));
  return result as SourceScan;
}

function scanText(path: string, text: string, exists: (p: string) => boolean = () => false): SourceScan {
  return scanner.scan(text, { path, exists }) as SourceScan;
}

const ids = (s: SourceScan): string[] => s.assets.map((a) => a.id);

function get(s: SourceScan, id: string): Asset {
  const a = s.assets.find((x) => x.id === id);
  assert.ok(a !== undefined, `missing ${id}; got ${ids(s).join(', ')}`);
  return a;
}

const lines = (a: Asset): Array<number | undefined> => a.locations.map((l) => l.line);

describe('config-refs scanner', () => {
  it('claims YAML, JSON, TOML and env templates, not manifests, model-folder files, prompts or live .env', () => {
    assert.equal(scanner.name, 'config-refs');
    const yes = [
      'config/settings.yaml', 'app.yml', 'app/settings.json', 'config.toml', '.env.example', 'deploy/.env.sample',
      '.env.template', 'prod.env.example', 'docker-compose.yml', 'prompts/qa.yaml', 'charts/app/values.yaml',
    ];
    const no = [
      '.env', '.env.local', '.env.production', 'package.json', 'web/package-lock.json', 'tsconfig.json', 'tsconfig.build.json',
      'api.schema.json', 'nb.ipynb', 'models/bert/config.json', 'tokenizer_config.json', 'generation_config.json',
      'adapter_config.json', 'model_index.json', 'model.safetensors.index.json', 'summarize.prompt.yml', 'x.prompt.yaml',
      'chat.prompty', 'environment.yml', 'environment.yaml', 'environment-gpu.yml', 'conda.yaml', 'pnpm-lock.yaml', 'pyproject.toml', 'Cargo.toml', 'poetry.lock',
      'uv.lock', 'Pipfile', '.github/workflows/ci.yml', 'node_modules/pkg/config.yaml', 'lib/python3.11/site-packages/x/a.yaml',
      'vendor/a.yml', 'dist/app.json', 'README.md', 'main.py',
    ];
    for (const p of yes) assert.equal(scanner.claims(p), true, p);
    for (const p of no) assert.equal(scanner.claims(p), false, p);
  });

  it('reads model keys from a YAML settings file with provider context, pins and aliases', () => {
    const s = scanIn('rag-app', 'config/settings.yaml');
    assert.deepEqual(ids(s), [
      'model:hf:BAAI/bge-reranker-base',
      'model:hf:sentence-transformers/all-MiniLM-L6-v2',
      'model:ollama:llama3.1:8b',
      'model:openai:gpt-4o',
      'model:openai:gpt-4o-mini',
      'model:openai:o3-mini',
      'service:openai',
    ]);
    const st = get(s, 'model:hf:sentence-transformers/all-MiniLM-L6-v2');
    assert.equal(st.version, '8b3219a92973c328a8e22fadcfa821b5dc75636a');
    assert.equal(st.purl, 'pkg:huggingface/sentence-transformers/all-MiniLM-L6-v2@8b3219a92973c328a8e22fadcfa821b5dc75636a');
    assert.equal(st.unpinned, undefined);
    assert.equal(st.group, 'sentence-transformers');
    assert.equal(st.name, 'all-MiniLM-L6-v2');
    assert.deepEqual(st.locations, [{ path: 'config/settings.yaml', line: 19 }]);
    assert.equal(st.confidence, 0.8);
    assert.deepEqual(st.props, { config_key: 'embeddings.model_name' });

    const rr = get(s, 'model:hf:BAAI/bge-reranker-base');
    assert.equal(rr.unpinned, true);
    assert.equal(rr.trustRemoteCode, true);
    assert.equal(rr.purl, 'pkg:huggingface/BAAI/bge-reranker-base');

    const ollama = get(s, 'model:ollama:llama3.1:8b');
    assert.equal(ollama.group, 'ollama');
    assert.equal(ollama.name, 'llama3.1:8b');
    assert.equal(ollama.purl, undefined);
    assert.deepEqual(lines(ollama), [14]);

    const mini = get(s, 'model:openai:gpt-4o-mini');
    assert.equal(mini.confidence, 0.85);
    assert.deepEqual(lines(mini), [31]);
    assert.deepEqual(lines(get(s, 'model:openai:o3-mini')), [34]);

    const svc = get(s, 'service:openai');
    assert.equal(svc.kind, 'service');
    assert.equal(svc.name, 'OpenAI API');
    assert.deepEqual(svc.service, { provider: 'openai', endpoints: ['https://api.openai.com/v1'], authenticated: true, envVars: ['OPENAI_API_KEY'], sdks: [] });
    assert.deepEqual(s.relationships, [
      { from: 'service:openai', to: 'model:openai:gpt-4o', type: 'serves' },
      { from: 'service:openai', to: 'model:openai:gpt-4o-mini', type: 'serves' },
      { from: 'service:openai', to: 'model:openai:o3-mini', type: 'serves' },
    ]);
    assert.deepEqual(s.issues, []);
    for (const a of s.assets) assert.deepEqual(a.scanners, ['config-refs']);
  });

  it('reads LiteLLM router prefixes and skips the client-facing alias', () => {
    const s = scanIn('rag-app', 'config/litellm.yaml');
    assert.deepEqual(ids(s), [
      'model:aws-bedrock:anthropic.claude-3-sonnet-20240229-v1:0',
      'model:azure-openai:gpt-4-prod',
      'model:groq:llama3-70b-8192',
      'model:ollama:llama3',
      'service:ollama',
    ]);
    assert.deepEqual(lines(get(s, 'model:azure-openai:gpt-4-prod')), [4]);
    assert.deepEqual(lines(get(s, 'model:aws-bedrock:anthropic.claude-3-sonnet-20240229-v1:0')), [14]);
    assert.equal(get(s, 'service:ollama').service?.authenticated, false);
  });

  it('reads .env templates: model names, provider prefixes, endpoints; never a value that is a key', () => {
    const s = scanIn('rag-app', '.env.example');
    assert.deepEqual(ids(s), [
      'model:anthropic:claude-3-5-sonnet-20241022',
      'model:azure-openai:gpt-4o',
      'model:hf:mistralai/Mistral-7B-Instruct-v0.3',
      'model:ollama:qwen2.5:7b-instruct',
      'model:openai:gpt-4o',
      'model:openai:text-embedding-3-small',
      'service:azure-openai',
      'service:ollama',
    ]);
    assert.deepEqual(lines(get(s, 'model:openai:gpt-4o')), [3]);
    assert.deepEqual(lines(get(s, 'model:anthropic:claude-3-5-sonnet-20241022')), [5]);
    assert.deepEqual(lines(get(s, 'model:azure-openai:gpt-4o')), [10]);
    assert.deepEqual(get(s, 'service:azure-openai').service, {
      provider: 'azure-openai',
      endpoints: ['https://contoso-ai.openai.azure.com'],
      authenticated: true,
      envVars: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_DEPLOYMENT_NAME', 'AZURE_OPENAI_ENDPOINT'],
      sdks: [],
    });
    assert.deepEqual(get(s, 'service:ollama').service?.envVars, ['OLLAMA_HOST']);
    assert.deepEqual(s.relationships, [
      { from: 'service:azure-openai', to: 'model:azure-openai:gpt-4o', type: 'serves' },
      { from: 'service:ollama', to: 'model:ollama:qwen2.5:7b-instruct', type: 'serves' },
    ]);
    const out = JSON.stringify(s);
    assert.ok(!out.includes('sk-') && !out.includes('hf_REPLACE'), 'no secret value in the output');
  });

  it('reads JSON app config: provider sections, Gemini ids, local checkpoints; not ORM model names', () => {
    const s = scanIn('rag-app', 'app/settings.json');
    assert.deepEqual(ids(s), [
      'model:anthropic:claude-3-haiku-20240307',
      'model:google-gemini:text-embedding-004',
      'model:hf:facebook/bart-large-cnn',
      'model:ref:checkpoints/run-1',
    ]);
    assert.deepEqual(lines(get(s, 'model:anthropic:claude-3-haiku-20240307')), [6]);
    assert.deepEqual(lines(get(s, 'model:google-gemini:text-embedding-004')), [9]);
    assert.deepEqual(lines(get(s, 'model:hf:facebook/bart-large-cnn')), [14]);
    const local = get(s, 'model:ref:checkpoints/run-1');
    assert.equal(local.localPath, './checkpoints/run-1');
    assert.equal(local.name, 'run-1');
    assert.equal(local.purl, undefined);
    assert.deepEqual(lines(local), [11]);
  });

  it('reads TOML sections as provider context, with lines', () => {
    const s = scanIn('rag-app', 'config.toml');
    assert.deepEqual(ids(s), ['model:groq:llama-3.1-8b-instant', 'model:openai:gpt-4o', 'service:groq']);
    assert.deepEqual(lines(get(s, 'model:openai:gpt-4o')), [4]);
    assert.deepEqual(lines(get(s, 'model:groq:llama-3.1-8b-instant')), [9]);
    assert.deepEqual(get(s, 'service:groq').service?.endpoints, ['https://api.groq.com/openai/v1']);
  });

  it('reads training configs: base model, trust_remote_code, Hub and local datasets', () => {
    const s = scanIn('rag-app', 'train/axolotl.yml');
    assert.deepEqual(ids(s), ['dataset:hf:mhenrichsen/alpaca_2k_test', 'dataset:ref:data/local.jsonl', 'model:hf:NousResearch/Llama-2-7b-hf']);
    const base = get(s, 'model:hf:NousResearch/Llama-2-7b-hf');
    assert.equal(base.trustRemoteCode, true);
    assert.deepEqual(lines(base), [1]);
    const ds = get(s, 'dataset:hf:mhenrichsen/alpaca_2k_test');
    assert.equal(ds.kind, 'dataset');
    assert.equal(ds.purl, 'pkg:huggingface/mhenrichsen/alpaca_2k_test?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets');
    assert.deepEqual(lines(ds), [8]);
    assert.equal(get(s, 'dataset:ref:data/local.jsonl').localPath, 'data/local.jsonl');
  });

  it('reads legacy Hub ids under Hydra pretrained keys', () => {
    const s = scanIn('rag-app', 'hydra/model/bert.yaml');
    assert.deepEqual(ids(s), ['model:hf:bert-base-uncased']);
    const a = get(s, 'model:hf:bert-base-uncased');
    assert.equal(a.group, undefined);
    assert.equal(a.purl, 'pkg:huggingface/bert-base-uncased');
    assert.equal(a.confidence, 0.7);
  });

  it('reads container env lists (compose KEY=VALUE, Kubernetes name/value) and hf:// URLs', () => {
    const compose = scanIn('rag-app', 'docker-compose.yml');
    assert.deepEqual(ids(compose), ['model:ollama:llama3.2:3b', 'service:ollama']);
    assert.deepEqual(get(compose, 'service:ollama').service?.envVars, ['OLLAMA_BASE_URL']);
    const k8s = scanIn('rag-app', 'deploy/k8s.yaml');
    assert.deepEqual(ids(k8s), ['model:hf:intfloat/e5-small-v2', 'model:openai:gpt-4o-mini']);
    assert.deepEqual(lines(get(k8s, 'model:openai:gpt-4o-mini')), [13]);
    assert.deepEqual(lines(get(k8s, 'model:hf:intfloat/e5-small-v2')), [29]);
  });

  it('reads promptfoo provider lists, only in their explicit provider:model form', () => {
    const s = scanIn('rag-app', 'promptfooconfig.yaml');
    assert.deepEqual(ids(s), ['model:anthropic:claude-3-5-haiku-20241022', 'model:ollama:llama3.2', 'model:openai:gpt-4o-mini']);
    assert.deepEqual(lines(get(s, 'model:openai:gpt-4o-mini')), [5]);
    assert.deepEqual(lines(get(s, 'model:ollama:llama3.2')), [7]);
  });

  it('reads JSON with comments and trailing commas', () => {
    const s = scanIn('rag-app', '.devcontainer/devcontainer.json');
    assert.deepEqual(ids(s), ['model:ollama:phi3:mini']);
    assert.deepEqual(lines(get(s, 'model:ollama:phi3:mini')), [7]);
    assert.deepEqual(s.issues, []);
  });

  it('leaves LangChain prompt files in prompts/ to prompt-files', () => {
    const s = scanIn('rag-app', 'prompts/qa.yaml');
    assert.deepEqual(s, { assets: [], relationships: [], issues: [] });
  });

  for (const file of ['docker-compose.yml', 'ci.yml', 'k8s-deployment.yaml', 'app.yaml', 'orm.json', 'secrets.env.example', 'chart/templates/deployment.yaml']) {
    it(`finds nothing in negatives/${file}`, () => {
      const s = scanIn('negatives', file);
      assert.deepEqual(s, { assets: [], relationships: [], issues: [] });
    });
  }

  it('reports malformed files without quoting them, keeping what could be read', () => {
    const json = scanIn('negatives', 'broken.json');
    assert.deepEqual(json, { assets: [], relationships: [], issues: [{ path: 'broken.json', scanner: 'config-refs', message: 'invalid json' }] });
    const toml = scanIn('negatives', 'broken.toml');
    assert.deepEqual(toml.issues, [{ path: 'broken.toml', scanner: 'config-refs', message: 'invalid toml at line 2' }]);
    const yaml = scanIn('negatives', 'broken.yaml');
    assert.deepEqual(ids(yaml), ['model:openai:gpt-4o']);
    assert.equal(yaml.issues.length, 1);
    assert.match(yaml.issues[0]?.message ?? '', /^invalid yaml \(/);
    for (const s of [json, toml, yaml]) assert.ok(!JSON.stringify(s).includes('sk-'), 'no secret in issues');
  });

  it('does not claim files under .github, node_modules or package.json even when they name models', () => {
    assert.equal(scanner.claims('negatives/.github/workflows/eval.yml'), false);
    assert.equal(scanner.claims('negatives/package.json'), false);
  });

  it('classifies values conservatively', () => {
    const cases: Array<[string, string | undefined, Parameters<typeof classifyModelValue>[1]?]> = [
      ['meta-llama/Llama-3.1-8B-Instruct', 'model:hf:meta-llama/Llama-3.1-8B-Instruct'],
      ['https://huggingface.co/google/gemma-2b/tree/main', 'model:hf:google/gemma-2b'],
      ['hf://datasets/squad/plain', undefined],
      ['openai/whisper-large-v3', 'model:hf:openai/whisper-large-v3'],
      ['openai/gpt-oss-20b', 'model:hf:openai/gpt-oss-20b'],
      ['openai/gpt-4o', 'model:openai:gpt-4o'],
      ['openai:gpt-4o', 'model:openai:gpt-4o'],
      ['anthropic:claude-3-5-haiku-latest', 'model:anthropic:claude-3-5-haiku-latest'],
      ['googleai/gemini-1.5-pro', 'model:google-gemini:gemini-1.5-pro'],
      ['vertex_ai/gemini-1.5-pro', 'model:google-vertex:gemini-1.5-pro'],
      ['models/gemini-1.5-flash', 'model:google-gemini:gemini-1.5-flash'],
      ['gemini-2.0-flash', 'model:google-gemini:gemini-2.0-flash'],
      ['text-embedding-3-large', 'model:openai:text-embedding-3-large'],
      ['text-embedding-004', 'model:google-gemini:text-embedding-004'],
      ['dall-e-3', 'model:openai:dall-e-3'],
      ['whisper-1', 'model:openai:whisper-1'],
      ['tts-1-hd', 'model:openai:tts-1-hd'],
      ['o1', 'model:openai:o1'],
      ['o4-mini', 'model:openai:o4-mini'],
      ['chatgpt-4o-latest', 'model:openai:chatgpt-4o-latest'],
      ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'model:openai:ft:gpt-4o-mini-2024-07-18:acme::abc123'],
      ['claude-sonnet-4-20250514', 'model:anthropic:claude-sonnet-4-20250514'],
      ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'model:aws-bedrock:us.anthropic.claude-3-5-sonnet-20241022-v2:0'],
      ['amazon.titan-embed-text-v2:0', 'model:aws-bedrock:amazon.titan-embed-text-v2:0'],
      ['meta.llama3-70b-instruct-v1:0', 'model:aws-bedrock:meta.llama3-70b-instruct-v1:0'],
      ['cohere.command-r-v1:0', 'model:aws-bedrock:cohere.command-r-v1:0'],
      ['mistral.mistral-large-2402-v1:0', 'model:aws-bedrock:mistral.mistral-large-2402-v1:0'],
      ['mistral-large-latest', 'model:mistral:mistral-large-latest'],
      ['open-mistral-nemo', 'model:mistral:open-mistral-nemo'],
      ['codestral-latest', 'model:mistral:codestral-latest'],
      ['command-r-plus', 'model:cohere:command-r-plus'],
      ['embed-english-v3.0', 'model:cohere:embed-english-v3.0'],
      ['llama3.1:8b', 'model:ollama:llama3.1:8b'],
      ['nomic-embed-text:latest', 'model:ollama:nomic-embed-text:latest'],
      ['llama3', undefined],
      ['llama3', 'model:ollama:llama3', { provider: 'ollama' }],
      ['gpt-4o', 'model:azure-openai:gpt-4o', { provider: 'azure-openai' }],
      ['gemini-1.5-pro', 'model:google-vertex:gemini-1.5-pro', { provider: 'google-vertex' }],
      ['gpt-4o', 'model:openai:gpt-4o', { provider: 'ollama' }],
      ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'model:together:meta-llama/Llama-3.3-70B-Instruct-Turbo', { provider: 'together' }],
      ['meta-llama/Llama-3.1-8B', 'model:hf:meta-llama/Llama-3.1-8B', { provider: 'openai' }],
      ['my-deployment', undefined],
      ['prod', undefined, { provider: 'azure-openai' }],
      ['gpt-4o-prod', 'model:azure-openai:gpt-4o-prod', { provider: 'azure-openai' }],
      ['./models/my-bert', 'model:ref:models/my-bert'],
      ['models/my-bert', undefined],
      ['ollama:chat:llama3', 'model:ollama:llama3'],
      ['vertex:gemini-1.5-pro', 'model:google-vertex:gemini-1.5-pro'],
      ['huggingface:text-generation:gpt2', 'model:hf:gpt2'],
      ['huggingface/meta-llama/Llama-3.1-8B', 'model:hf:meta-llama/Llama-3.1-8B'],
      ['groq/openai/gpt-oss-120b', 'model:groq:openai/gpt-oss-120b'],
      ['ollama/mistral-small', 'model:ollama:mistral-small'],
      ['mistral:7b', 'model:ollama:mistral:7b'],
      ['mistral-small', 'model:ollama:mistral-small', { provider: 'ollama' }],
      ['mistral-small', 'model:mistral:mistral-small'],
      ['GPT-4o', 'model:openai:gpt-4o'],
      ['.', undefined, { exists: () => true }],
      ['/opt/models/bert', undefined],
      ['data/train.jsonl', undefined],
      ['v1/latest', undefined],
      ['small', undefined],
      ['default', undefined, { provider: 'ollama' }],
      ['User', undefined],
      ['bert', undefined],
      ['gpt', undefined],
      ['gpt2', 'model:hf:gpt2'],
      ['${MODEL_NAME}', undefined],
      ['{{ model }}', undefined],
      ['<your-model>', undefined],
      ['os.environ/AZURE_MODEL', undefined],
      ['https://example.com/models/foo', undefined],
      ['sk-proj-abcdefghijklmnop1234', undefined],
      ['sk-proj-abcdefghijklmnop1234', undefined, { provider: 'azure-openai' }],
      ['hf_abcdefghijklmnopqrstuvwxyz', undefined],
      ['', undefined],
      ['gpt 4', undefined],
    ];
    for (const [value, want, opts] of cases) {
      const got = classifyModelValue(value, opts ?? {});
      assert.equal(got === undefined ? undefined : modelRefId(got.ref), want, `${value} ${JSON.stringify(opts ?? {})}`);
    }
  });

  it('treats an existing folder that looks like a Hub id as a local reference', () => {
    const s = scanText('configs/train.yaml', 'model_name_or_path: acme/finetuned\n', (p) => p === 'configs/acme/finetuned');
    assert.deepEqual(ids(s), ['model:ref:acme/finetuned']);
    assert.equal(s.assets[0]?.localPath, 'acme/finetuned');
  });

  it('reads model mappings: action input defaults, model_path, name under model', () => {
    const text = [
      'inputs:',
      '  model:',
      '    description: Model to review with',
      '    default: GPT-4o-mini',
      'worker:',
      '  model_path: lmsys/vicuna-7b-v1.5',
      'judge:',
      '  model:',
      '    name: Qwen/Qwen2.5-7B-Instruct',
      '    optimizer:',
      '      name: adamw',
      '',
    ].join('\n');
    const s = scanText('action.yml', text);
    assert.deepEqual(ids(s), ['model:hf:Qwen/Qwen2.5-7B-Instruct', 'model:hf:lmsys/vicuna-7b-v1.5', 'model:openai:gpt-4o-mini']);
    assert.deepEqual(lines(get(s, 'model:openai:gpt-4o-mini')), [4]);
    assert.deepEqual(lines(get(s, 'model:hf:Qwen/Qwen2.5-7B-Instruct')), [9]);
  });

  it('merges repeated references in one file into one asset with each line', () => {
    const text = '{\n  "a": {"model": "gpt-4o"},\n  "b": {"model": "gpt-4o"},\n  "c": {"model": "gpt-4o"}\n}\n';
    const s = scanText('app/llm.json', text);
    assert.deepEqual(ids(s), ['model:openai:gpt-4o']);
    assert.deepEqual(lines(get(s, 'model:openai:gpt-4o')), [2, 3, 4]);
  });

  it('survives hostile documents: deep nesting, alias bombs, huge node counts', () => {
    const deepYaml = `${Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')} x\n`;
    const y = scanText('deep.yaml', deepYaml);
    assert.deepEqual(y.assets, []);
    assert.equal(y.issues.length, 1);
    const flow = scanText('flow.yaml', `${'['.repeat(5000)}${']'.repeat(5000)}`);
    assert.deepEqual(flow.assets, []);
    const deepJson = scanText('deep.json', `${'{"a":'.repeat(5000)}{"model": "gpt-4o"}${'}'.repeat(5000)}`);
    assert.deepEqual(deepJson.assets, []);
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'model: gpt-4o',
    ].join('\n');
    const b = scanText('bomb.yaml', bomb);
    assert.ok(b.assets.length <= 1);
    const wide = `{${Array.from({ length: 60_000 }, (_, i) => `"k${i}": ${i}`).join(',')}, "model": "gpt-4o"}`;
    assert.doesNotThrow(() => scanText('wide.json', wide));
    assert.deepEqual(scanText('empty.json', ''), { assets: [], relationships: [], issues: [] });
    assert.equal(scanText('nul.yaml', '\u0000\u0001: [').issues.length, 1);
  });
});
