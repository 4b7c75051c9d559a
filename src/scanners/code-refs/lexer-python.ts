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
  const q = src[start] as string;
  const triple = src.startsWith(q + q + q, start);
  const n = src.length;
  let j = start + (triple ? 3 : 1);
  let segStart = j;
  const parts: string[] = [];
  let newlines = 0;
  while (j < n) {
    const ch = src[j] as string;
    if (ch === '\\' && j + 1 < n) {
      const next = src[j + 1] as string;
      if (next === '\n') newlines++;
      parts.push(src.slice(segStart, j), raw ? ch + next : decodeEscape(next));
      j += 2;
      segStart = j;
      continue;
    }
    if (ch === q && (!triple || src.startsWith(q + q + q, j))) {
      parts.push(src.slice(segStart, j));
      return { end: j + (triple ? 3 : 1), value: parts.join(''), closed: true, newlines };
    }
    if (ch === '\n') {
      if (!triple) break;
      newlines++;
    }
    j++;
  }
  parts.push(src.slice(segStart, j));
  return { end: j, value: parts.join(''), closed: false, newlines };
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
    const op = OPERATORS.find((o) => src.startsWith(o, i)) ?? src[i] as string;
    if (op === '(' || op === '[' || op === '{') depth++;
    else if ((op === ')' || op === ']' || op === '}') && depth > 0) depth--;
    push(tok('op', op, line, bol));
    i += op.length;
  }
  return out;
}
