/**
 * Text of the synthetic monorepo's files: code, prompts, notebooks,
 * manifests and model-folder files that look like a real project's, so
 * each scanner does the work it does on real trees. Everything derives
 * from a seeded PRNG: one seed, one byte-identical tree.
 */

/** mulberry32: tiny, fast and good enough to vary synthetic content. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }

  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Hub repos the code loads; a small pool, so the same id is seen from many files and merges. */
export const HUB_MODELS = [
  'google-bert/bert-base-uncased', 'distilbert/distilbert-base-uncased', 'FacebookAI/roberta-base',
  'sentence-transformers/all-MiniLM-L6-v2', 'BAAI/bge-small-en-v1.5', 'openai/whisper-small',
  'meta-llama/Llama-3.1-8B-Instruct', 'mistralai/Mistral-7B-Instruct-v0.3', 'Qwen/Qwen2.5-7B-Instruct',
  'google/flan-t5-base', 'microsoft/deberta-v3-base', 'facebook/bart-large-cnn',
  'cardiffnlp/twitter-roberta-base-sentiment-latest', 'intfloat/e5-base-v2', 'google/vit-base-patch16-224',
  'openai/clip-vit-base-patch32', 'microsoft/phi-2', 'TinyLlama/TinyLlama-1.1B-Chat-v1.0',
  'nomic-ai/nomic-embed-text-v1.5', 'jinaai/jina-embeddings-v2-base-en',
] as const;

export const HUB_DATASETS = ['stanfordnlp/imdb', 'rajpurkar/squad', 'glue', 'cnn_dailymail', 'ag_news'] as const;
const API_MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3-mini', 'text-embedding-3-small'] as const;
const CLAUDE_MODELS = ['claude-3-5-sonnet-latest', 'claude-3-5-haiku-latest'] as const;
const WORDS = ['order', 'user', 'invoice', 'report', 'session', 'ticket', 'payment', 'profile', 'event', 'metric', 'search', 'cart', 'token', 'review', 'shipment'];

/** What a code file references, so the generator can count what the scan should find. */
export interface CodeRefs {
  hubModel?: string;
  localModel?: string;
  openai?: boolean;
  anthropic?: boolean;
}

function pyFunction(rng: Rng, n: number): string {
  const w = rng.pick(WORDS);
  return `
@dataclass
class ${cap(w)}Record${n}:
    id: int
    name: str
    score: float = 0.0


def process_${w}_${n}(items: list[dict[str, Any]]) -> list[${cap(w)}Record${n}]:
    """Normalise raw ${w} rows into records; rows marked skip are dropped."""
    out = []
    for i, item in enumerate(items):
        if item.get("skip"):
            continue
        out.append(${cap(w)}Record${n}(id=i, name=str(item["name"]), score=float(item.get("score", 0))))
    log.debug("processed %d ${w} rows", len(out))
    return out
`;
}

export function pythonFile(rng: Rng, refs: CodeRefs): string {
  const head = [`"""${cap(rng.pick(WORDS))} helpers."""`, 'from __future__ import annotations', '', 'import logging', 'import os', 'from dataclasses import dataclass', 'from typing import Any'];
  if (refs.hubModel !== undefined || refs.localModel !== undefined) head.push('from transformers import AutoModelForSequenceClassification, AutoTokenizer');
  if (refs.openai === true) head.push('from openai import OpenAI');
  if (refs.anthropic === true) head.push('import anthropic');
  head.push('', 'log = logging.getLogger(__name__)', '');
  const body: string[] = [];
  for (let i = 0, n = 1 + rng.int(5); i < n; i++) body.push(pyFunction(rng, rng.int(1000)));
  if (refs.hubModel !== undefined) {
    body.push(`\nMODEL_ID = "${refs.hubModel}"\n\n\ndef load_classifier():\n    tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)\n    model = AutoModelForSequenceClassification.from_pretrained(MODEL_ID)\n    return tokenizer, model\n`);
  }
  if (refs.localModel !== undefined) {
    body.push(`\n\ndef load_local():\n    return AutoModelForSequenceClassification.from_pretrained("${refs.localModel}")\n`);
  }
  if (refs.openai === true) {
    body.push(`\n\ndef summarise(text: str) -> str:\n    client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n    resp = client.chat.completions.create(\n        model="${rng.pick(API_MODELS)}",\n        messages=[{"role": "user", "content": text}],\n    )\n    return resp.choices[0].message.content\n`);
  }
  if (refs.anthropic === true) {
    body.push(`\n\ndef critique(text: str) -> str:\n    client = anthropic.Anthropic()\n    msg = client.messages.create(model="${rng.pick(CLAUDE_MODELS)}", max_tokens=512, messages=[{"role": "user", "content": text}])\n    return msg.content[0].text\n`);
  }
  return `${head.join('\n')}\n${body.join('\n')}`;
}

function tsFunction(rng: Rng, n: number): string {
  const w = rng.pick(WORDS);
  return `
export interface ${cap(w)}${n} {
  id: number;
  name: string;
  tags: string[];
}

export async function load${cap(w)}${n}(path: string): Promise<${cap(w)}${n}[]> {
  const text = await readFile(path, 'utf8');
  const rows = JSON.parse(text) as ${cap(w)}${n}[];
  // Drop rows without a name: the ${w} view cannot show them.
  return rows.filter((r) => r.name !== '').map((r) => ({ ...r, tags: [...r.tags].sort() }));
}
`;
}

export function tsFile(rng: Rng, refs: CodeRefs): string {
  const head = [`import { readFile } from 'node:fs/promises';`];
  if (refs.openai === true) head.push(`import OpenAI from 'openai';`);
  if (refs.anthropic === true) head.push(`import Anthropic from '@anthropic-ai/sdk';`);
  const body: string[] = [];
  for (let i = 0, n = 1 + rng.int(5); i < n; i++) body.push(tsFunction(rng, rng.int(1000)));
  if (refs.openai === true) {
    body.push(`\nconst client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });\n\nexport async function answer(question: string): Promise<string> {\n  const res = await client.chat.completions.create({ model: '${rng.pick(API_MODELS)}', messages: [{ role: 'user', content: question }] });\n  return res.choices[0]?.message.content ?? '';\n}\n`);
  }
  if (refs.anthropic === true) {
    body.push(`\nconst claude = new Anthropic();\n\nexport async function review(text: string): Promise<string> {\n  const msg = await claude.messages.create({ model: '${rng.pick(CLAUDE_MODELS)}', max_tokens: 512, messages: [{ role: 'user', content: text }] });\n  return msg.content[0]?.type === 'text' ? msg.content[0].text : '';\n}\n`);
  }
  return `${head.join('\n')}\n${body.join('\n')}`;
}

export function markdownDoc(rng: Rng, title: string): string {
  const lines = [`# ${title}`, '', `Utilities for ${rng.pick(WORDS)} and ${rng.pick(WORDS)} handling.`, '', '## Usage', '', '```sh', `npm run build -w ${title}`, '```', ''];
  for (let i = 0, n = 2 + rng.int(6); i < n; i++) lines.push(`- ${cap(rng.pick(WORDS))} ${rng.pick(WORDS)}s are cached for ${1 + rng.int(60)} minutes.`);
  return `${lines.join('\n')}\n`;
}

export function jsonConfig(rng: Rng): string {
  return `${JSON.stringify({ service: rng.pick(WORDS), port: 3000 + rng.int(1000), retries: rng.int(5), features: { [rng.pick(WORDS)]: rng.chance(0.5) } }, null, 2)}\n`;
}

export function yamlConfig(rng: Rng): string {
  const llm = rng.chance(0.2) ? `llm:\n  provider: openai\n  model: ${rng.pick(API_MODELS)}\n  temperature: 0.2\n` : '';
  return `service: ${rng.pick(WORDS)}\nreplicas: ${1 + rng.int(4)}\nresources:\n  limits:\n    cpu: "${1 + rng.int(4)}"\n    memory: ${256 * (1 + rng.int(8))}Mi\n${llm}`;
}

/** The five prompt formats mlbom reads, in rotation. */
export const PROMPT_KINDS = ['prompt', 'prompty', 'yaml', 'jinja', 'prompt.yaml'] as const;
export type PromptKindName = (typeof PROMPT_KINDS)[number];

export function promptFile(rng: Rng, kind: PromptKindName, n: number): { name: string; text: string; inPromptsDir: boolean } {
  const topic = rng.pick(WORDS);
  switch (kind) {
    case 'prompt':
      return { name: `${topic}-${n}.prompt`, inPromptsDir: false, text: `---\nmodel: googleai/gemini-1.5-flash\ninput:\n  schema:\n    ${topic}: string\n---\nSummarise this ${topic} for a support agent: {{${topic}}}\n` };
    case 'prompty':
      return { name: `${topic}-${n}.prompty`, inPromptsDir: false, text: `---\nname: ${topic} helper ${n}\nmodel:\n  api: chat\n  configuration:\n    type: openai\n    model: ${rng.pick(API_MODELS)}\ninputs:\n  question:\n    type: string\n---\nsystem:\nYou answer questions about ${topic}s.\n\nuser:\n{{question}}\n` };
    case 'yaml':
      return { name: `${topic}-${n}.yaml`, inPromptsDir: true, text: `_type: prompt\ninput_variables:\n  - ${topic}\ntemplate: "Classify the ${topic} below as urgent or not.\\n\\n{${topic}}"\n` };
    case 'jinja':
      return { name: `${topic}-${n}.jinja`, inPromptsDir: true, text: `You are a helpful assistant for {{ company }}.\n{% for item in ${topic}s %}- {{ item.name }}\n{% endfor %}\nAnswer in {{ language }}.\n` };
    case 'prompt.yaml':
      return { name: `${topic}-${n}.prompt.yaml`, inPromptsDir: false, text: `name: ${topic} triage ${n}\nmodel: openai/${rng.pick(API_MODELS)}\nmessages:\n  - role: system\n    content: You triage ${topic}s.\n  - role: user\n    content: "{{input}}"\n` };
  }
}

/** A notebook with code cells that load models and data, and (in some) a bulky image output, as real ones carry. */
export function notebook(rng: Rng, n: number): string {
  const model = rng.pick(HUB_MODELS);
  const cells: unknown[] = [
    { cell_type: 'markdown', metadata: {}, source: [`# Experiment ${n}\n`, `Fine-tune ${model} on ${rng.pick(HUB_DATASETS)}.`] },
    { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['from datasets import load_dataset\n', 'from transformers import AutoModel, AutoTokenizer\n'] },
    { cell_type: 'code', execution_count: 2, metadata: {}, outputs: [], source: [`ds = load_dataset("${rng.pick(HUB_DATASETS)}")\n`, `tok = AutoTokenizer.from_pretrained("${model}")\n`, `model = AutoModel.from_pretrained("${model}")\n`] },
  ];
  if (n % 2 === 0) {
    // ~30 KB of base64 "PNG": notebooks with plots are mostly output bytes.
    const png = Buffer.alloc(22_000);
    for (let i = 0; i < png.length; i++) png[i] = rng.int(256);
    cells.push({ cell_type: 'code', execution_count: 3, metadata: {}, source: ['plot_loss(history)\n'], outputs: [{ output_type: 'display_data', metadata: {}, data: { 'image/png': png.toString('base64'), 'text/plain': ['<Figure size 640x480 with 1 Axes>'] } }] });
  }
  return `${JSON.stringify({ cells, metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

/** Ten manifests, in the order a smaller tree takes them: path → text. */
export function manifests(): Array<[string, string]> {
  const pkg = (name: string, deps: Record<string, string>): string => `${JSON.stringify({ name, version: '1.4.0', private: true, dependencies: deps }, null, 2)}\n`;
  const lock = (name: string, deps: Record<string, string>): string => {
    const packages: Record<string, unknown> = { '': { name, version: '1.4.0', dependencies: deps } };
    for (const [d, v] of Object.entries(deps)) packages[`node_modules/${d}`] = { version: v.replace(/^\^/, ''), resolved: `https://registry.npmjs.org/${d}/-/${d.split('/').pop()}-${v.replace(/^\^/, '')}.tgz`, integrity: `sha512-${Buffer.from(d).toString('base64')}` };
    return `${JSON.stringify({ name, version: '1.4.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
  };
  const rootDeps = { openai: '^4.56.0', '@anthropic-ai/sdk': '^0.27.0', langchain: '^0.2.17', zod: '^3.23.8', express: '^4.19.2' };
  const webDeps = { openai: '^4.56.0', react: '^18.3.1', 'react-dom': '^18.3.1', '@huggingface/inference': '^2.8.0' };
  const pyproject = (name: string, deps: string[]): string => `[project]\nname = "${name}"\nversion = "0.9.0"\nrequires-python = ">=3.10"\ndependencies = [\n${deps.map((d) => `  "${d}",`).join('\n')}\n]\n`;
  return [
    ['package.json', pkg('acme-monorepo', rootDeps)],
    ['package-lock.json', lock('acme-monorepo', rootDeps)],
    ['requirements.txt', 'torch==2.3.1\ntransformers==4.44.2\nsentence-transformers==3.0.1\nopenai>=1.40\nnumpy<2\n'],
    ['pyproject.toml', pyproject('acme-ml', ['transformers>=4.44', 'datasets>=2.20', 'accelerate>=0.33', 'peft>=0.12'])],
    ['services/svc-0/requirements.txt', 'fastapi==0.112.0\nuvicorn==0.30.5\nopenai==1.40.3\nanthropic==0.34.1\n'],
    ['services/svc-1/pyproject.toml', pyproject('svc-1', ['langchain>=0.2', 'langchain-openai>=0.1', 'chromadb>=0.5'])],
    ['apps/web/package.json', pkg('web', webDeps)],
    ['apps/web/package-lock.json', lock('web', webDeps)],
    ['services/svc-2/requirements.txt', 'vllm==0.5.4\ntorch==2.3.1\n'],
    ['services/svc-3/pyproject.toml', pyproject('svc-3', ['onnxruntime>=1.18', 'optimum>=1.21'])],
  ];
}

/** config.json, tokenizer files and a card with Hub front matter for a small model folder. */
export function modelFolderTexts(name: string, base: string): Array<[string, string]> {
  return [
    ['config.json', `${JSON.stringify({ architectures: ['BertForSequenceClassification'], model_type: 'bert', hidden_size: 256, num_attention_heads: 4, num_hidden_layers: 4, vocab_size: 30522, torch_dtype: 'float16', transformers_version: '4.44.2' }, null, 2)}\n`],
    ['tokenizer_config.json', `${JSON.stringify({ do_lower_case: true, model_max_length: 512, tokenizer_class: 'BertTokenizer' }, null, 2)}\n`],
    ['special_tokens_map.json', `${JSON.stringify({ cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' })}\n`],
    ['README.md', `---\nlicense: apache-2.0\nbase_model: ${base}\ndatasets:\n  - stanfordnlp/imdb\nlanguage:\n  - en\nlibrary_name: transformers\npipeline_tag: text-classification\ntags:\n  - sentiment\n---\n\n# ${name}\n\nA small ${base} fine-tune for sentiment, used by the support dashboard.\n`],
  ];
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
