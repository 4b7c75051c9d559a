/**
 * A Python tokenizer just good enough to skip comments and see strings as
 * strings. Grammar: https://docs.python.org/3/reference/lexical_analysis.html
 *
 * It never backtracks and reads each character a bounded number of times.
 * A string that is not closed on its line (or a triple-quoted one never
 * closed) ends where the line (or the file) does, so one odd quote cannot
 * make the rest of the file a string.
 */
import { tok, type Token } from './tokens.js';

/** Operators that matter for telling `=` from `==` and friends; longest first. */
const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '...',
  '==', '!=', '<=', '>=', '->', '**', '//', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', '<<', '>>',
];
const STRING_PREFIX = /^(?:[rRuUbBfFtT]{1,2})$/;

/**
 * Operators grouped by first character, each group in the list's order, so
 * the lexer tries only the few that can match instead of every one (a
 * `startsWith` per operator per punctuation character was a third of its time).
 */
export function operatorTable(operators: readonly string[]): ReadonlyMap<number, readonly string[]> {
  const table = new Map<number, string[]>();
  for (const op of operators) {
    const c = op.charCodeAt(0);
    let group = table.get(c);
    if (group === undefined) table.set(c, (group = []));
    group.push(op);
  }
  return table;
}

/** The longest operator of `table` at `i`, else the single character there. */
export function operatorAt(src: string, i: number, table: ReadonlyMap<number, readonly string[]>): string {
  const group = table.get(src.charCodeAt(i));
  if (group !== undefined) {
    for (const op of group) if (src.startsWith(op, i)) return op;
  }
  return src[i] as string;
}

const OPERATOR_TABLE = operatorTable(OPERATORS);

export function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0xc0;
}

export function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' };

export function decodeEscape(ch: string): string {
  return ESCAPES[ch] ?? `\\${ch}`;
}

interface StringRead {
  end: number;
  value: string;
  closed: boolean;
  newlines: number;
}

/** Read a string whose opening quote is at `start`. */
function readString(src: string, start: number, raw: boolean): StringRead {
  const qc = src.charCodeAt(start);
  const q3 = qc === 34 ? '"""' : "'''";
  const triple = src.startsWith(q3, start);
  const n = src.length;
  let j = start + (triple ? 3 : 1);
  let segStart = j;
  // Only strings with escapes need pieces joined; the rest are one slice.
  let parts: string[] | undefined;
  let newlines = 0;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (c === 92 && j + 1 < n) {
      const next = src[j + 1] as string;
      if (next === '\n') newlines++;
      (parts ??= []).push(src.slice(segStart, j), raw ? `\\${next}` : decodeEscape(next));
      j += 2;
      segStart = j;
      continue;
    }
    if (c === qc && (!triple || src.startsWith(q3, j))) {
      return { end: j + (triple ? 3 : 1), value: joined(parts, src.slice(segStart, j)), closed: true, newlines };
    }
    if (c === 10) {
      if (!triple) break;
      newlines++;
    }
    j++;
  }
  return { end: j, value: joined(parts, src.slice(segStart, j)), closed: false, newlines };
}

/** `parts` and then `last`, as one string. */
export function joined(parts: string[] | undefined, last: string): string {
  if (parts === undefined) return last;
  parts.push(last);
  return parts.join('');
}

export function lexPython(src: string): Token[] {
  const out: Token[] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  let depth = 0;
  let bol = true;
  const push = (t: Token): void => {
    out.push(t);
    bol = false;
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      if (depth === 0) bol = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12) {
      i++;
      continue;
    }
    if (c === 35) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 92) {
      // Explicit line joining: the next line continues this logical line.
      i++;
      if (src.charCodeAt(i) === 13) i++;
      if (src.charCodeAt(i) === 10) {
        i++;
        line++;
      }
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      const q = src.charCodeAt(j);
      if ((q === 34 || q === 39) && STRING_PREFIX.test(word)) {
        const lower = word.toLowerCase();
        const s = readString(src, j, lower.includes('r'));
        // f-strings interpolate, t-strings build templates, bytes are not text ids.
        const literal = s.closed && !/[fbt]/.test(lower);
        push(tok('string', s.value, line, bol, literal));
        line += s.newlines;
        i = s.end;
        continue;
      }
      push(tok('name', word, line, bol));
      i = j;
      continue;
    }
    if (c === 34 || c === 39) {
      const s = readString(src, i, false);
      push(tok('string', s.value, line, bol, s.closed));
      line += s.newlines;
      i = s.end;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (isIdPart(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) j++;
      push(tok('number', src.slice(i, j), line, bol));
      i = j;
      continue;
    }
    const op = operatorAt(src, i, OPERATOR_TABLE);
    if (op === '(' || op === '[' || op === '{') depth++;
    else if ((op === ')' || op === ']' || op === '}') && depth > 0) depth--;
    push(tok('op', op, line, bol));
    i += op.length;
  }
  return out;
}
