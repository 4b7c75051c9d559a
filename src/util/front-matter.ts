/**
 * YAML front matter of Markdown cards (Hugging Face model and dataset cards).
 * Format: https://huggingface.co/docs/hub/model-cards#model-card-metadata
 */
import { parseDocument } from 'yaml';
import { errorMessage } from './error-message.js';
import { isYamlTooDeep, MAX_YAML_ALIAS_COUNT, MAX_YAML_NESTING } from './yaml-safe.js';

export interface FrontMatter {
  /** The YAML mapping, when there is front matter and it parses to one. */
  data?: Record<string, unknown>;
  /** The Markdown after the front matter (the whole text when there is none). */
  body: string;
  /** Why the front matter could not be read, short and lowercase. */
  error?: string;
}

/**
 * The largest real cards (MTEB `model-index` blocks of embedding models) run
 * to a few hundred KB; yaml composes about 1 MB per second, so this bounds time too.
 */
const MAX_FRONT_MATTER_CHARS = 1024 * 1024;

const OPENING = /^---[ \t]*\r?\n/;
/** The closing fence: `---` alone on a line, as huggingface_hub's card regex wants. */
const CLOSING = /^---[ \t]*\r?$/m;

/** Split and parse front matter. Never throws. */
export function parseFrontMatter(text: string): FrontMatter {
  if (typeof text !== 'string') return { body: '' };
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const open = OPENING.exec(src);
  if (open === null) return { body: src };
  const rest = src.slice(open[0].length);
  const close = CLOSING.exec(rest);
  if (close === null) return { body: src, error: 'front matter has no closing ---' };
  const yamlText = rest.slice(0, close.index);
  const body = rest.slice(close.index + close[0].length).replace(/^\n/, '');
  if (yamlText.length > MAX_FRONT_MATTER_CHARS) {
    return { body, error: `front matter of ${yamlText.length} chars exceeds ${MAX_FRONT_MATTER_CHARS}` };
  }
  const parsed = parseYamlMapping(yamlText);
  return 'error' in parsed ? { body, error: parsed.error } : { data: parsed.data, body };
}

function parseYamlMapping(yamlText: string): { data: Record<string, unknown> } | { error: string } {
  try {
    if (isYamlTooDeep(yamlText)) return { error: `front matter nests deeper than ${MAX_YAML_NESTING} levels` };
    // logLevel 'error' keeps the library from writing warnings to the console.
    const doc = parseDocument(yamlText, { logLevel: 'error', uniqueKeys: true });
    const first = doc.errors[0];
    if (first !== undefined) return { error: `invalid yaml: ${firstLine(first.message)}` };
    const value: unknown = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
    if (value === null || value === undefined) return { data: {} };
    if (typeof value !== 'object' || Array.isArray(value)) {
      return { error: `front matter is a ${Array.isArray(value) ? 'list' : typeof value}, not a mapping` };
    }
    return { data: value as Record<string, unknown> };
  } catch (err) {
    return { error: `invalid yaml: ${firstLine(errorMessage(err))}` };
  }
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
