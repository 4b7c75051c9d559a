/**
 * YAML front matter of Markdown cards (Hugging Face model and dataset cards).
 * Format: https://huggingface.co/docs/hub/model-cards#model-card-metadata
 */
import { CST, Lexer, parseDocument } from 'yaml';
import { errorMessage } from './error-message.js';

export interface FrontMatter {
  /** The YAML mapping, when there is front matter and it parses to one. */
  data?: Record<string, unknown>;
  /** The Markdown after the front matter (the whole text when there is none). */
  body: string;
  /** Why the front matter could not be read, short and lowercase. */
  error?: string;
}

/**
 * Each alias expansion can multiply the output; 100 stops "billion laughs"
 * documents while leaving room for the few anchors real cards use.
 */
const MAX_ALIAS_COUNT = 100;
/**
 * The largest real cards (MTEB `model-index` blocks of embedding models) run
 * to a few hundred KB; yaml composes about 1 MB per second, so this bounds time too.
 */
const MAX_FRONT_MATTER_CHARS = 1024 * 1024;

/**
 * The yaml composer recurses once per nesting level. Near the stack limit V8
 * can abort the whole process (a regexp compiled at that depth fails with a
 * fatal out-of-memory, not a RangeError), so deep documents are refused before
 * composing. Real cards nest about 10 levels (model-index is 7).
 */
const MAX_NESTING = 100;

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
    const depth = nestingEstimate(yamlText);
    if (depth > MAX_NESTING) return { error: `front matter nests deeper than ${MAX_NESTING} levels` };
    // logLevel 'error' keeps the library from writing warnings to the console.
    const doc = parseDocument(yamlText, { logLevel: 'error', uniqueKeys: true });
    const first = doc.errors[0];
    if (first !== undefined) return { error: `invalid yaml: ${firstLine(first.message)}` };
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (value === null || value === undefined) return { data: {} };
    if (typeof value !== 'object' || Array.isArray(value)) {
      return { error: `front matter is a ${Array.isArray(value) ? 'list' : typeof value}, not a mapping` };
    }
    return { data: value as Record<string, unknown> };
  } catch (err) {
    return { error: `invalid yaml: ${firstLine(errorMessage(err))}` };
  }
}

/**
 * An upper bound on nesting, from the yaml lexer (which is iterative): block
 * depth is at most a line's indent plus its `-`/`?`/`:` indicators; flow
 * depth is the count of open brackets (brackets in quoted scalars are inside
 * scalar tokens and do not count). Stops early once past the cap.
 */
function nestingEstimate(yamlText: string): number {
  let max = 0;
  let indent = 0;
  let indicators = 0;
  let flow = 0;
  let atLineStart = true;
  let skipScalar = false;
  for (const token of new Lexer().lex(yamlText)) {
    if (skipScalar) {
      skipScalar = false;
      atLineStart = false;
      continue;
    }
    const type = CST.tokenType(token);
    if (type === 'scalar') skipScalar = true;
    if (type === 'newline') {
      indent = 0;
      indicators = 0;
      atLineStart = true;
      continue;
    }
    if (type === 'space' && atLineStart) indent = token.length;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') flow += 1;
    else if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1);
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') indicators += 1;
    if (type !== 'space' && type !== 'scalar') atLineStart = false;
    max = Math.max(max, indent + indicators + flow);
    if (max > MAX_NESTING) return max;
  }
  return max;
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
