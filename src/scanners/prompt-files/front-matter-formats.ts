/**
 * Prompt files with YAML front matter and a template body.
 * - dotprompt `.prompt`: https://google.github.io/dotprompt/reference/frontmatter/
 *   (`model`, `config`, `input.schema` in Picoschema) + Handlebars body.
 * - Prompty `.prompty`: https://prompty.ai/docs/prompty-file-spec
 *   (`model.api`, `model.configuration`, `inputs`) + Jinja2 body with
 *   `system:`/`user:`/`assistant:` role lines.
 */
import type { ProviderId } from '../../types.js';
import { providerFromWord } from '../../util/ai-providers.js';
import { parseFrontMatter } from '../../util/front-matter.js';
import { sortedUnique } from '../../util/sort.js';
import { lineOfOffset } from '../../util/text-lines.js';
import { handlebarsVariables, mustacheVariables } from './handlebars.js';
import { jinjaVariables } from './jinja.js';
import type { PromptRead } from './read.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * The front-matter reader's messages for bad YAML may quote the file; only
 * our own fixed messages are repeated.
 */
function frontMatterIssue(error: string): string {
  if (/^front matter (?:has no closing|of \d+ chars|nests deeper|is a )/.test(error)) return `malformed front matter: ${error}`;
  return 'malformed front matter: invalid yaml';
}

/** 1-based line of the first `key:` at the start of a line (front matter keys sit at column 0). */
function keyLine(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key}\\s*:`, 'm').exec(text);
  return m === null ? undefined : lineOfOffset(text, m.index);
}

/** Picoschema field names: `name`, `age?`, `tags(array, list of tags)`, `opt?(string)`. Or JSON Schema `properties`. */
function schemaFields(schema: unknown): string[] {
  if (!isRecord(schema)) return [];
  const props = isRecord(schema.properties) && schema.type === 'object' ? schema.properties : schema;
  return Object.keys(props)
    .map((k) => /^[A-Za-z_][\w-]*/.exec(k)?.[0])
    .filter((k): k is string => k !== undefined && !(props === schema && (k === 'type' || k === 'properties' || k === 'required')));
}

/**
 * When the front matter does not parse, a plain `model: x` line in it is
 * still what the author declared.
 */
function fallbackModel(text: string): string | undefined {
  const m = /^---[ \t]*\r?\n([\s\S]*?)^---[ \t]*$/m.exec(text);
  const line = /^model[ \t]*:[ \t]*["']?([^\s"'#{}[\],]+)["']?[ \t]*(?:#.*)?$/m.exec(m?.[1] ?? '');
  return line?.[1];
}

export function readDotprompt(text: string): PromptRead {
  const fm = parseFrontMatter(text);
  const issues = fm.error === undefined ? [] : [frontMatterIssue(fm.error)];
  const data = fm.data ?? {};
  const model = str(data.model) ?? (fm.error === undefined ? undefined : fallbackModel(text));
  const input = isRecord(data.input) ? data.input : {};
  const variables = sortedUnique([...handlebarsVariables(fm.body), ...schemaFields(input.schema)]);
  const roles = [...fm.body.matchAll(/\{\{~?\s*role\s+["'][a-z]+["']\s*~?\}\}/g)].length;
  const read: PromptRead = { format: 'dotprompt', variables, props: { template_format: 'handlebars' }, issues, targets: 'any' };
  if (roles > 0) read.props.message_count = roles;
  if (model !== undefined) {
    read.declaredModel = model;
    const line = keyLine(text, 'model');
    if (line !== undefined) read.modelLine = line;
  }
  return read;
}

export function readPrompty(text: string): PromptRead {
  const fm = parseFrontMatter(text);
  const issues = fm.error === undefined ? [] : [frontMatterIssue(fm.error)];
  const data = fm.data ?? {};
  const format = templateFormatOf(data.template);
  const inputs = inputNames(data.inputs);
  const bodyVars = format === 'mustache' ? mustacheVariables(fm.body) : jinjaVariables(fm.body);
  const read: PromptRead = {
    format: 'prompty',
    variables: sortedUnique([...bodyVars, ...inputs]),
    props: { template_format: format },
    issues,
    targets: 'any',
  };
  const roles = [...fm.body.matchAll(/^\s*(?:system|user|assistant|developer)\s*:\s*$/gim)].length;
  if (roles > 0) read.props.message_count = roles;
  const model = promptyModel(data.model);
  if (model.name === undefined && fm.error !== undefined) {
    const fallback = fallbackModel(text);
    if (fallback !== undefined) model.name = fallback;
  }
  if (model.name !== undefined) {
    read.declaredModel = model.name;
    const line = lineOfValue(text, model.name);
    if (line !== undefined) read.modelLine = line;
  }
  if (model.provider !== undefined) read.provider = model.provider;
  return read;
}

function templateFormatOf(template: unknown): string {
  const name = str(template) ?? (isRecord(template) ? str(template.format) ?? str(template.type) : undefined);
  return name === undefined ? 'jinja2' : name.toLowerCase();
}

function inputNames(inputs: unknown): string[] {
  if (isRecord(inputs)) return Object.keys(inputs).filter((k) => /^[A-Za-z_][\w-]*$/.test(k));
  if (Array.isArray(inputs)) {
    return inputs.flatMap((i) => (isRecord(i) && typeof i.name === 'string' && /^[A-Za-z_][\w-]*$/.test(i.name) ? [i.name] : []));
  }
  return [];
}

/** `model.configuration.azure_deployment` (Azure), else `.name`/`.model`, else `model.id`, else a bare `model:` string. */
function promptyModel(model: unknown): { name?: string; provider?: ProviderId } {
  if (typeof model === 'string') return str(model) === undefined ? {} : { name: model.trim() };
  if (!isRecord(model)) return {};
  const conf = isRecord(model.configuration) ? model.configuration : isRecord(model.connection) ? model.connection : {};
  const type = str(conf.type) ?? str(conf.kind) ?? str(model.provider);
  const provider = type === undefined ? undefined : providerFromWord(type);
  const name = str(conf.azure_deployment) ?? str(conf.name) ?? str(conf.model) ?? str(model.id) ?? str(model.name);
  const out: { name?: string; provider?: ProviderId } = {};
  if (name !== undefined) out.name = name;
  if (provider !== undefined) out.provider = provider;
  return out;
}

function lineOfValue(text: string, value: string): number | undefined {
  const i = text.indexOf(value);
  return i === -1 ? undefined : lineOfOffset(text, i);
}
