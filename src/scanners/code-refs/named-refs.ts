/**
 * Hub ids kept in model-ish names rather than passed straight to a call:
 * `MODEL_NAME = "meta-llama/Llama-3.1-8B"` in a `config.py` another module
 * imports, or `{"base_model": "mistralai/Mistral-7B-v0.1"}`. The call that
 * uses them is often in another file, so the name and the shape of the
 * value are the only evidence: only namespaced ids count, under names
 * that say model or dataset, at a lower confidence.
 */
import { emitHubRef, type FileCtx } from './hub-refs.js';
import { existsLocally, isHubId, looksLikePath } from './hub-ids.js';
import { isOp, type Token } from './tokens.js';

const MODEL_NAME = /(?:^|_)(?:model|models|checkpoint|ckpt|tokenizer|embedder|embedding|embeddings|embed|encoder|reranker|llm|adapter|lora)(?:_|$)/i;
/** Names of places rather than repos: `model_dir`, `output_model_path`, `checkpoint_file`. */
const LOCAL_NAME = /(?:^|_)(?:dir|dirs|path|paths|file|files|folder|output|save|cache|root|local)(?:_|$)/i;
const DATASET_NAME = /(?:^|_)(?:dataset|datasets)(?:_|$)/i;
/** camelCase names (`baseModel`, `embeddingModelId`) split into snake words first. */
const CAMEL = /([a-z0-9])([A-Z])/g;
/**
 * Namespaces that are API-router prefixes (LiteLLM, OpenRouter, AI gateways:
 * `openai/gpt-4o`, `anthropic/claude-3.5-sonnet`), not Hub owners.
 */
const ROUTER_PREFIXES = new Set([
  'openai', 'anthropic', 'azure', 'azure_ai', 'bedrock', 'vertex_ai', 'gemini', 'google', 'groq', 'together_ai', 'ollama', 'ollama_chat',
  'mistral', 'cohere', 'openrouter', 'deepseek', 'fireworks_ai', 'replicate', 'perplexity', 'xai', 'ai21', 'voyage', 'sagemaker',
  'watsonx', 'cloudflare', 'hosted_vllm', 'lm_studio', 'huggingface', 'nvidia_nim', 'anyscale', 'deepinfra', 'cerebras', 'sambanova',
]);
const NAMED_CONFIDENCE = 0.6;

export function scanNamedRefs(ctx: FileCtx, bare: Uint8Array): void {
  const { tokens } = ctx;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const key = tokens[i] as Token;
    if (key.kind !== 'name' && !(key.kind === 'string' && key.literal)) continue;
    const at = valueIndex(tokens, i);
    const value = at === undefined ? undefined : tokens[at];
    if (at === undefined || value?.kind !== 'string' || !value.literal || bare[at] === 1 || !endsValue(tokens[at + 1])) continue;
    const kind = kindOfName(key.text);
    if (kind === undefined || !isHubId(value.text, false) || ROUTER_PREFIXES.has(value.text.split('/')[0]?.toLowerCase() ?? '')) continue;
    if (ctx.sink.apiModelTexts.has(value.text)) continue; // a Together / Groq model id, already its provider's
    // A folder the code writes (`checkpoints/run1`) is evidence only when it is in the tree.
    if (looksLikePath(value.text) && !existsLocally(value.text, ctx.path, ctx.exists)) continue;
    emitHubRef(ctx, { value: { text: value.text, confidence: NAMED_CONFIDENCE }, kind, allowBare: false, line: value.line });
  }
}

/**
 * Where the value of a model-ish name starts: `NAME = "…"` / `NAME: str = "…"`
 * / `const NAME = "…"` at a statement start or after `self.`; a keyword
 * argument `f(model_name="…")`; a `"key": "…"` / `key: "…"` entry.
 */
function valueIndex(tokens: readonly Token[], i: number): number | undefined {
  const key = tokens[i] as Token;
  const prev = tokens[i - 1];
  const sep = tokens[i + 1];
  if (isOp(sep, ':')) {
    // A Python annotation `NAME: str = "…"` rather than a dict entry.
    if (key.kind === 'name' && key.bol && tokens[i + 2]?.kind === 'name' && isOp(tokens[i + 3], '=')) return i + 4;
    return i + 2;
  }
  if (key.kind !== 'name' || !isOp(sep, '=')) return undefined;
  const statement = key.bol || isOp(prev, '.') || isOp(prev, ';') || (prev?.kind === 'name' && DECLARATIONS.has(prev.text));
  const keyword = isOp(prev, '(') || isOp(prev, ',');
  return statement || keyword ? i + 2 : undefined;
}

const DECLARATIONS = new Set(['const', 'let', 'var']);

function kindOfName(name: string): 'model' | 'dataset' | undefined {
  const snake = name.replace(CAMEL, '$1_$2');
  if (LOCAL_NAME.test(snake)) return undefined;
  if (DATASET_NAME.test(snake)) return 'dataset';
  return MODEL_NAME.test(snake) ? 'model' : undefined;
}

/** The literal is the whole value (not `"a/b" + suffix` or `"a/b".format(…)`). */
function endsValue(t: Token | undefined): boolean {
  return t === undefined || t.bol || t.kind === 'break' || isOp(t, ',') || isOp(t, '}') || isOp(t, ')') || isOp(t, ';') || isOp(t, ']');
}
