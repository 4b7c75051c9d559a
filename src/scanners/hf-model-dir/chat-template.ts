/**
 * Chat templates saved with a tokenizer or processor.
 * https://huggingface.co/docs/transformers/chat_templating
 *
 * transformers loads, in order of precedence: `chat_template.jinja`, then
 * `chat_template.json` (`{"chat_template": …}`, processors), then
 * `tokenizer_config.json` `chat_template`. The value is a Jinja string, or a
 * list of `{name, template}` where `default` is used unless another is asked for.
 */
import type { Issue } from '../../types.js';
import { errorMessage } from '../../util/error-message.js';
import { sortedUnique } from '../../util/sort.js';
import { isRecord } from './config.js';

export interface FoundTemplate {
  /** The exact template text. */
  source: string;
  /** Root-relative path of the file it came from. */
  path: string;
  /** All template names, when the folder holds more than one template; else empty. */
  names: string[];
}

export interface TemplateContext {
  /** Top-level files of the folder by lower-cased base name. */
  top: ReadonlyMap<string, string>;
  files: readonly string[];
  /** The folder's path with a trailing slash ('' for the root). */
  prefix: string;
  read(path: string): Promise<string | undefined>;
  issues: Issue[];
}

const SCANNER = 'hf-model-dir';

export async function findChatTemplate(ctx: TemplateContext): Promise<FoundTemplate | undefined> {
  const extra = additionalTemplateNames(ctx.files, ctx.prefix);
  const jinjaPath = ctx.top.get('chat_template.jinja');
  if (jinjaPath !== undefined) {
    const source = await ctx.read(jinjaPath);
    if (source !== undefined && source !== '') {
      return { source, path: jinjaPath, names: extra.length > 0 ? sortedUnique(['default', ...extra]) : [] };
    }
  }
  for (const name of ['chat_template.json', 'tokenizer_config.json']) {
    const path = ctx.top.get(name);
    if (path === undefined) continue;
    const json = await readJson(ctx, path);
    const found = isRecord(json) ? pickTemplate(json.chat_template) : undefined;
    if (found === undefined) continue;
    const names = sortedUnique([...found.names, ...extra]);
    return { source: found.source, path, names: names.length > 1 ? names : [] };
  }
  return undefined;
}

function pickTemplate(value: unknown): { source: string; names: string[] } | undefined {
  if (typeof value === 'string') return value === '' ? undefined : { source: value, names: ['default'] };
  if (!Array.isArray(value)) return undefined;
  const entries = value.flatMap((entry) => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || typeof entry.template !== 'string') return [];
    return entry.template === '' ? [] : [{ name: entry.name, template: entry.template }];
  });
  const chosen = entries.find((e) => e.name === 'default') ?? entries[0];
  if (chosen === undefined) return undefined;
  return { source: chosen.template, names: entries.map((e) => e.name) };
}

/** transformers >= 4.53 writes extra named templates as `additional_chat_templates/<name>.jinja`. */
function additionalTemplateNames(files: readonly string[], prefix: string): string[] {
  const dir = `${prefix}additional_chat_templates/`;
  return files.flatMap((file) => {
    if (!file.startsWith(dir)) return [];
    const rest = file.slice(dir.length);
    return !rest.includes('/') && rest.endsWith('.jinja') && rest.length > '.jinja'.length ? [rest.slice(0, -'.jinja'.length)] : [];
  });
}

async function readJson(ctx: TemplateContext, path: string): Promise<unknown> {
  const text = await ctx.read(path);
  if (text === undefined) {
    ctx.issues.push({ path, scanner: SCANNER, message: 'could not read file' });
    return undefined;
  }
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown;
  } catch (err) {
    ctx.issues.push({ path, scanner: SCANNER, message: `invalid JSON: ${errorMessage(err)}` });
    return undefined;
  }
}
