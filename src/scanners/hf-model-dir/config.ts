/**
 * Facts from Hugging Face config files:
 * - transformers `config.json`: https://huggingface.co/docs/transformers/main_classes/configuration
 * - diffusers `model_index.json` / component `config.json`: https://huggingface.co/docs/diffusers/api/configuration
 * - peft `adapter_config.json`: https://huggingface.co/docs/peft/package_reference/config
 * - timm `config.json` (`architecture` + `pretrained_cfg`): https://huggingface.co/docs/timm/hf_hub
 */
import type { ModelFacts, Props } from '../../types.js';
import { sortedUnique } from '../../util/sort.js';

export interface ConfigFacts {
  model: ModelFacts;
  props: Props;
}

/** `name` or `org/name` as the Hub spells repo ids. */
const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/** Keys that hold the trained context window, in the order model families use them. */
const CONTEXT_KEYS = ['max_position_embeddings', 'n_positions', 'max_sequence_length', 'seq_length', 'n_ctx'];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '');
}

/**
 * An HF model config: transformers (`model_type` or `architectures`), a
 * diffusers component (`_diffusers_version`), or timm (`architecture` +
 * `pretrained_cfg`). App configs such as `{"port": 8080}` have none of these.
 */
export function isHfModelConfig(json: unknown): boolean {
  if (!isRecord(json)) return false;
  if (nonEmptyString(json.model_type) !== undefined) return true;
  if (isStringList(json.architectures)) return true;
  if (nonEmptyString(json._diffusers_version) !== undefined) return true;
  return nonEmptyString(json.architecture) !== undefined && isRecord(json.pretrained_cfg);
}

export function isDiffusersPipelineIndex(json: unknown): json is Record<string, unknown> {
  return isRecord(json) && nonEmptyString(json._diffusers_version) !== undefined;
}

export function isPeftAdapterConfig(json: unknown): json is Record<string, unknown> {
  return isRecord(json) && (nonEmptyString(json.peft_type) !== undefined || nonEmptyString(json.base_model_name_or_path) !== undefined);
}

/** transformers / diffusers component / timm `config.json`. */
export function modelConfigFacts(json: Record<string, unknown>): ConfigFacts {
  const model: ModelFacts = {};
  const props: Props = {};
  const architectures = isStringList(json.architectures) ? json.architectures : undefined;
  const architecture = architectures?.[0] ?? nonEmptyString(json._class_name) ?? nonEmptyString(json.architecture);
  if (architecture !== undefined) model.architecture = architecture;
  const modelType = nonEmptyString(json.model_type);
  if (modelType !== undefined) {
    model.architectureFamily = modelType;
    props.model_type = modelType;
  }
  // transformers >= 4.56 writes `dtype`; older versions `torch_dtype`.
  const dtype = nonEmptyString(json.torch_dtype) ?? nonEmptyString(json.dtype);
  if (dtype !== undefined) props.torch_dtype = dtype;
  setString(props, 'transformers_version', json.transformers_version);
  setString(props, 'diffusers_version', json._diffusers_version);
  const context = contextLength(json);
  if (context !== undefined) model.contextLength = context;
  if (isRecord(json.quantization_config)) {
    const method = nonEmptyString(json.quantization_config.quant_method);
    if (method !== undefined) model.quantization = method;
  }
  return { model, props };
}

function contextLength(json: Record<string, unknown>): number | undefined {
  // Multimodal configs (llava, mllama …) keep the language model's window in text_config.
  for (const source of [json, isRecord(json.text_config) ? json.text_config : {}]) {
    for (const key of CONTEXT_KEYS) {
      const value = source[key];
      if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
    }
  }
  return undefined;
}

/** diffusers `model_index.json`: the pipeline class and its component folders. */
export function pipelineIndexFacts(json: Record<string, unknown>): ConfigFacts {
  const model: ModelFacts = {};
  const props: Props = {};
  const className = nonEmptyString(json._class_name);
  if (className !== undefined) model.architecture = className;
  setString(props, 'diffusers_version', json._diffusers_version);
  // Components are `"unet": ["diffusers", "UNet2DConditionModel"]`; `null` marks an absent optional one.
  const components = Object.entries(json)
    .filter(([key, value]) => !key.startsWith('_') && Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string'))
    .map(([key]) => key);
  if (components.length > 0) props.diffusers_components = sortedUnique(components);
  return { model, props };
}

/** peft `adapter_config.json`. */
export function adapterConfigFacts(json: Record<string, unknown>): ConfigFacts {
  const model: ModelFacts = { baseModelRelation: 'adapter' };
  const props: Props = {};
  const base = nonEmptyString(json.base_model_name_or_path);
  // A local training path (`/home/me/llama`) is neither portable nor something to publish.
  if (base !== undefined && HUB_ID.test(base)) model.baseModels = [base];
  setString(props, 'peft_type', json.peft_type);
  setString(props, 'peft_task_type', json.task_type);
  if (typeof json.r === 'number' && Number.isSafeInteger(json.r) && json.r > 0) props.lora_rank = json.r;
  return { model, props };
}

function setString(props: Props, key: string, value: unknown): void {
  const text = nonEmptyString(value);
  if (text !== undefined) props[key] = text;
}
