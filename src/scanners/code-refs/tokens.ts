/**
 * The token stream both lexers produce. It is deliberately coarse: names,
 * strings (with their decoded value), numbers and operators are all the
 * call extractor needs, and a coarse lexer has fewer ways to go wrong on
 * code it does not fully understand.
 */

export type TokenKind = 'name' | 'string' | 'number' | 'op' | 'break';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or operator text; for strings the decoded value. */
  readonly text: string;
  /** 1-based line of the token's first character (mapped to the file for notebooks). */
  line: number;
  /**
   * Strings only: a plain literal. False for f-strings, bytes, template
   * literals with `${}` and unterminated strings: their text is not a value.
   */
  readonly literal: boolean;
  /** First token of a logical line (Python) or of a physical line (JS). */
  readonly bol: boolean;
}

export type Lang = 'py' | 'js';

/**
 * Deeper nesting than this is not real code; openers past it are left
 * unmatched so a hostile file cannot grow the stack without bound.
 */
export const MAX_BRACKET_DEPTH = 256;

const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);

export function tok(kind: TokenKind, text: string, line: number, bol: boolean, literal = false): Token {
  return { kind, text, line, literal, bol };
}

export function isOp(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'op' && t.text === text;
}

export function isName(t: Token | undefined, text?: string): boolean {
  return t !== undefined && t.kind === 'name' && (text === undefined || t.text === text);
}

/**
 * Pair every bracket with its partner: `match[i]` is the index of the
 * other bracket, or -1. A stray closer is ignored unless it closes one of
 * the few innermost openers (that recovers from a single missing bracket
 * without unwinding everything). `break` tokens (notebook cell boundaries)
 * reset the stack, so one broken cell cannot swallow the next.
 */
export function matchBrackets(tokens: readonly Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  let overflow = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'break') {
      stack.length = 0;
      overflow = 0;
      continue;
    }
    if (t.kind !== 'op') continue;
    if (OPENERS[t.text] !== undefined) {
      if (stack.length >= MAX_BRACKET_DEPTH) overflow++;
      else stack.push(i);
      continue;
    }
    if (!CLOSERS.has(t.text)) continue;
    if (overflow > 0) {
      overflow--;
      continue;
    }
    for (let k = stack.length - 1; k >= Math.max(0, stack.length - 3); k--) {
      const open = stack[k] as number;
      if (OPENERS[(tokens[open] as Token).text] === t.text) {
        match[open] = i;
        match[i] = open;
        stack.length = k;
        break;
      }
    }
  }
  return match;
}

/** Index just past the expression group starting at `i` (a bracket jumps to its partner). */
export function skipGroup(tokens: readonly Token[], match: Int32Array, i: number): number {
  const m = match[i] ?? -1;
  return m > i ? m + 1 : i + 1;
}
