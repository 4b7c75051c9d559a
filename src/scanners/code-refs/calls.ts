/**
 * Call expressions `callee(args)` found in a token stream, with each
 * argument reduced to what a reference needs: a literal string, a name, a
 * boolean, or "something else". Python keyword arguments and the keys of
 * JS object-literal arguments both land in `keywords`.
 */
import { isName, isOp, skipGroup, type Lang, type Token } from './tokens.js';

export type Value =
  | { readonly kind: 'str'; readonly text: string; readonly line: number; readonly start: number; readonly weak?: boolean }
  | { readonly kind: 'ref'; readonly text: string; readonly start: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** `CONFIG["model"]` / `config.get("model")`: a key of a name (resolved against a dict literal). */
  | { readonly kind: 'index'; readonly base: string; readonly key: string; readonly start: number }
  | { readonly kind: 'other'; readonly start: number; readonly end: number };

export interface Call {
  /** `client.chat.completions.create` → ['client','chat','completions','create']; a called segment ends in `()`. */
  readonly segments: string[];
  /** The segments joined without `()` markers: `OpenAI.chat.completions.create`. */
  readonly callee: string;
  /** Token index of the callee's first segment. */
  readonly root: number;
  readonly line: number;
  readonly isNew: boolean;
  /** Token indexes of the parentheses. */
  readonly open: number;
  readonly close: number;
  readonly positional: Value[];
  readonly keywords: Map<string, Value>;
  /** `*args` / `**kwargs` / `...spread`: arguments we cannot see. */
  spread: boolean;
}

/** Long member chains are not SDK calls we know; this also bounds the walk. */
const MAX_SEGMENTS = 12;
const MAX_ARGS = 64;
const MAX_OBJECT_DEPTH = 3;
const NOT_CALLEES = new Set([
  'if', 'elif', 'while', 'for', 'return', 'and', 'or', 'not', 'in', 'is', 'with', 'assert', 'lambda', 'yield', 'await',
  'switch', 'catch', 'typeof', 'function', 'def', 'class', 'print', 'del', 'except', 'from', 'import', 'else', 'super',
]);
const DEFINITIONS = new Set(['def', 'class', 'function']);
const ENV_GETTERS = new Set(['os.getenv', 'getenv', 'os.environ.get', 'environ.get', 'os.environ.setdefault']);

export function extractCalls(tokens: readonly Token[], match: Int32Array, lang: Lang): Call[] {
  const calls: Call[] = [];
  for (let i = 1; i < tokens.length; i++) {
    if (!isOp(tokens[i], '(') || (match[i] ?? -1) < i) continue;
    const call = callAt(tokens, match, lang, i);
    if (call !== undefined) calls.push(call);
  }
  return calls;
}

function callAt(tokens: readonly Token[], match: Int32Array, lang: Lang, open: number): Call | undefined {
  const name = tokens[open - 1];
  if (name?.kind !== 'name' || NOT_CALLEES.has(name.text)) return undefined;
  const segments = [name.text]; // built in reverse
  let root = open - 1;
  while (segments.length < MAX_SEGMENTS) {
    const dot = tokens[root - 1];
    if (!isOp(dot, '.') && !isOp(dot, '?.')) break;
    const prev = tokens[root - 2];
    if (prev?.kind === 'name') {
      segments.push(prev.text);
      root -= 2;
      continue;
    }
    const o = match[root - 2] ?? -1;
    if (isOp(prev, ')') && o >= 0 && tokens[o - 1]?.kind === 'name') {
      segments.push(`${(tokens[o - 1] as Token).text}()`);
      root = o - 1;
      continue;
    }
    segments.push('?'); // a subscript, literal or other expression: the root is unknown
    break;
  }
  const before = tokens[root - 1];
  if (before?.kind === 'name' && DEFINITIONS.has(before.text)) return undefined;
  if (isOp(before, '.') && segments[segments.length - 1] !== '?') segments.push('?');
  segments.reverse();
  const close = match[open] as number;
  // `name(params) {` in JS is a method definition, not a call.
  if (lang === 'js' && segments.length === 1 && isOp(tokens[close + 1], '{') && !isName(before, 'new')) return undefined;
  const call: Call = {
    segments,
    callee: segments.map((seg) => (seg.endsWith('()') ? seg.slice(0, -2) : seg)).join('.'),
    root,
    line: name.line,
    isNew: isName(before, 'new'),
    open,
    close,
    positional: [],
    keywords: new Map(),
    spread: false,
  };
  readArgs(tokens, match, lang, call);
  return call;
}

function readArgs(tokens: readonly Token[], match: Int32Array, lang: Lang, call: Call): void {
  let p = call.open + 1;
  let count = 0;
  while (p < call.close && count++ < MAX_ARGS) {
    let q = p;
    while (q < call.close && !isOp(tokens[q], ',')) q = skipGroup(tokens, match, q);
    readArg(tokens, match, lang, call, p, Math.min(q, call.close));
    p = q + 1;
  }
}

function readArg(tokens: readonly Token[], match: Int32Array, lang: Lang, call: Call, p: number, q: number): void {
  if (p >= q) return;
  const first = tokens[p] as Token;
  if (lang === 'py' && first.kind === 'name' && isOp(tokens[p + 1], '=') && q > p + 2) {
    call.keywords.set(first.text, evalValue(tokens, match, p + 2, q));
    return;
  }
  if (isOp(first, '*') || isOp(first, '**') || isOp(first, '...')) {
    call.spread = true;
    return;
  }
  if (lang === 'js' && isOp(first, '{') && match[p] === q - 1) {
    readObject(tokens, match, p, call.keywords, 0);
    call.positional.push({ kind: 'other', start: p, end: q });
    return;
  }
  call.positional.push(evalValue(tokens, match, p, q));
}

/** Fold a JS object literal's `key: value` pairs into `into` (first occurrence wins, nested objects flattened). */
export function readObject(tokens: readonly Token[], match: Int32Array, open: number, into: Map<string, Value>, depth: number): void {
  const close = match[open] ?? -1;
  if (close <= open || depth >= MAX_OBJECT_DEPTH) return;
  let p = open + 1;
  let count = 0;
  while (p < close && count++ < MAX_ARGS) {
    let q = p;
    while (q < close && !isOp(tokens[q], ',')) q = skipGroup(tokens, match, q);
    const key = tokens[p] as Token;
    const isKey = key.kind === 'name' || (key.kind === 'string' && key.literal);
    if (isKey && isOp(tokens[p + 1], ':') && q > p + 2) {
      if (isOp(tokens[p + 2], '{') && match[p + 2] === q - 1) readObject(tokens, match, p + 2, into, depth + 1);
      else if (!into.has(key.text)) into.set(key.text, evalValue(tokens, match, p + 2, q));
    } else if (key.kind === 'name' && q === p + 1 && !into.has(key.text)) {
      into.set(key.text, { kind: 'ref', text: key.text, start: p }); // shorthand `{ model }`
    }
    p = q + 1;
  }
}

/** Reduce the expression tokens[p, q) to a Value. */
export function evalValue(tokens: readonly Token[], match: Int32Array, p: number, q: number): Value {
  const other: Value = { kind: 'other', start: p, end: q };
  // TypeScript `"x" as const` / `"x" satisfies T` is still the literal.
  if (q - p >= 3 && (isName(tokens[q - 2], 'as') || isName(tokens[q - 2], 'satisfies'))) q -= 2;
  const first = tokens[p] as Token;
  if (first.kind === 'string') {
    const parts: string[] = [];
    for (let k = p; k < q; k++) {
      const t = tokens[k] as Token;
      if (t.kind !== 'string' || !t.literal) return other;
      parts.push(t.text); // Python joins adjacent literals
    }
    return { kind: 'str', text: parts.join(''), line: first.line, start: p };
  }
  if (q === p + 1 && first.kind === 'name') {
    if (first.text === 'True' || first.text === 'true') return { kind: 'bool', value: true };
    if (first.text === 'False' || first.text === 'false') return { kind: 'bool', value: false };
  }
  const chain = dottedChain(tokens, p, q);
  if (chain !== undefined && chain.end === q) return { kind: 'ref', text: chain.text, start: p };
  return envDefault(tokens, match, p, q, chain) ?? keyOf(tokens, q, chain) ?? other;
}

/** `NAME["key"]` or `NAME.get("key")` / `NAME.get("key", default)`, ending at q. */
function keyOf(tokens: readonly Token[], q: number, chain: { text: string; end: number } | undefined): Value | undefined {
  if (chain === undefined) return undefined;
  const k = chain.end;
  const key = tokens[k + 1];
  if (isOp(tokens[k], '[') && key?.kind === 'string' && key.literal && isOp(tokens[k + 2], ']') && k + 3 === q) {
    return { kind: 'index', base: chain.text, key: key.text, start: k };
  }
  const dot = chain.text.lastIndexOf('.');
  if (dot > 0 && chain.text.endsWith('.get') && isOp(tokens[k], '(') && key?.kind === 'string' && key.literal && isOp(tokens[q - 1], ')')) {
    return { kind: 'index', base: chain.text.slice(0, dot), key: key.text, start: k };
  }
  return undefined;
}

/** `a.b.c` starting at p: its text and the index just past it. */
export function dottedChain(tokens: readonly Token[], p: number, q: number): { text: string; end: number } | undefined {
  if (tokens[p]?.kind !== 'name') return undefined;
  const parts = [(tokens[p] as Token).text];
  let k = p + 1;
  while (k + 1 < q && (isOp(tokens[k], '.') || isOp(tokens[k], '?.')) && tokens[k + 1]?.kind === 'name' && parts.length < MAX_SEGMENTS) {
    parts.push((tokens[k + 1] as Token).text);
    k += 2;
  }
  return { text: parts.join('.'), end: k };
}

/**
 * A default behind an environment lookup is the value the code runs with
 * when nothing overrides it: `os.getenv("MODEL", "gpt-4o")`,
 * `process.env.MODEL ?? "gpt-4o"`. Marked weak: config may change it.
 */
function envDefault(tokens: readonly Token[], match: Int32Array, p: number, q: number, chain: { text: string; end: number } | undefined): Value | undefined {
  if (chain === undefined) return undefined;
  const open = chain.end;
  if (ENV_GETTERS.has(chain.text) && isOp(tokens[open], '(') && match[open] === q - 1) {
    const a = tokens[open + 1];
    const b = tokens[open + 3];
    if (a?.kind === 'string' && isOp(tokens[open + 2], ',') && b?.kind === 'string' && b.literal && open + 4 === q - 1) {
      return { kind: 'str', text: b.text, line: b.line, start: open + 3, weak: true };
    }
    return undefined;
  }
  if (!chain.text.startsWith('process.env') && !chain.text.startsWith('import.meta.env')) return undefined;
  let k = chain.end;
  if (isOp(tokens[k], '[') && tokens[k + 1]?.kind === 'string' && isOp(tokens[k + 2], ']')) k += 3;
  const fallback = tokens[k + 1];
  if ((isOp(tokens[k], '??') || isOp(tokens[k], '||')) && fallback?.kind === 'string' && fallback.literal && k + 2 === q) {
    return { kind: 'str', text: fallback.text, line: fallback.line, start: k + 1, weak: true };
  }
  return undefined;
}

/** The callee with `()` markers removed, e.g. `OpenAI().chat.create` → `OpenAI.chat.create`. */
export function calleeText(call: Call): string {
  return call.callee;
}

export function lastSegment(call: Call): string {
  return call.callee.slice(call.callee.lastIndexOf('.') + 1);
}
