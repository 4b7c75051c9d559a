/**
 * Hugging Face loading calls: which argument names the repo, and what kind
 * of repo it is. transformers `from_pretrained` / `pipeline`
 * (https://huggingface.co/docs/transformers/main_classes/model), peft,
 * diffusers, sentence-transformers, huggingface_hub downloads, datasets
 * `load_dataset`, vLLM `LLM`, llama-cpp `Llama.from_pretrained`,
 * transformers.js, and the LangChain / LlamaIndex local-embedding wrappers.
 */
import type { Props } from '../../types.js';
import type { Resolved } from './bindings.js';
import { calleeText, type Call, type Value } from './calls.js';
import { emitHubRef, emitLocal, type FileCtx } from './hub-refs.js';
import type { HubKind } from './hub-ids.js';
import { isOp, type Token } from './tokens.js';

interface Rule {
  readonly kind: HubKind;
  /** Keywords naming the repo, first found wins (all of them when `every`). */
  readonly keys: readonly string[];
  /** Positional index of the repo, or -1. */
  readonly pos: number;
  readonly allowBare: boolean;
  readonly every?: boolean;
  readonly rename?: (id: string) => string;
}

const TRANSFORMERS_MODULES = new Set(['transformers', '@xenova/transformers', '@huggingface/transformers']);
/** datasets' packaged builders: `load_dataset("csv", data_files=…)` loads local files, not a Hub dataset. */
const BUILDERS = new Set([
  'csv', 'json', 'parquet', 'text', 'arrow', 'pandas', 'sql', 'webdataset', 'xml', 'generator', 'spark', 'imagefolder',
  'audiofolder', 'videofolder', 'pdffolder', 'cache', 'hdf5', 'folder_based_builder', 'eval', 'niftifolder',
]);
/**
 * sentence-transformers loads a bare name that is not one of these plain
 * transformers checkpoints from the `sentence-transformers/` namespace.
 */
const ST_PLAIN = new Set(
  (
    'albert-base-v1 albert-base-v2 albert-large-v1 albert-large-v2 albert-xlarge-v1 albert-xlarge-v2 albert-xxlarge-v1 albert-xxlarge-v2 ' +
    'bert-base-cased bert-base-chinese bert-base-german-cased bert-base-multilingual-cased bert-base-multilingual-uncased bert-base-uncased ' +
    'bert-large-cased bert-large-uncased camembert-base ctrl distilbert-base-cased distilbert-base-multilingual-cased distilbert-base-uncased ' +
    'distilgpt2 distilroberta-base gpt2 gpt2-large gpt2-medium gpt2-xl openai-gpt roberta-base roberta-large t5-11b t5-3b t5-base ' +
    't5-large t5-small xlm-roberta-base xlm-roberta-large xlnet-base-cased xlnet-large-cased'
  ).split(' '),
);
const stRename = (id: string): string => (id.includes('/') || ST_PLAIN.has(id) ? id : `sentence-transformers/${id}`);

const ST = ['model_name_or_path', 'model_name'];
/**
 * LangChain's `HuggingFaceEmbeddings()` with no model loads this one
 * (`DEFAULT_MODEL_NAME` in langchain_huggingface / langchain_community).
 */
const LANGCHAIN_DEFAULT_EMBEDDER = 'sentence-transformers/all-mpnet-base-v2';
const LANGCHAIN_EMBEDDERS = new Set(['HuggingFaceEmbeddings', 'SentenceTransformerEmbeddings']);
const LOCAL_EMBEDDERS = new Set(['HuggingFaceEmbeddings', 'HuggingFaceBgeEmbeddings', 'HuggingFaceInstructEmbeddings', 'SentenceTransformerEmbeddings', 'HuggingFaceEmbedding']);
const FLAG = new Set(['FlagModel', 'BGEM3FlagModel', 'FlagReranker', 'FlagLLMReranker', 'FlagICLModel']);
const VLLM = new Set(['LLM', 'EngineArgs', 'AsyncEngineArgs']);
const DOWNLOADS = new Set(['hf_hub_download', 'snapshot_download', 'hf_hub_url']);

function ruleFor(ctx: FileCtx, call: Call): Rule | undefined {
  const segs = calleeText(call).split('.');
  const module = ctx.bindings.importOf(segs[0] as string)?.module ?? '';
  // `from sentence_transformers import SentenceTransformer as ST`: match the imported name.
  const alias = segs.length === 1 ? ctx.bindings.importOf(segs[0] as string) : undefined;
  if (alias !== undefined && alias.path.length > 0) segs[0] = alias.path[alias.path.length - 1] as string;
  const last = segs[segs.length - 1] as string;
  const recv = segs[segs.length - 2] ?? '';
  if (last === 'from_pretrained' || last === 'from_quantized') {
    // peft: `PeftModel.from_pretrained(base_model, "adapter-id")`.
    if (/^PeftModel/.test(recv)) return { kind: 'model', keys: ['model_id'], pos: 1, allowBare: true };
    // `model_name`: unsloth's FastLanguageModel; `from_quantized`: AutoGPTQ.
    return { kind: 'model', keys: ['repo_id', 'pretrained_model_name_or_path', 'model_name_or_path', 'model_id', 'model_name'], pos: 0, allowBare: true };
  }
  if (last === 'pipeline' && (segs.length === 1 || TRANSFORMERS_MODULES.has(module))) {
    const hasTask = call.positional[0]?.kind === 'str' || call.keywords.get('task')?.kind === 'str';
    if (!TRANSFORMERS_MODULES.has(module) && !hasTask) return undefined;
    return { kind: 'model', keys: ['model'], pos: 1, allowBare: true };
  }
  if (last === 'SentenceTransformer' || last === 'SparseEncoder') return { kind: 'model', keys: ST, pos: 0, allowBare: true, rename: stRename };
  if (last === 'CrossEncoder') return { kind: 'model', keys: ST, pos: 0, allowBare: true };
  if (LOCAL_EMBEDDERS.has(last)) return { kind: 'model', keys: ['model_name', 'model'], pos: -1, allowBare: true, rename: stRename };
  if (last === 'from_model_id' && recv === 'HuggingFacePipeline') return { kind: 'model', keys: ['model_id'], pos: -1, allowBare: true };
  if (last === 'HuggingFaceLLM') return { kind: 'model', keys: ['model_name', 'tokenizer_name'], pos: -1, allowBare: true, every: true };
  if (FLAG.has(last)) return { kind: 'model', keys: ['model_name_or_path'], pos: 0, allowBare: false };
  if (last === 'TextEmbedding' && module.startsWith('fastembed')) return { kind: 'model', keys: ['model_name'], pos: 0, allowBare: false };
  if (DOWNLOADS.has(last)) {
    const type = ctx.bindings.resolveString(call.keywords.get('repo_type'), call.open)?.text;
    if (type !== undefined && type !== 'model' && type !== 'dataset') return undefined;
    return { kind: type === 'dataset' ? 'dataset' : 'model', keys: ['repo_id'], pos: 0, allowBare: true };
  }
  if (last === 'load_dataset') return { kind: 'dataset', keys: ['path'], pos: 0, allowBare: true };
  if (VLLM.has(last) && (module === 'vllm' || module.startsWith('vllm.'))) {
    return { kind: 'model', keys: ['model'], pos: last === 'LLM' ? 0 : -1, allowBare: true };
  }
  return undefined;
}

/** Emit the repos named by Hugging Face loading calls. `isApiCall` skips lookalikes of API SDKs (Vertex `TextEmbeddingModel.from_pretrained`). */
export function scanHfCalls(ctx: FileCtx, isApiCall: (call: Call) => boolean): void {
  for (const call of ctx.calls) {
    const rule = ruleFor(ctx, call);
    if (rule === undefined || isApiCall(call)) continue;
    const values = repoValues(ctx, call, rule);
    if (values.length === 0) {
      if (LANGCHAIN_EMBEDDERS.has(calleeText(call)) && !call.spread && call.positional.length === 0 && !call.keywords.has('model_name')) {
        const value = { text: LANGCHAIN_DEFAULT_EMBEDDER, confidence: 0.6 };
        emitHubRef(ctx, { value, kind: 'model', allowBare: false, line: call.line, props: { library_default: true } });
      }
      continue;
    }
    const kw = call.keywords;
    const revision = ctx.bindings.resolveString(kw.get('revision'), call.open);
    const trust = kw.get('trust_remote_code');
    const task = ctx.bindings.resolveString(kw.get('task') ?? (calleeText(call).endsWith('pipeline') ? call.positional[0] : undefined), call.open);
    const props: Props = {};
    const filename = ctx.bindings.resolveString(kw.get('filename') ?? (rule.keys[0] === 'repo_id' ? call.positional[1] : undefined), call.open);
    if (filename !== undefined && /^[\w.*?[\]/-]{1,200}$/.test(filename.text)) props['hub_filename'] = filename.text;
    // `snapshot_download(..., local_dir="models/x")` makes models/x a copy of the repo: enrichment verifies it.
    const localDir = DOWNLOADS.has(calleeText(call).split('.').pop() ?? '') ? ctx.bindings.resolveString(kw.get('local_dir'), call.open) : undefined;
    if (localDir !== undefined && /^[\w./-]{1,300}$/.test(localDir.text) && !localDir.text.startsWith('/')) props['local_dir'] = localDir.text;
    for (const value of values) {
      if (rule.kind === 'dataset' && BUILDERS.has(value.text)) {
        scanDataFiles(ctx, call);
        continue;
      }
      emitHubRef(ctx, {
        value,
        kind: rule.kind,
        allowBare: rule.allowBare,
        line: call.line,
        ...(revision === undefined ? {} : { revision }),
        ...(trust?.kind === 'bool' && trust.value ? { trustRemoteCode: true } : {}),
        ...(task === undefined || !/^[a-z0-9-]{2,64}$/.test(task.text) ? {} : { task: task.text }),
        props,
        ...(rule.rename === undefined ? {} : { rename: rule.rename }),
      });
    }
  }
}

function repoValues(ctx: FileCtx, call: Call, rule: Rule): Resolved[] {
  const out: Resolved[] = [];
  for (const key of rule.keys) {
    const r = ctx.bindings.resolveString(call.keywords.get(key), call.open);
    if (r !== undefined) out.push(r);
    if (out.length > 0 && rule.every !== true) return out;
  }
  if (out.length > 0 || rule.pos < 0) return out;
  const r = ctx.bindings.resolveString(call.positional[rule.pos], call.open);
  return r === undefined ? [] : [r];
}

/** `load_dataset("csv", data_files="data/train.csv")`: each literal file (or data_dir) is a local dataset reference. */
function scanDataFiles(ctx: FileCtx, call: Call): void {
  const files = [...literalsIn(ctx, call.keywords.get('data_files'), call.open), ...literalsIn(ctx, call.keywords.get('data_dir'), call.open)];
  for (const f of files) {
    if (/^[a-z]+:\/\//i.test(f.text)) continue;
    emitLocal(ctx, { value: f, kind: 'dataset', allowBare: false, line: call.line }, f.text);
  }
}

/** A string value, or the literal strings inside a list/dict value (dict keys such as split names excluded). */
function literalsIn(ctx: FileCtx, v: Value | undefined, at: number): Resolved[] {
  if (v === undefined) return [];
  if (v.kind !== 'other') {
    const r = ctx.bindings.resolveString(v, at);
    return r === undefined ? [] : [r];
  }
  const out: Resolved[] = [];
  for (let k = v.start; k < v.end && out.length < 64; k++) {
    const t = ctx.tokens[k] as Token;
    if (t.kind === 'string' && t.literal && !isOp(ctx.tokens[k + 1], ':')) out.push({ text: t.text, confidence: 0.8 });
  }
  return out;
}
