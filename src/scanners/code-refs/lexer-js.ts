/**
 * A JavaScript / TypeScript tokenizer just good enough to skip comments,
 * regular expressions and template literals.
 * Grammar: https://tc39.es/ecma262/#sec-ecmascript-language-lexical-grammar
 *
 * Two ambiguities are settled by bounded heuristics instead of a parser:
 * - `/` starts a regular expression after an operator or keyword, and only
 *   when the expression closes on the same line (else it is division);
 * - quotes in JSX text open a "string" that ends at the line's end.
 * Either way a misreading stays on one line. Template literals nest through
 * `${…}` with an explicit, capped stack.
 */
import { decodeEscape, isDigit, isIdPart, isIdStart, joined, operatorAt, operatorTable } from './lexer-python.js';
import { tok, type Token } from './tokens.js';

const OPERATORS = [
  '>>>=', '===', '!==', '**=', '...', '>>>', '<<=', '>>=', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '**', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '?.', '??', '&&', '||', '<<', '>>', '++', '--',
];
const OPERATOR_TABLE = operatorTable(OPERATORS);
/** After these keywords a `/` begins a regular expression. */
const REGEX_AFTER_WORD = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);
const MAX_TEMPLATE_DEPTH = 32;

function isJsIdStart(c: number): boolean {
  return isIdStart(c) || c === 36;
}

function isJsIdPart(c: number): boolean {
  return isIdPart(c) || c === 36;
}

interface Piece {
  end: number;
  value: string;
  /** How the piece ended: closing quote/backtick, `${`, or unterminated. */
  stop: 'close' | 'interp' | 'open';
  newlines: number;
}

/** Read string or template content from `j` up to the closing `quote`. */
function readPiece(src: string, j: number, quote: string): Piece {
  const template = quote === '`';
  const qc = quote.charCodeAt(0);
  const n = src.length;
  // Only strings with escapes need pieces joined; the rest are one slice.
  let parts: string[] | undefined;
  let segStart = j;
  let newlines = 0;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (c === 92 && j + 1 < n) {
      const next = src[j + 1] as string;
      if (next === '\n') newlines++;
      (parts ??= []).push(src.slice(segStart, j), decodeEscape(next));
      j += 2;
      segStart = j;
      continue;
    }
    if (c === qc) return { end: j + 1, value: joined(parts, src.slice(segStart, j)), stop: 'close', newlines };
    if (template && c === 36 && src.charCodeAt(j + 1) === 123) {
      return { end: j + 2, value: joined(parts, src.slice(segStart, j)), stop: 'interp', newlines };
    }
    if (c === 10) {
      if (!template) break;
      newlines++;
    }
    j++;
  }
  return { end: j, value: joined(parts, src.slice(segStart, j)), stop: 'open', newlines };
}

/** End index of a regular expression starting at `i` (the `/`), or -1 if it does not close on this line. */
function regexEnd(src: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < src.length; j++) {
    const ch = src[j];
    if (ch === '\n') return -1;
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) {
      let k = j + 1;
      while (k < src.length && isJsIdPart(src.charCodeAt(k))) k++;
      return k;
    }
  }
  return -1;
}

function regexAllowed(prev: Token | undefined): boolean {
  if (prev === undefined) return true;
  if (prev.kind === 'name') return REGEX_AFTER_WORD.has(prev.text);
  if (prev.kind === 'op') return prev.text !== ')' && prev.text !== ']' && prev.text !== '}';
  return false;
}

export function lexJs(src: string): Token[] {
  const out: Token[] = [];
  const n = src.length;
  let i = src.startsWith('#!') ? src.indexOf('\n') : 0;
  if (i < 0) return out;
  let line = 1;
  let bol = true;
  /** One entry per open `${`: the `{` depth inside that interpolation. */
  const templates: number[] = [];
  const push = (t: Token): void => {
    out.push(t);
    bol = false;
  };
  /**
   * Read a template after its opening backtick (`head`: emit one string
   * token, literal only when it closes without `${`) or after the `}` that
   * ends an interpolation (no token: the pieces are not one value).
   */
  const template = (from: number, head: boolean): void => {
    const p = readPiece(src, from, '`');
    if (head) push(tok('string', p.value, line, bol, p.stop === 'close'));
    line += p.newlines;
    i = p.end;
    if (p.stop !== 'interp') return;
    if (templates.length < MAX_TEMPLATE_DEPTH) {
      templates.push(0);
      return;
    }
    // Too deep to follow: skip to the template's end, whatever it holds.
    const close = src.indexOf('`', i);
    const end = close < 0 ? n : close + 1;
    for (let k = i; k < end; k++) if (src.charCodeAt(k) === 10) line++;
    i = end;
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      bol = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 0xfeff || c === 0xa0) {
      i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const close = src.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      for (let k = i; k < end; k++) if (src.charCodeAt(k) === 10) line++;
      i = end;
      continue;
    }
    if (isJsIdStart(c) || (c === 35 && isJsIdStart(src.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && isJsIdPart(src.charCodeAt(j))) j++;
      push(tok('name', src.slice(i, j), line, bol));
      i = j;
      continue;
    }
    if (c === 34 || c === 39) {
      const p = readPiece(src, i + 1, src[i] as string);
      push(tok('string', p.value, line, bol, p.stop === 'close'));
      line += p.newlines;
      i = p.end;
      continue;
    }
    if (c === 96) {
      template(i + 1, true);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (isJsIdPart(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) j++;
      push(tok('number', src.slice(i, j), line, bol));
      i = j;
      continue;
    }
    if (c === 47 && regexAllowed(out[out.length - 1])) {
      const end = regexEnd(src, i);
      if (end > 0) {
        push(tok('op', '/regex/', line, bol));
        i = end;
        continue;
      }
    }
    if (templates.length > 0 && (c === 123 || c === 125)) {
      const top = templates.length - 1;
      if (c === 123) templates[top] = (templates[top] as number) + 1;
      else if (templates[top] === 0) {
        templates.pop();
        template(i + 1, false);
        continue;
      } else templates[top] = (templates[top] as number) - 1;
    }
    const op = operatorAt(src, i, OPERATOR_TABLE);
    push(tok('op', op, line, bol));
    i += op.length;
  }
  return out;
}
