/**
 * Prompt files that are whole YAML/JSON documents, and plain templates.
 * - GitHub Models `.prompt.yml`: https://docs.github.com/en/github-models/use-github-models/storing-prompts-in-github-repositories
 * - LangChain serialized prompts (`_type: prompt | chat_prompt | few_shot`, or
 *   the `lc: 1` constructor form): https://python.langchain.com/api_reference/core/prompts/langchain_core.prompts.loading.load_prompt.html
 * - Templates in prompts folders and chat templates saved beside a model
 *   (https://huggingface.co/docs/transformers/chat_templating).
 */
import type { Props, ProviderId } from '../../types.js';
import { sortedUnique } from '../../util/sort.js';
import { lineOfOffset } from '../../util/text-lines.js';
import { parseYamlValue } from '../../util/yaml-safe.js';
import { templateFormat } from './claims.js';
import { handlebarsVariables, mustacheVariables } from './handlebars.js';
import { jinjaVariables } from './jinja.js';
import { fstringVariables, semanticKernelVariables, textVariables } from './simple-vars.js';

/** What one prompt file says, before it becomes an asset. */
export interface PromptRead {
  format: string;
  variables: string[];
  props: Props;
  /** Issue messages (short, lowercase, never quoting the file). */
  issues: string[];
  /** Which declared models become target assets: `api-only` when Hub-looking ids are a catalogue's own names. */
  targets: 'any' | 'api-only';
  declaredModel?: string;
  provider?: ProviderId;
  modelLine?: number;
  /** For chat templates: the text hashed (the template, for `chat_template.json`). */
  hashed?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseDoc(text: string, path: string): { value?: unknown; error?: string } {
  if (path.toLowerCase().endsWith('.json')) {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      // V8's message quotes the text around the error.
      return { error: 'invalid json' };
    }
  }
  return parseYamlValue(text);
}

export function readPromptYaml(text: string, path: string): PromptRead {
  const doc = parseDoc(text, path);
  const issues = doc.error === undefined ? [] : [doc.error];
  const data = isRecord(doc.value) ? doc.value : {};
  if (doc.error === undefined && !isRecord(doc.value)) issues.push('prompt file is not a mapping');
  const messages = Array.isArray(data.messages) ? data.messages : [];
  const contents = messages.flatMap((m) => (isRecord(m) && typeof m.content === 'string' ? [m.content] : []));
  const read: PromptRead = {
    format: 'prompt-yaml',
    variables: mustacheVariables(contents.join('\n')),
    props: { template_format: 'mustache' },
    issues,
    targets: 'api-only',
  };
  if (messages.length > 0) read.props.message_count = messages.length;
  if (data.testData !== undefined && data.testData !== null) read.props.test_data = true;
  if (typeof data.model === 'string' && data.model.trim() !== '') {
    read.declaredModel = data.model.trim();
    const m = /^model\s*:/m.exec(text);
    if (m !== null) read.modelLine = lineOfOffset(text, m.index);
  }
  return read;
}

const LANGCHAIN_TYPES = new Set(['prompt', 'chat_prompt', 'few_shot']);

/** Undefined when the document is not a LangChain prompt (then the file yields nothing). */
export function readLangchain(text: string, path: string): PromptRead | undefined {
  // Cheap gate: most JSON/YAML in a prompts folder is something else.
  if (!/_type|"lc"|\blc\s*:/.test(text)) return undefined;
  const doc = parseDoc(text, path);
  if (!isRecord(doc.value)) return undefined;
  const root = doc.value;
  const lcKwargs = lcPromptKwargs(root);
  const type = typeof root._type === 'string' ? root._type : undefined;
  if (lcKwargs === undefined && (type === undefined || !LANGCHAIN_TYPES.has(type))) return undefined;
  const body = lcKwargs ?? root;
  const format = typeof body.template_format === 'string' ? body.template_format : 'f-string';
  const templates: string[] = [];
  collectTemplates(body, templates, 0);
  const declared = Array.isArray(body.input_variables) ? body.input_variables.filter((v): v is string => typeof v === 'string') : [];
  const fromText = templates.flatMap((t) => variablesOf(format, t));
  const read: PromptRead = {
    format: 'langchain',
    variables: sortedUnique([...declared, ...fromText]),
    props: { template_format: format },
    issues: doc.error === undefined ? [] : [doc.error],
    targets: 'any',
  };
  if (type !== undefined) read.props.langchain_type = type;
  if (Array.isArray(body.messages)) read.props.message_count = body.messages.length;
  if (typeof body.template_path === 'string' && body.template_path.length < 500) read.props.template_path = body.template_path;
  return read;
}

/** The kwargs of an `{"lc": 1, "type": "constructor", "id": ["langchain", "prompts", …]}` prompt. */
function lcPromptKwargs(root: Record<string, unknown>): Record<string, unknown> | undefined {
  if (root.lc !== 1 || root.type !== 'constructor' || !Array.isArray(root.id) || !root.id.includes('prompts')) return undefined;
  return isRecord(root.kwargs) ? root.kwargs : undefined;
}

/** Template strings of a prompt and its message prompts; few-shot examples bind their own variables, so `example_prompt` is skipped. */
function collectTemplates(node: unknown, out: string[], depth: number): void {
  if (depth > 12 || out.length > 200) return;
  if (Array.isArray(node)) {
    for (const item of node) collectTemplates(item, out, depth + 1);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example_prompt' || key === 'examples') continue;
    if ((key === 'template' || key === 'prefix' || key === 'suffix') && typeof value === 'string') out.push(value);
    else collectTemplates(value, out, depth + 1);
  }
}

function variablesOf(format: string, template: string): string[] {
  if (format === 'jinja2' || format === 'jinja') return jinjaVariables(template);
  if (format === 'mustache') return mustacheVariables(template);
  return fstringVariables(template);
}

export function readTemplate(text: string, path: string): PromptRead {
  const format = templateFormat(path);
  const variables =
    format === 'jinja'
      ? jinjaVariables(text)
      : format === 'mustache'
        ? mustacheVariables(text)
        : format === 'handlebars'
          ? handlebarsVariables(text)
          : format === 'semantic-kernel'
            ? semanticKernelVariables(text)
            : textVariables(text);
  return { format: 'template', variables, props: { template_format: format }, issues: [], targets: 'any' };
}

export function readChatTemplate(text: string, path: string): PromptRead {
  const read: PromptRead = { format: 'chat-template', variables: [], props: { template_format: 'jinja' }, issues: [], targets: 'any' };
  const parts = path.split('/');
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  // additional_chat_templates/<name>.jinja belongs to the model folder above it.
  const inAdditional = parts[parts.length - 2]?.toLowerCase() === 'additional_chat_templates';
  const dirParts = parts.slice(0, inAdditional ? -2 : -1);
  read.props.model_dir = dirParts.length === 0 ? '.' : dirParts.join('/');
  if (inAdditional) read.props.chat_template_name = base.replace(/\.jinja$/, '');
  if (!base.endsWith('.json')) {
    read.variables = jinjaVariables(text);
    return read;
  }
  const doc = parseDoc(text, path);
  const picked = isRecord(doc.value) ? pickTemplate(doc.value.chat_template) : undefined;
  if (doc.error !== undefined) read.issues.push(doc.error);
  else if (picked === undefined) read.issues.push('no chat_template string in file');
  if (picked !== undefined) {
    read.variables = jinjaVariables(picked.source);
    read.hashed = picked.source;
    if (picked.names.length > 1) read.props.chat_template_names = picked.names;
  }
  return read;
}

/** A template string, or a list of `{name, template}` where `default` wins (as transformers loads it). */
function pickTemplate(value: unknown): { source: string; names: string[] } | undefined {
  if (typeof value === 'string') return value === '' ? undefined : { source: value, names: [] };
  if (!Array.isArray(value)) return undefined;
  const entries = value.flatMap((e) => (isRecord(e) && typeof e.name === 'string' && typeof e.template === 'string' && e.template !== '' ? [{ name: e.name, template: e.template }] : []));
  const chosen = entries.find((e) => e.name === 'default') ?? entries[0];
  return chosen === undefined ? undefined : { source: chosen.template, names: sortedUnique(entries.map((e) => e.name)) };
}
