/**
 * Turns GGUF metadata into scan facts. Key names follow the GGUF standardized
 * key-value pairs: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md#standardized-key-value-pairs
 */
import { createHash } from 'node:crypto';
import { sortedUnique } from '../../util/sort.js';
import type { FileScan, ModelFacts, Props } from '../../types.js';
import type { GgufHeader } from './parse.js';
import type { GgufValue } from './values.js';

/** `general.base_model.count` / `general.dataset.count` beyond this is not believed. */
const MAX_LINKED_ITEMS = 100;

/** llama.cpp `enum llama_ftype` (include/llama.h) → quantization name. */
export const FILE_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 4: 'Q4_1_SOME_F16', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1',
  10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M', 13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K',
  19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS', 23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S',
  27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16',
  // 33–35 were removed from llama.cpp but files carrying them exist.
  33: 'Q4_0_4_4', 34: 'Q4_0_4_8', 35: 'Q4_0_8_8',
  36: 'TQ1_0', 37: 'TQ2_0', 38: 'MXFP4_MOE', 39: 'NVFP4', 40: 'Q1_0',
};

export function toFileScan(h: GgufHeader): FileScan {
  const kv = h.kv;
  const props: Props = { gguf_version: h.version, tensor_count: h.tensorCount, kv_count: h.kvCount };
  const model: ModelFacts = {};

  const architecture = str(kv, 'general.architecture');
  if (architecture !== undefined) {
    // GGUF's architecture is the family (llama, qwen2, gemma), not a class name.
    model.architecture = architecture;
    model.architectureFamily = architecture;
  }
  setString(model, 'name', str(kv, 'general.name'));
  setString(model, 'description', str(kv, 'general.description'));
  setString(model, 'author', str(kv, 'general.author'));
  setString(model, 'version', str(kv, 'general.version'));
  const license = str(kv, 'general.license');
  if (license !== undefined) model.licenses = [license];

  const basename = str(kv, 'general.basename');
  if (basename !== undefined) props.basename = basename;
  const sizeLabel = str(kv, 'general.size_label');
  if (sizeLabel !== undefined) props.size_label = sizeLabel;

  const fileType = num(kv, 'general.file_type');
  if (fileType !== undefined) {
    props.file_type = fileType;
    const quantization = FILE_TYPE_NAMES[fileType];
    if (quantization !== undefined) model.quantization = quantization;
  }
  const quantVersion = num(kv, 'general.quantization_version');
  if (quantVersion !== undefined) props.quantization_version = quantVersion;

  if (architecture !== undefined) {
    const context = num(kv, `${architecture}.context_length`);
    if (context !== undefined) model.contextLength = context;
  }
  const baseModels = linkedRepos(kv, 'general.base_model', 'model');
  if (baseModels.length > 0) model.baseModels = baseModels;
  const datasets = linkedRepos(kv, 'general.dataset', 'dataset');
  if (datasets.length > 0) model.datasets = datasets;
  if (h.parameterCount !== undefined) model.parameterCount = Number(h.parameterCount);

  if (h.truncated !== undefined) props.gguf_truncated = h.truncated;
  if (h.tensorInfoError !== undefined) props.gguf_tensor_info_error = h.tensorInfoError;

  const template = str(kv, 'tokenizer.chat_template');
  if (template === undefined) return { format: 'gguf', parsed: true, props, model };
  props.has_chat_template = true;
  const sha256 = createHash('sha256').update(template, 'utf8').digest('hex');
  return { format: 'gguf', parsed: true, props, model, chatTemplate: { source: template, sha256 } };
}

/**
 * `<prefix>.count` and `<prefix>.N.{name,organization,repo_url}`. A Hugging Face
 * repo_url gives the `organization/name` id; otherwise the name is kept as found.
 */
function linkedRepos(kv: ReadonlyMap<string, GgufValue>, prefix: string, kind: 'model' | 'dataset'): string[] {
  const count = Math.min(num(kv, `${prefix}.count`) ?? 0, MAX_LINKED_ITEMS);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const url = str(kv, `${prefix}.${i}.repo_url`);
    const id = (url === undefined ? undefined : hfRepoId(url, kind)) ?? str(kv, `${prefix}.${i}.name`);
    if (id !== undefined) ids.push(id);
  }
  return sortedUnique(ids);
}

const HF_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);
const HF_ROUTE_SEGMENTS = new Set(['tree', 'blob', 'resolve', 'commit', 'discussions']);

/** `https://huggingface.co/org/name[/tree/main]` → `org/name`; datasets live under `/datasets/`. */
export function hfRepoId(url: string, kind: 'model' | 'dataset'): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!HF_HOSTS.has(parsed.hostname.toLowerCase())) return undefined;
  const segments = parsed.pathname.split('/').filter((s) => s !== '').map(decodeSegment);
  if (kind === 'dataset') {
    if (segments[0] !== 'datasets') return undefined;
    segments.shift();
  } else if (segments[0] === 'datasets' || segments[0] === 'spaces') {
    return undefined;
  }
  const [first, second] = segments;
  if (first === undefined) return undefined;
  // Legacy un-namespaced repos (`/gpt2`) have one segment before any route.
  return second === undefined || HF_ROUTE_SEGMENTS.has(second) ? first : `${first}/${second}`;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function str(kv: ReadonlyMap<string, GgufValue>, key: string): string | undefined {
  const v = kv.get(key);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Integer values that fit a Number exactly; anything else is ignored. */
function num(kv: ReadonlyMap<string, GgufValue>, key: string): number | undefined {
  const v = kv.get(key);
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

function setString(model: ModelFacts, key: 'name' | 'description' | 'author' | 'version', value: string | undefined): void {
  if (value !== undefined) model[key] = value;
}
