/**
 * Hugging Face model folders: what `save_pretrained` (transformers,
 * diffusers, peft) or `huggingface_hub` downloads leave on disk.
 * Layout: https://huggingface.co/docs/transformers/main_classes/model
 *
 * Props emitted (names without the `mlbom:` prefix):
 * - model_type: config.json `model_type` (also model.architectureFamily)
 * - torch_dtype: config.json `torch_dtype` (or `dtype` in transformers >= 4.56)
 * - transformers_version: config.json `transformers_version`
 * - diffusers_version: `_diffusers_version` of model_index.json or a diffusers config.json
 * - diffusers_components: sorted component folders named in model_index.json
 * - peft_type, peft_task_type, lora_rank: adapter_config.json `peft_type`, `task_type`, `r`
 * - library_name: card `library_name`, else inferred (peft, diffusers, transformers, timm)
 * - languages, tags, metric_names: card `language`, `tags`, `metrics` (sorted)
 * - license_name, license_link: card keys, used with `license: other`
 * - has_card: the folder has a README.md
 * - has_chat_template: a chat template was found
 * - chat_template_names: names of all templates when there are several (sorted)
 * - chat_template_path: root-relative file the chat template came from
 */
import { createHash } from 'node:crypto';
import type { EmbeddedTemplate, FileRole, Issue, ModelFacts, Props } from '../../types.js';
import { errorMessage } from '../../util/error-message.js';
import { compareCodePoints } from '../../util/sort.js';
import { cardDescription, cardFacts, hasModelCardKeys } from './card.js';
import { findChatTemplate } from './chat-template.js';
import {
  adapterConfigFacts,
  isDiffusersPipelineIndex,
  isHfModelConfig,
  isPeftAdapterConfig,
  isRecord,
  modelConfigFacts,
  pipelineIndexFacts,
  type ConfigFacts,
} from './config.js';
import { huggingfacePurl, parseHubCachePath } from './hub-cache.js';
import { fileRole } from './roles.js';

export { isHfModelConfig } from './config.js';
export { huggingfacePurl, parseHubCachePath } from './hub-cache.js';
export { fileRole } from './roles.js';

export const HF_SCANNER = 'hf-model-dir';

export interface HfDirInput {
  /** Root-relative POSIX path of the folder ('' or '.' for the root). */
  dir: string;
  /** Root-relative POSIX paths of all files in the folder and its subfolders (sorted). */
  files: string[];
  /** Read a small text file (the lead caps size at a few MiB); undefined if unreadable. */
  readText(relPath: string): Promise<string | undefined>;
}

export interface HfDirScan {
  /** false when the folder is not an HF model folder (then `issues` is empty too). */
  isModelDir: boolean;
  model: ModelFacts;
  props: Props;
  /** Role of each file in `files` (empty when not a model folder). */
  roles: Record<string, FileRole>;
  chatTemplate?: EmbeddedTemplate;
  /** Set when the folder is a Hub cache snapshot: .../models--org--name/snapshots/<40-hex>/ */
  hub?: { repoId: string; revision: string; purl: string };
  issues: Issue[];
}

type JsonRead = { kind: 'absent' } | { kind: 'ok'; value: unknown } | { kind: 'bad' };

export async function scanHfModelDir(input: HfDirInput): Promise<HfDirScan> {
  const issues: Issue[] = [];
  const prefix = input.dir === '' || input.dir === '.' ? '' : `${input.dir.replace(/\/+$/, '')}/`;
  const top = topLevelFiles(input.files, prefix);
  // Lazily: a folder that is not a model (an app folder with a config.json) may hold thousands of files.
  let weights: boolean | undefined;
  const hasWeights = (): boolean => (weights ??= input.files.some((f) => fileRole(f) === 'weights'));

  const readJson = async (name: string): Promise<JsonRead> => {
    const path = top.get(name);
    if (path === undefined) return { kind: 'absent' };
    const content = await safeRead(input, path);
    if (content === undefined) {
      issues.push(issue(path, 'could not read file'));
      return { kind: 'bad' };
    }
    try {
      return { kind: 'ok', value: JSON.parse(stripBom(content)) as unknown };
    } catch (err) {
      issues.push(issue(path, `invalid JSON: ${errorMessage(err)}`));
      return { kind: 'bad' };
    }
  };

  const config = await readJson('config.json');
  const pipelineIndex = await readJson('model_index.json');
  const adapter = await readJson('adapter_config.json');
  const facts: ConfigFacts[] = [];
  if (config.kind === 'ok' && isHfModelConfig(config.value) && isRecord(config.value)) facts.push(modelConfigFacts(config.value));
  if (pipelineIndex.kind === 'ok' && isDiffusersPipelineIndex(pipelineIndex.value)) facts.push(pipelineIndexFacts(pipelineIndex.value));
  if (adapter.kind === 'ok' && isPeftAdapterConfig(adapter.value)) facts.push(adapterConfigFacts(adapter.value));

  const cardPath = top.get('readme.md');
  const card = cardPath === undefined ? undefined : await readCard(input, cardPath, issues);
  const cardIsModelCard = card?.data !== undefined && hasModelCardKeys(card.data);
  // A config.json we could not parse still marks the HF layout when weights sit beside it.
  const brokenConfigWithWeights = config.kind === 'bad' && hasWeights();
  const isModelDir = facts.length > 0 || (cardIsModelCard && hasWeights()) || brokenConfigWithWeights;
  const hubRef = parseHubCachePath(input.dir);
  const hub = hubRef === undefined ? undefined : { repoId: hubRef.repoId, revision: hubRef.revision, purl: huggingfacePurl(hubRef.repoId, hubRef.revision, hubRef.kind) };
  if (!isModelDir) return hub === undefined ? { isModelDir, model: {}, props: {}, roles: {}, issues: [] } : { isModelDir, model: {}, props: {}, roles: {}, hub, issues: [] };
  const roles: Record<string, FileRole> = {};
  for (const file of input.files) roles[file] = fileRole(file);

  const fromCard = card?.data === undefined ? undefined : cardFacts(card.data);
  const model = mergeModel(fromCard?.model ?? {}, facts.map((f) => f.model));
  const props: Props = Object.assign({}, ...facts.map((f) => f.props), fromCard?.props ?? {}) as Props;
  if (props.library_name === undefined) {
    const inferred = inferLibrary(config, pipelineIndex, adapter);
    if (inferred !== undefined) props.library_name = inferred;
  }
  const description = card === undefined ? undefined : cardDescription(card.body);
  if (description !== undefined) model.description = description;
  const name = hub?.repoId ?? fromCard?.indexName ?? folderName(input.dir);
  if (name !== undefined) model.name = name;
  if (hub !== undefined && hub.repoId.includes('/')) model.author = hub.repoId.slice(0, hub.repoId.indexOf('/'));

  const template = await findChatTemplate({ top, files: input.files, prefix, read: (p) => safeRead(input, p), issues });
  props.has_card = cardPath !== undefined;
  props.has_chat_template = template !== undefined;
  if (template !== undefined) {
    props.chat_template_path = template.path;
    if (template.names.length > 0) props.chat_template_names = template.names;
  }
  issues.sort((a, b) => compareCodePoints(a.path, b.path) || compareCodePoints(a.message, b.message));
  const result: HfDirScan = { isModelDir, model, props, roles, issues };
  if (template !== undefined) result.chatTemplate = { source: template.source, sha256: sha256(template.source) };
  if (hub !== undefined) result.hub = hub;
  return result;
}

/** Files directly in the folder, keyed by lower-cased base name (first wins in sorted order). */
function topLevelFiles(files: readonly string[], prefix: string): Map<string, string> {
  const top = new Map<string, string>();
  for (const file of files) {
    if (!file.startsWith(prefix)) continue;
    const rest = file.slice(prefix.length);
    if (rest === '' || rest.includes('/')) continue;
    const key = rest.toLowerCase();
    if (!top.has(key)) top.set(key, file);
  }
  return top;
}

async function readCard(input: HfDirInput, path: string, issues: Issue[]): Promise<{ data?: Record<string, unknown>; body: string } | undefined> {
  const content = await safeRead(input, path);
  if (content === undefined) {
    issues.push(issue(path, 'could not read file'));
    return undefined;
  }
  // yaml loads with the first card: a folder of weights alone never needs it.
  const { parseFrontMatter } = await import('../../util/front-matter.js');
  const fm = parseFrontMatter(content);
  if (fm.error !== undefined) issues.push(issue(path, `bad model card front matter: ${fm.error}`));
  return fm.data === undefined ? { body: fm.body } : { data: fm.data, body: fm.body };
}

/** Card facts win; config facts only fill what the card leaves out. */
function mergeModel(card: ModelFacts, configs: ModelFacts[]): ModelFacts {
  const model: ModelFacts = { ...card };
  const target = model as Record<string, unknown>;
  for (const facts of configs) {
    for (const [key, value] of Object.entries(facts)) {
      if (target[key] === undefined && value !== undefined) target[key] = value;
    }
  }
  return model;
}

function inferLibrary(config: JsonRead, pipelineIndex: JsonRead, adapter: JsonRead): string | undefined {
  if (adapter.kind === 'ok' && isPeftAdapterConfig(adapter.value)) return 'peft';
  if (pipelineIndex.kind === 'ok' && isDiffusersPipelineIndex(pipelineIndex.value)) return 'diffusers';
  if (config.kind !== 'ok' || !isRecord(config.value)) return undefined;
  if (typeof config.value._diffusers_version === 'string') return 'diffusers';
  if (typeof config.value.transformers_version === 'string') return 'transformers';
  if (isRecord(config.value.pretrained_cfg)) return 'timm';
  return undefined;
}

function folderName(dir: string): string | undefined {
  const parts = dir.split('/').filter((p) => p !== '' && p !== '.');
  return parts[parts.length - 1];
}

async function safeRead(input: HfDirInput, path: string): Promise<string | undefined> {
  try {
    return await input.readText(path);
  } catch {
    return undefined;
  }
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function issue(path: string, message: string): Issue {
  return { path, scanner: HF_SCANNER, message };
}
