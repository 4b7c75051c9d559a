/**
 * Does a string look like a model id, and whose? Conservative on purpose:
 * a value under a `model` key is often an ORM class (`User`), a size
 * (`small`) or a placeholder (`${MODEL}`), none of which is a model.
 *
 * Provider model lists: https://platform.openai.com/docs/models,
 * https://docs.anthropic.com/en/docs/about-claude/models,
 * https://ai.google.dev/gemini-api/docs/models,
 * https://docs.aws.amazon.com/bedrock/latest/userguide/model-ids.html,
 * https://docs.mistral.ai/getting-started/models/, https://docs.cohere.com/docs/models
 */
import type { ProviderId } from '../../types.js';
import { looksLikeSecretValue } from '../../util/secrets.js';
import { routerPrefix, sharedPrefix } from './providers.js';

export type ModelRef =
  | { readonly kind: 'hf'; readonly repoId: string }
  | { readonly kind: 'api'; readonly provider: ProviderId; readonly id: string }
  | { readonly kind: 'local'; readonly path: string };

export interface Classified {
  readonly ref: ModelRef;
  readonly confidence: number;
}

export interface ClassifyOptions {
  /** A provider the surrounding document names (`provider: groq`, `[ollama]`). */
  readonly provider?: ProviderId;
  /** Is this root-relative path in the tree? Used to tell local folders from Hub ids. */
  readonly exists?: (path: string) => boolean;
  /** Root-relative POSIX path of the file the value is in (relative paths resolve against its folder). */
  readonly fromFile?: string;
}

const MAX_ID_CHARS = 200;
const HF_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A model slug an explicit provider may use for any name: `llama-3.1-8b-instant`, `llama3.1:8b`. */
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._:@-]*(?:\/[A-Za-z0-9][A-Za-z0-9._:@-]*)?$/;

/** Families of API model ids that only the provider serves. Order matters: google's embeddings before openai's. */
const FAMILIES: ReadonlyArray<readonly [RegExp, ProviderId]> = [
  [/^(?:text-embedding-00\d|text-multilingual-embedding-00\d|embedding-001|embedding-gecko(?:-[\w.-]+)?|gemini-[\w.-]+)$/i, 'google-gemini'],
  [/^(?:gpt-(?:3\.5|35|4|5)[\w.-]*|gpt-(?:image|realtime|audio)[\w.-]*|chatgpt-[\w.-]+|o[134](?:-[\w.-]+)?|text-embedding-(?:3-small|3-large|ada-002)|text-davinci-\d+|(?:davinci|babbage)-002|dall-e-[23]|whisper-1|tts-1(?:-hd)?(?:-\d+)?|(?:omni|text)-moderation-[\w.-]+|ft:gpt-[\w.:-]+|codex-mini-latest)$/i, 'openai'],
  [/^claude-[\w.@-]+$/i, 'anthropic'],
  [/^(?:mistral-(?:large|medium|small|tiny|embed|saba|moderation|ocr)(?:-[\w.-]+)?|open-(?:mistral|mixtral|codestral)-[\w.-]+|(?:codestral|pixtral|ministral|magistral|devstral)-[\w.-]+)$/i, 'mistral'],
  [/^(?:command-(?:r|a|light|nightly|medium|xlarge)(?:-[\w.-]+)?|command-r|embed-(?:english|multilingual)-[\w.-]+|embed-v4\.0|rerank-(?:english-|multilingual-)?v?\d[\w.-]*)$/i, 'cohere'],
];

const BEDROCK_ID =
  /^(?:(?:us|eu|apac|us-gov|global|jp|au)\.)?(?:anthropic\.claude|amazon\.(?:titan|nova)|meta\.llama|cohere\.(?:command|embed|rerank)|mistral\.|ai21\.|stability\.|deepseek\.|writer\.|qwen\.|openai\.gpt)[\w.:-]*$/;

/** `name:tag` of open models Ollama serves (`llama3.1:8b`, `nomic-embed-text:latest`). */
const OLLAMA_TAGGED =
  /^(?:llama|codellama|mistral|mixtral|qwen|gemma|phi|deepseek|nomic-embed|mxbai-embed|all-minilm|llava|granite|smollm|tinyllama|starcoder|orca-mini|vicuna|neural-chat|dolphin|wizard|yi|solar|openchat|zephyr|falcon|nous-hermes|bge|snowflake-arctic|command-r|gpt-oss|olmo|aya|moondream|minicpm|hermes)[a-z0-9._-]*:[a-z0-9][a-z0-9._-]*$/;

/**
 * Hub ids from before namespaces (`bert-base-uncased`): still resolvable,
 * and still what many training configs say. Only exact well-known names.
 */
const LEGACY_HF =
  /^(?:bert-(?:base|large)-(?:uncased|cased|multilingual-(?:uncased|cased)|chinese)|distilbert-base-(?:uncased|cased|multilingual-cased)|(?:roberta|xlm-roberta)-(?:base|large)|distilroberta-base|gpt2(?:-medium|-large|-xl)?|distilgpt2|t5-(?:small|base|large|3b|11b)|albert-(?:base|large|xlarge|xxlarge)-v[12]|xlnet-(?:base|large)-cased|bart-(?:base|large))$/;

/** Words that are settings, not model ids, even with a provider named around them. */
const NOT_IDS = new Set([
  'auto', 'base', 'custom', 'default', 'example', 'false', 'large', 'latest', 'local', 'medium', 'model', 'name', 'none',
  'null', 'small', 'string', 'test', 'true', 'undefined', 'your-model', 'my-model', 'your-deployment', 'your-deployment-name',
  'deployment-name', 'model-name', 'changeme', 'todo', 'xxx',
]);

/** Leading folders that make `a/b` a path, not a Hub id. */
const PATH_HEADS = new Set([
  'models', 'model', 'data', 'datasets', 'src', 'checkpoints', 'checkpoint', 'ckpt', 'output', 'outputs', 'runs', 'weights',
  'tmp', 'cache', 'local', 'saved_models', 'pretrained', 'artifacts', 'assets', 'configs', 'config', 'lib', 'app', 'home',
  'mnt', 'workspace', 'results', 'logs', 'exp', 'experiments', 'test', 'tests',
]);

const FILE_EXT = /\.(?:json|jsonl|csv|tsv|txt|parquet|arrow|ya?ml|toml|py|ipynb|gguf|ggml|bin|safetensors|pt|pth|ckpt|onnx|h5|keras|pkl|pickle|joblib|tflite|mlmodel|npz|npy|zip|tar|gz|md|html?)$/i;

/** Placeholders and references to somewhere else, never ids themselves. */
const PLACEHOLDER = /\$\{|\$[A-Z_]|\{\{|\{%|<[^>]*>|%\(|^os\.environ|^env:|^\{.*\}$|\*|\s/;

/** Family provider of an API model id, or undefined. */
export function apiFamily(id: string): ProviderId | undefined {
  if (BEDROCK_ID.test(id)) return 'aws-bedrock';
  for (const [re, provider] of FAMILIES) if (re.test(id)) return provider;
  return undefined;
}

/**
 * Context providers that serve other vendors' models under the vendors' ids:
 * `provider: azure` + `gpt-4o` is an Azure deployment, not api.openai.com.
 */
const HOSTS: Readonly<Partial<Record<ProviderId, readonly ProviderId[]>>> = {
  'azure-openai': ['openai'],
  'google-vertex': ['google-gemini', 'anthropic', 'mistral'],
  'aws-bedrock': ['anthropic', 'mistral', 'cohere'],
  // Open-weight models of these vendors also run locally or on open-model hosts.
  ollama: ['mistral', 'cohere'],
  groq: ['mistral'],
  together: ['mistral'],
};

/** Providers whose model names follow no family we can check, so any slug counts once the provider is explicit. */
const OPEN_NAMING: ReadonlySet<ProviderId> = new Set(['azure-openai', 'aws-bedrock', 'groq', 'together', 'ollama']);

function api(provider: ProviderId, id: string, confidence: number): Classified {
  return { ref: { kind: 'api', provider, id }, confidence };
}

function hf(repoId: string, confidence: number): Classified {
  return { ref: { kind: 'hf', repoId }, confidence };
}

function isSlug(value: string): boolean {
  return SLUG.test(value) && !NOT_IDS.has(value.toLowerCase()) && value.length >= 2;
}

/** A value that is usable at all: trimmed, short, no placeholder, not a secret. */
export function cleanValue(raw: string): string | undefined {
  const value = raw.trim();
  if (value === '' || value.length > MAX_ID_CHARS) return undefined;
  if (looksLikeSecretValue(value) || PLACEHOLDER.test(value)) return undefined;
  return value;
}

/** The Hub repo in an `hf://` or `https://huggingface.co/` URL (models only). */
export function hubUrlRepo(value: string): { repoId: string; dataset: boolean } | undefined {
  const m = /^(?:hf:\/\/|https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/)(datasets\/|models\/|spaces\/)?([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*)(?:[/?#@].*)?$/.exec(value);
  if (m === null || m[1] === 'spaces/') return undefined;
  const ns = m[2] ?? '';
  if (m[1] === undefined && HUB_PAGES.has(ns)) return undefined;
  return { repoId: `${ns}/${m[3] ?? ''}`, dataset: m[1] === 'datasets/' };
}

const HUB_PAGES = new Set(['docs', 'blog', 'api', 'settings', 'login', 'join', 'pricing', 'papers', 'learn', 'tasks', 'organizations', 'collections', 'posts', 'chat', 'new', 'enterprise']);

/** `a/b` that can be a Hub repo id and is not obviously a file path. */
export function isHubId(value: string): boolean {
  if (!HF_ID.test(value) || FILE_EXT.test(value)) return false;
  const slash = value.indexOf('/');
  const head = value.slice(0, slash).toLowerCase();
  const tail = value.slice(slash + 1).toLowerCase();
  // `v1/latest`, `api/default`: versions and settings, not repos.
  if (/^v\d+(?:\.\d+)*$/.test(head) || NOT_IDS.has(tail) || /^v\d+(?:\.\d+)*$/.test(tail)) return false;
  return !PATH_HEADS.has(head) && !value.includes('..');
}

function localPath(value: string, opts: ClassifyOptions): string | undefined {
  // `.` or `./` name the current folder, not a model.
  if (!/[A-Za-z0-9]/.test(value)) return undefined;
  if (value.startsWith('./') || value.startsWith('../')) return value;
  if (opts.exists === undefined || value.startsWith('/')) return undefined;
  const clean = value.replace(/\/+$/, '');
  const dir = opts.fromFile !== undefined && opts.fromFile.includes('/') ? opts.fromFile.slice(0, opts.fromFile.lastIndexOf('/')) : '';
  const candidates = dir === '' ? [clean] : [`${dir}/${clean}`, clean];
  return candidates.some((c) => opts.exists?.(c) === true) ? value : undefined;
}

/** Combine the provider a family says with the one the document names. */
function attribute(family: ProviderId, context: ProviderId | undefined): ProviderId {
  if (context !== undefined && HOSTS[context]?.includes(family) === true) return context;
  return family;
}

/**
 * Classify a value found under a model key. Undefined means "not a model
 * id": the caller records nothing.
 */
export function classifyModelValue(raw: string, opts: ClassifyOptions = {}): Classified | undefined {
  const value = cleanValue(raw);
  if (value === undefined) return undefined;
  const url = hubUrlRepo(value);
  if (url !== undefined) return url.dataset ? undefined : hf(url.repoId, 0.8);
  if (/^[a-z]+:\/\//i.test(value)) return undefined;

  const local = localPath(value, opts);
  if (local !== undefined) return { ref: { kind: 'local', path: local }, confidence: 0.7 };
  if (value.startsWith('/') || value.startsWith('~')) return undefined;

  const prefixed = classifyPrefixed(value);
  if (prefixed !== undefined) return prefixed;

  const bare = value.startsWith('models/') && apiFamily(value.slice(7)) === 'google-gemini' ? value.slice(7) : value;
  const family = apiFamily(bare);
  // Provider ids are lower-case; `GPT-4o` in a config is the same model as `gpt-4o`.
  if (family !== undefined) return api(attribute(family, opts.provider), bare.toLowerCase(), 0.85);

  if (isHubId(value)) {
    // Together and Groq name hosted models by Hub-like ids that need not exist on the Hub.
    if (opts.provider === 'together' || opts.provider === 'groq') return api(opts.provider, value, 0.75);
    return hf(value, 0.8);
  }
  if (OLLAMA_TAGGED.test(value)) return api('ollama', value, 0.75);
  if (opts.provider !== undefined && OPEN_NAMING.has(opts.provider) && isSlug(value)) {
    // Deployment and hosted names are free text; ask for a digit or a dash so `chat` or `prod` stay out.
    if (opts.provider === 'ollama' || /[\d-]/.test(value)) return api(opts.provider, value, 0.7);
  }
  if (LEGACY_HF.test(value) && (opts.provider === undefined || opts.provider === 'huggingface-inference')) return hf(value, 0.7);
  return undefined;
}

const API_FLAVOUR = /^(?:chat|completion|messages|embedding|embeddings|responses|assistant|text-generation|feature-extraction|sentence-similarity):/;

/**
 * Only the explicit `provider:model` / `router/model` forms (promptfoo
 * `providers:` lists, where a bare word is a custom provider, not a model).
 */
export function classifyProviderRef(raw: string): Classified | undefined {
  const value = cleanValue(raw);
  if (value === undefined || value.includes('://')) return undefined;
  const found = classifyPrefixed(value);
  return found?.ref.kind === 'api' ? found : undefined;
}

/** `router/model` and `provider:model` forms. */
function classifyPrefixed(value: string): Classified | undefined {
  const m = /^([A-Za-z][\w-]*)([/:])(.+)$/.exec(value);
  if (m === null) return undefined;
  const prefix = m[1] ?? '';
  // promptfoo names the API flavour between provider and model: `openai:chat:gpt-4o`.
  const rest = m[2] === ':' ? (m[3] ?? '').replace(API_FLAVOUR, '') : m[3] ?? '';
  if (prefix === 'huggingface' || prefix === 'hf') {
    if (isHubId(rest) || (m[2] === ':' && LEGACY_HF.test(rest))) return hf(rest, 0.8);
    return undefined;
  }
  const router = routerPrefix(prefix);
  if (router !== undefined) {
    // The router is the provider whatever the model: `ollama/mistral-small` runs locally, `azure/gpt-4o` on Azure.
    if (apiFamily(rest) !== undefined) return api(router, rest.toLowerCase(), 0.85);
    return isSlug(rest) ? api(router, rest, 0.75) : undefined;
  }
  const shared = sharedPrefix(prefix);
  if (shared !== undefined) {
    const bare = rest.startsWith('models/') ? rest.slice(7) : rest;
    const family = apiFamily(bare);
    // `openai/gpt-4o` is the API; `openai/whisper-large-v3` is a Hub repo and falls through.
    if (family !== undefined && (family === shared || m[2] === ':')) return api(family, bare.toLowerCase(), 0.85);
  }
  return undefined;
}
