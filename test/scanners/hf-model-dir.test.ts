import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  huggingfacePurl,
  isHfModelConfig,
  parseHubCachePath,
  scanHfModelDir,
  type HfDirInput,
} from '../../src/scanners/hf-model-dir/index.js';
import { fixturePath } from '../helpers.js';

const ROOT = fixturePath('scanners', 'hf-model-dir');

/** An HfDirInput over a fixture folder, with ROOT as the scan root. */
async function fixtureInput(dir: string): Promise<HfDirInput> {
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else files.push(child);
    }
  };
  await walk(dir);
  files.sort();
  return { dir, files, readText: async (p) => readFile(join(ROOT, p), 'utf8').catch(() => undefined) };
}

/** An HfDirInput over in-memory files (paths relative to `dir`). */
function memoryInput(dir: string, contents: Record<string, string>): HfDirInput {
  const prefix = dir === '' ? '' : `${dir}/`;
  const map = new Map(Object.entries(contents).map(([k, v]) => [prefix + k, v]));
  return { dir, files: [...map.keys()].sort(), readText: async (p) => map.get(p) };
}

test('bert-tiny: config, card, tokenizer chat template and file roles', async () => {
  const scan = await scanHfModelDir(await fixtureInput('bert-tiny'));
  assert.equal(scan.isModelDir, true);
  assert.deepEqual(scan.issues, []);
  assert.equal(scan.hub, undefined);
  const { metrics, ...model } = scan.model;
  assert.deepEqual(model, {
    name: 'mlbom-fixtures/bert-tiny-squad2',
    architecture: 'BertForMaskedLM',
    architectureFamily: 'bert',
    task: 'question-answering',
    licenses: ['Apache-2.0'],
    baseModels: ['FacebookAI/roberta-base', 'google-bert/bert-base-uncased'],
    baseModelRelation: 'finetune',
    datasets: ['squad_v2'],
    contextLength: 512,
    description: 'A two-layer BERT fine-tuned for extractive question answering, small enough to run in unit tests.',
  });
  assert.equal(metrics?.length, 7);
  assert.deepEqual(metrics?.slice(0, 3), [
    { type: 'exact_match', value: '79.9309', slice: 'question-answering on squad_v2 (validation)' },
    { type: 'f1', value: '82.9501', slice: 'question-answering on squad_v2 (validation)' },
    { type: 'total', value: '11869', slice: 'question-answering on squad_v2 (validation)' },
  ]);
  assert.deepEqual(metrics?.[6], { type: 'f1', value: '83.284', slice: 'question-answering on squadshifts amazon (test)' });
  assert.deepEqual(scan.props, {
    model_type: 'bert',
    torch_dtype: 'float32',
    transformers_version: '4.44.2',
    library_name: 'transformers',
    languages: ['en'],
    tags: ['bert', 'exbert'],
    metric_names: ['exact_match', 'f1'],
    has_card: true,
    has_chat_template: true,
    chat_template_path: 'bert-tiny/tokenizer_config.json',
  });
  assert.equal(scan.chatTemplate?.sha256, 'd63febe36b4b66c81b1d94660cb7cdc22d2ef4f4cc6fabe894e5c1051198a5b2');
  assert.ok(scan.chatTemplate?.source.startsWith('{% for message in messages %}'));
  assert.deepEqual(scan.roles, {
    'bert-tiny/README.md': 'card',
    'bert-tiny/config.json': 'config',
    'bert-tiny/generation_config.json': 'config',
    'bert-tiny/model.safetensors': 'weights',
    'bert-tiny/onnx/model.onnx': 'weights',
    'bert-tiny/special_tokens_map.json': 'tokenizer',
    'bert-tiny/tokenizer_config.json': 'tokenizer',
    'bert-tiny/training_args.bin': 'other',
    'bert-tiny/vocab.txt': 'tokenizer',
  });
});

test('peft adapter: base model, adapter relation, licence "other" resolved to license_name', async () => {
  const scan = await scanHfModelDir(await fixtureInput('peft-adapter'));
  assert.equal(scan.isModelDir, true);
  assert.deepEqual(scan.issues, []);
  assert.deepEqual(scan.model, {
    name: 'peft-adapter',
    baseModels: ['Qwen/Qwen2-0.5B'],
    baseModelRelation: 'adapter',
    licenses: ['tongyi-qianwen-research'],
    description: 'A LoRA adapter for Qwen2-0.5B.',
  });
  assert.deepEqual(scan.props, {
    peft_type: 'LORA',
    peft_task_type: 'CAUSAL_LM',
    lora_rank: 8,
    library_name: 'peft',
    license_name: 'tongyi-qianwen-research',
    license_link: 'https://huggingface.co/Qwen/Qwen2-0.5B/blob/main/LICENSE',
    has_card: true,
    has_chat_template: true,
    chat_template_path: 'peft-adapter/chat_template.jinja',
  });
  assert.equal(scan.chatTemplate?.sha256, '05e646e206839dddfb4d07f54a632e51e8d50e2f3ae293581176869c2e120461');
  assert.equal(scan.roles['peft-adapter/adapter_config.json'], 'config');
  assert.equal(scan.roles['peft-adapter/adapter_model.safetensors'], 'weights');
  assert.equal(scan.roles['peft-adapter/chat_template.jinja'], 'template');
});

test('diffusers pipeline: model_index.json, openrail++ licence, component roles', async () => {
  const scan = await scanHfModelDir(await fixtureInput('sd-pipeline'));
  assert.equal(scan.isModelDir, true);
  assert.deepEqual(scan.model, {
    name: 'sd-pipeline',
    architecture: 'StableDiffusionPipeline',
    licenses: ['openrail++'],
    description: 'This model card focuses on the model associated with the Stable Diffusion v2-1 model.',
  });
  assert.deepEqual(scan.props, {
    diffusers_version: '0.30.0',
    diffusers_components: ['scheduler', 'text_encoder', 'tokenizer', 'unet', 'vae'],
    tags: ['stable-diffusion', 'text-to-image'],
    library_name: 'diffusers',
    has_card: true,
    has_chat_template: false,
  });
  assert.equal(scan.roles['sd-pipeline/unet/diffusion_pytorch_model.safetensors'], 'weights');
  assert.equal(scan.roles['sd-pipeline/unet/config.json'], 'config');
  assert.equal(scan.roles['sd-pipeline/scheduler/scheduler_config.json'], 'config');
  assert.equal(scan.roles['sd-pipeline/tokenizer/merges.txt'], 'tokenizer');
  assert.equal(scan.roles['sd-pipeline/tokenizer/vocab.json'], 'tokenizer');
});

test('an app config.json is not an HF model folder', async () => {
  const scan = await scanHfModelDir(await fixtureInput('app-config'));
  assert.equal(scan.isModelDir, false);
  assert.deepEqual(scan.model, {});
  assert.deepEqual(scan.issues, []);
  assert.equal(isHfModelConfig({ port: 8080 }), false);
});

test('isHfModelConfig recognises transformers, diffusers and timm shapes only', () => {
  assert.equal(isHfModelConfig({ model_type: 'llama' }), true);
  assert.equal(isHfModelConfig({ architectures: ['LlamaForCausalLM'] }), true);
  assert.equal(isHfModelConfig({ _class_name: 'ControlNetModel', _diffusers_version: '0.30.0' }), true);
  assert.equal(isHfModelConfig({ architecture: 'resnet50', pretrained_cfg: {} }), true);
  for (const other of [null, 'bert', [], [{ model_type: 'x' }], {}, { architectures: [] }, { architectures: [1] }, { model_type: '' }, { _class_name: 'Foo' }, { architecture: 'resnet50' }]) {
    assert.equal(isHfModelConfig(other), false, JSON.stringify(other));
  }
});

test('README with model-card keys plus weights is a model folder; without weights it is not', async () => {
  const card = '---\nlicense: mit\npipeline_tag: text-classification\n---\n# m\n\nText.\n';
  const withWeights = await scanHfModelDir(memoryInput('models/clf', { 'README.md': card, 'model.onnx': '' }));
  assert.equal(withWeights.isModelDir, true);
  assert.deepEqual(withWeights.model, { name: 'clf', licenses: ['MIT'], task: 'text-classification', description: 'Text.' });
  const noWeights = await scanHfModelDir(memoryInput('docs', { 'README.md': card }));
  assert.equal(noWeights.isModelDir, false);
});

test('broken README front matter: an issue naming the card, facts still come from config.json', async () => {
  const scan = await scanHfModelDir(memoryInput('m', {
    'README.md': '---\nlicense: [mit\n---\n# m\n',
    'config.json': JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_positions: 1024 }),
    'model.safetensors': '',
  }));
  assert.equal(scan.isModelDir, true);
  assert.equal(scan.issues.length, 1);
  assert.equal(scan.issues[0]?.path, 'm/README.md');
  assert.equal(scan.issues[0]?.scanner, 'hf-model-dir');
  assert.match(scan.issues[0]?.message ?? '', /^bad model card front matter: invalid yaml: /);
  assert.equal(scan.model.architecture, 'GPT2LMHeadModel');
  assert.equal(scan.model.architectureFamily, 'gpt2');
  assert.equal(scan.model.contextLength, 1024);
  assert.equal(scan.props.has_card, true);
});

test('invalid config.json beside weights: an issue, still a model folder', async () => {
  const scan = await scanHfModelDir(memoryInput('m', { 'config.json': '{"model_type": "bert",', 'pytorch_model.bin': '' }));
  assert.equal(scan.isModelDir, true);
  assert.equal(scan.issues.length, 1);
  assert.equal(scan.issues[0]?.path, 'm/config.json');
  assert.match(scan.issues[0]?.message ?? '', /^invalid JSON: /);
  assert.equal(scan.model.architectureFamily, undefined);
});

test('invalid config.json with nothing else is not a model folder', async () => {
  const scan = await scanHfModelDir(memoryInput('app', { 'config.json': '{oops' }));
  assert.equal(scan.isModelDir, false);
  assert.deepEqual(scan.issues, []);
});

test('malformed model-index entries are skipped, good ones kept', async () => {
  const card = [
    '---',
    'model-index:',
    '- name: 7',
    '  results:',
    '  - "not a result"',
    '  - task: {type: text-classification}',
    '    dataset: [not, a, map]',
    '    metrics:',
    '    - {type: accuracy, value: 0.91}',
    '    - {type: f1, value: {nested: 1}}',
    '    - {value: 3}',
    '    - {name: Loss, value: "0.2"}',
    '  - metrics: "nope"',
    '- 42',
    '- results: {}',
    '---',
  ].join('\n');
  const scan = await scanHfModelDir(memoryInput('m', { 'README.md': card, 'config.json': '{"model_type":"bert"}' }));
  assert.deepEqual(scan.issues, []);
  assert.deepEqual(scan.model.metrics, [
    { type: 'accuracy', value: '0.91', slice: 'text-classification' },
    { type: 'Loss', value: '0.2', slice: 'text-classification' },
  ]);
  assert.equal(scan.model.name, 'm');
});

test('tokenizer_config chat_template list: default chosen, names recorded', async () => {
  const tokenizerConfig = JSON.stringify({
    chat_template: [
      { name: 'tool_use', template: 'TOOLS' },
      { name: 'default', template: 'DEFAULT' },
      { name: 'rag', template: 'RAG' },
      { name: 7, template: 'bad entry' },
    ],
  });
  const scan = await scanHfModelDir(memoryInput('', { 'config.json': '{"model_type":"cohere"}', 'tokenizer_config.json': tokenizerConfig }));
  assert.equal(scan.chatTemplate?.source, 'DEFAULT');
  // sha256("DEFAULT")
  assert.equal(scan.chatTemplate?.sha256, '89dbf71048801678ca4abfbaa3ea8f7c651aae193357a3e23d68e21512cd07f5');
  assert.deepEqual(scan.props.chat_template_names, ['default', 'rag', 'tool_use']);
  assert.equal(scan.props.chat_template_path, 'tokenizer_config.json');
  assert.equal(scan.model.name, undefined);
});

test('bad tokenizer_config.json JSON is an issue, the scan goes on', async () => {
  const scan = await scanHfModelDir(memoryInput('m', { 'config.json': '{"model_type":"bert"}', 'tokenizer_config.json': '{' }));
  assert.equal(scan.isModelDir, true);
  assert.equal(scan.props.has_chat_template, false);
  assert.deepEqual(scan.issues.map((i) => i.path), ['m/tokenizer_config.json']);
});

test('a throwing or failing reader does not throw out of the scan', async () => {
  const scan = await scanHfModelDir({
    dir: 'm',
    files: ['m/README.md', 'm/config.json', 'm/model.safetensors'],
    readText: async () => {
      throw new Error('EACCES');
    },
  });
  // An unreadable config.json beside weights still marks the layout, as a broken one does.
  assert.equal(scan.isModelDir, true);
  assert.deepEqual(scan.issues.map((i) => `${i.path}: ${i.message}`), ['m/README.md: could not read file', 'm/config.json: could not read file']);
  assert.deepEqual(scan.model, { name: 'm' });
});

test('Hub cache snapshot: repo id, lowercased revision, purl', async () => {
  const dir = 'hub/models--google-bert--bert-base-uncased/snapshots/DD4BC8B21EFA05EC961E3EFC4EE5E3832A3679C7';
  const scan = await scanHfModelDir(memoryInput(dir, { 'config.json': '{"architectures":["BertForMaskedLM"],"model_type":"bert"}', 'model.safetensors': '' }));
  assert.deepEqual(scan.hub, {
    repoId: 'google-bert/bert-base-uncased',
    revision: 'dd4bc8b21efa05ec961e3efc4ee5e3832a3679c7',
    purl: 'pkg:huggingface/google-bert/bert-base-uncased@dd4bc8b21efa05ec961e3efc4ee5e3832a3679c7',
  });
  assert.equal(scan.model.name, 'google-bert/bert-base-uncased');
  assert.equal(scan.model.author, 'google-bert');
});

test('parseHubCachePath keeps case, handles datasets and un-namespaced repos, rejects near misses', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  assert.deepEqual(parseHubCachePath(`models--Qwen--Qwen2-0.5B/snapshots/${sha}`), { kind: 'model', repoId: 'Qwen/Qwen2-0.5B', revision: sha });
  assert.deepEqual(parseHubCachePath(`cache/hub/datasets--HuggingFaceFW--fineweb/snapshots/${sha}/`), { kind: 'dataset', repoId: 'HuggingFaceFW/fineweb', revision: sha });
  assert.deepEqual(parseHubCachePath(`hub/models--gpt2/snapshots/${sha}`), { kind: 'model', repoId: 'gpt2', revision: sha });
  for (const miss of [
    '',
    '.',
    `models--Qwen--Qwen2-0.5B/snapshots/${sha.slice(1)}`,
    `models--Qwen--Qwen2-0.5B/snapshots/${sha}/unet`,
    `models--Qwen--Qwen2-0.5B/blobs/${sha}`,
    `spaces--org--app/snapshots/${sha}`,
    `models--a--b--c/snapshots/${sha}`,
    `models--/snapshots/${sha}`,
    `models--org--../snapshots/${sha}`,
  ]) {
    assert.equal(parseHubCachePath(miss), undefined, miss);
  }
});

test('huggingfacePurl: case preserved, no namespace for bare ids, dataset qualifier', () => {
  assert.equal(huggingfacePurl('Qwen/Qwen2-0.5B', 'ABCDEF0123'), 'pkg:huggingface/Qwen/Qwen2-0.5B@abcdef0123');
  assert.equal(huggingfacePurl('gpt2', 'abc'), 'pkg:huggingface/gpt2@abc');
  assert.equal(huggingfacePurl('google-bert/bert-base-uncased'), 'pkg:huggingface/google-bert/bert-base-uncased');
  assert.equal(
    huggingfacePurl('HuggingFaceFW/fineweb', 'abc', 'dataset'),
    'pkg:huggingface/HuggingFaceFW/fineweb@abc?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets',
  );
});
