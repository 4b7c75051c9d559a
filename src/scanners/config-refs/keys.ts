/**
 * Which keys name a model, a dataset, an API endpoint or a provider. Keys are
 * split into lower-case words (`pretrained_model_name_or_path`, `modelId`,
 * `OPENAI_MODEL` → `openai model`), so matching is case-insensitive and
 * treats `-`, `_`, `.` and camelCase alike.
 */

export function keyTokens(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.\-]+/)
    .filter((t) => t !== '');
}

function endsWith(tokens: readonly string[], tail: readonly string[]): boolean {
  if (tail.length > tokens.length) return false;
  const off = tokens.length - tail.length;
  return tail.every((t, i) => tokens[off + i] === t);
}

/** Key endings that hold one model id. */
const MODEL_TAILS: ReadonlyArray<readonly string[]> = [
  ['model'],
  ['model', 'name'],
  ['model', 'id'],
  ['model', 'repo'],
  ['model', 'repo', 'id'],
  ['model', 'name', 'or', 'path'],
  ['model', 'checkpoint'],
  // Often a local folder, but FastChat/vLLM-style configs put Hub ids here too; the value rule decides.
  ['model', 'path'],
  ['llm'],
  ['llm', 'name'],
  ['deployment'],
  ['deployment', 'name'],
  ['deployment', 'id'],
  ['tokenizer'],
  ['tokenizer', 'name'],
  ['tokenizer', 'id'],
  ['tokenizer', 'name', 'or', 'path'],
];

/** Whole keys that hold one model id. */
const MODEL_EXACT = new Set(['embedding', 'embeddings', 'embedder', 'reranker', 'engine']);

/** Keys inside a model mapping that hold its id: `model: {name: …}`, an action or schema input `model: {default: …}`. */
const INNER_KEYS = new Set(['name', 'id', 'path', 'repo', 'repo id', 'name or path', 'model', 'pretrained model name or path', 'default']);

/** Mappings between a model key and its id: prompty `model.configuration.name`, LiteLLM `litellm_params.model`. */
const PASS_THROUGH = new Set(['configuration', 'config', 'params', 'parameters', 'kwargs', 'init args', 'args', 'litellm params', 'options']);

export function isModelKey(key: string): boolean {
  const tokens = keyTokens(key);
  if (tokens.length === 0) return false;
  if (MODEL_EXACT.has(tokens.join(' '))) return true;
  return MODEL_TAILS.some((tail) => endsWith(tokens, tail));
}

/** A plural key holding a list of model ids: `models`, `available_models`. */
export function isModelListKey(key: string): boolean {
  const tokens = keyTokens(key);
  return tokens[tokens.length - 1] === 'models';
}

/** `name`/`id`/`path` under `model:` (or under `model.configuration`). */
export function isInnerModelKey(key: string, parents: readonly string[]): boolean {
  if (!INNER_KEYS.has(keyTokens(key).join(' '))) return false;
  const parent = parents[parents.length - 1];
  if (parent === undefined) return false;
  if (isModelKey(parent)) return true;
  const grand = parents[parents.length - 2];
  return grand !== undefined && PASS_THROUGH.has(keyTokens(parent).join(' ')) && isModelKey(grand);
}

/** promptfoo `providers:` lists (`openai:gpt-4o-mini`, or `{id: …}` items). */
export function isProviderListKey(key: string): boolean {
  const tokens = keyTokens(key);
  return tokens.length === 1 && tokens[0] === 'providers';
}

const DATASET_TAILS: ReadonlyArray<readonly string[]> = [
  ['dataset'],
  ['dataset', 'name'],
  ['dataset', 'id'],
  ['dataset', 'repo'],
  ['dataset', 'repo', 'id'],
  ['dataset', 'name', 'or', 'path'],
];

export function isDatasetKey(key: string): boolean {
  const tokens = keyTokens(key);
  return DATASET_TAILS.some((tail) => endsWith(tokens, tail));
}

export function isDatasetListKey(key: string): boolean {
  const tokens = keyTokens(key);
  return tokens[tokens.length - 1] === 'datasets';
}

/** `path`/`name` of an entry in a `datasets:` list (axolotl, TRL recipes). */
export function isInnerDatasetKey(key: string, parents: readonly string[]): boolean {
  const inner = keyTokens(key).join(' ');
  if (inner !== 'path' && inner !== 'name' && inner !== 'repo id' && inner !== 'repo') return false;
  const parent = parents[parents.length - 1];
  return parent !== undefined && (isDatasetListKey(parent) || isDatasetKey(parent));
}

/** Keys that may hold an API base URL: `base_url`, `api_base`, `AZURE_OPENAI_ENDPOINT`, `OLLAMA_HOST`. */
export function isEndpointKey(key: string): boolean {
  return keyTokens(key).some((t) => t === 'url' || t === 'uri' || t === 'base' || t === 'endpoint' || t === 'host' || t === 'server');
}

/**
 * Keys whose value names a provider: a word (`provider: openai`,
 * `OPENAI_API_TYPE: azure`) or a class whose name says it
 * (`_target_: langchain_openai.ChatOpenAI`, LangChain `_type: openai-chat`).
 */
export function isProviderKey(key: string): boolean {
  const tokens = keyTokens(key);
  const last = tokens[tokens.length - 1];
  if (last === undefined) return false;
  if (last === 'provider' || last === 'backend' || last === 'vendor' || last === 'platform' || last === 'target' || last === 'class') return true;
  if (endsWith(tokens, ['api', 'type']) || endsWith(tokens, ['class', 'name'])) return true;
  // Bare `type`/`client`/`service` say a provider only as the whole key.
  return tokens.length === 1 && (last === 'type' || last === 'client' || last === 'service');
}
