/**
 * Assignments as the bindings need them: `NAME = value`, `const NAME =
 * value`, `self.x = value`, `x["key"] = value`, annotated forms, `with
 * X() as name`, parameter defaults and parameter type annotations.
 */
import { evalValue, lastSegment, type Call, type Value } from './calls.js';
import { isName, isOp, skipGroup, type Lang, type Token } from './tokens.js';

export interface Assignment {
  readonly name: string;
  readonly index: number;
  /** The right-hand side when it is a value (literal, name…). */
  readonly value?: Value;
  /** The right-hand side when it is a call expression. */
  readonly call?: Call;
  /** A type annotation naming a class: `client: OpenAI`. */
  readonly typeRef?: string;
  /**
   * A class field's default (dataclass `field(default=…)`, an annotated
   * `name: str = "…"` as in pydantic settings), reachable as `<anything>.<name>`.
   */
  readonly fieldDefault?: boolean;
}

/** What assignment extraction reads (implemented by Bindings). */
export interface AssignmentSource {
  readonly tokens: readonly Token[];
  readonly match: Int32Array;
  readonly lang: Lang;
  /** The call expression that starts at token `start` and ends last before `end`. */
  callStartingAt(start: number, end: number): Call | undefined;
}

/** Top-level tokens of a right-hand side (brackets count as one); real ones have a handful. */
const MAX_RHS_TOKENS = 200;
const JS_DECL = new Set(['const', 'let', 'var']);
const JS_MODIFIERS = new Set(['export', 'private', 'public', 'protected', 'readonly', 'static', 'declare']);
/** A line starting with one of these continues the expression above it. */
const JS_CONTINUATION = new Set(['.', '?.', '?', ':', '||', '&&', '??', '+', '-', '*', '/', '|', '&', '=>']);
/** A line ending with an operator other than these wants more expression. */
const JS_COMPLETE = new Set([')', ']', '}', '/regex/', '++', '--']);

export function* extractAssignments(b: AssignmentSource, callsByOpen: ReadonlyMap<number, Call>): Generator<Assignment> {
  const { tokens, match } = b;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'name') continue;
    if (b.lang === 'py' && t.text === 'def' && tokens[i + 1]?.kind === 'name' && isOp(tokens[i + 2], '(')) {
      yield* parameters(b, i + 2);
      continue;
    }
    if (b.lang === 'py' && t.text === 'as' && tokens[i + 1]?.kind === 'name' && isOp(tokens[i - 1], ')')) {
      // `with OpenAI() as client:`
      const call = callsByOpen.get(match[i - 1] ?? -1);
      if (call !== undefined) yield { name: (tokens[i + 1] as Token).text, index: i + 1, call };
      continue;
    }
    let before = i - 1;
    while (b.lang === 'js' && isName(tokens[before]) && JS_MODIFIERS.has((tokens[before] as Token).text)) before--;
    if (isOp(tokens[before], '(') || isOp(tokens[before], ',')) {
      const typed = annotation(tokens, i);
      if (typed !== undefined) yield typed;
    }
    if (!startsStatement(b, i)) continue;
    const a = assignmentAt(b, i);
    if (a !== undefined) yield a;
  }
}

function startsStatement(b: AssignmentSource, i: number): boolean {
  const t = b.tokens[i] as Token;
  const prev = b.tokens[i - 1];
  if (b.lang === 'py') return t.bol || isOp(prev, ';');
  if (JS_DECL.has(t.text)) return false;
  let k = i - 1;
  while (k >= 0 && isName(b.tokens[k]) && (JS_MODIFIERS.has((b.tokens[k] as Token).text) || JS_DECL.has((b.tokens[k] as Token).text))) k--;
  if (k < i - 1) return true;
  return t.bol || prev === undefined || isOp(prev, ';') || isOp(prev, '{') || isOp(prev, '}');
}

function assignmentAt(b: AssignmentSource, i: number): Assignment | undefined {
  const { tokens, match } = b;
  const parts = [(tokens[i] as Token).text];
  let k = i + 1;
  for (;;) {
    if (parts.length >= 8) break;
    if (isOp(tokens[k], '.') && tokens[k + 1]?.kind === 'name') {
      parts.push((tokens[k + 1] as Token).text);
      k += 2;
    } else if (isOp(tokens[k], '[') && tokens[k + 1]?.kind === 'string' && tokens[k + 1]?.literal === true && isOp(tokens[k + 2], ']')) {
      // `st.session_state["model"] = "gpt-4o"` is read back as `st.session_state.model` or `["model"]`.
      parts.push((tokens[k + 1] as Token).text);
      k += 3;
    } else break;
  }
  let typeRef: string | undefined;
  const annotated = isOp(tokens[k], ':');
  if (annotated || (b.lang === 'js' && isOp(tokens[k], '!') && isOp(tokens[k + 1], ':'))) {
    // An annotation: `MODEL: str = "x"`, `const client: OpenAI = …`.
    const start = isOp(tokens[k], ':') ? k + 1 : k + 2;
    let e = start;
    while (e < tokens.length && e - start < 40 && !isOp(tokens[e], '=') && !(tokens[e] as Token).bol) e = skipGroup(tokens, match, e);
    typeRef = dottedText(tokens, start, e);
    if (!isOp(tokens[e], '=')) return typeRef === undefined ? undefined : { name: parts.join('.'), index: i, typeRef };
    k = e;
  }
  if (!isOp(tokens[k], '=')) return undefined;
  const start = k + 1;
  const end = rhsEnd(b, start);
  if (end <= start) return undefined;
  let s = start;
  while (isName(tokens[s], 'await') || isName(tokens[s], 'new')) s++;
  const name = parts.join('.');
  const value = evalValue(tokens, match, start, end);
  const call = value.kind === 'str' ? undefined : b.callStartingAt(s, end);
  if (call !== undefined && call.close === end - 1) {
    // A dataclass field: `model_name: str = field(default="gpt2")`.
    const dflt = lastSegment(call) === 'field' ? call.keywords.get('default') : undefined;
    if (dflt?.kind === 'str') return { name, index: i, value: { ...dflt, weak: true }, fieldDefault: true };
    return { name, index: i, call, ...(typeRef === undefined ? {} : { typeRef }) };
  }
  const field = b.lang === 'py' && annotated && parts.length === 1 && value.kind === 'str';
  return { name, index: i, value, ...(typeRef === undefined ? {} : { typeRef }), ...(field ? { fieldDefault: true } : {}) };
}

/** `name: Dotted` in a parameter list (followed by `,` or `)`). */
function annotation(tokens: readonly Token[], i: number): Assignment | undefined {
  if (!isOp(tokens[i + 1], ':')) return undefined;
  let e = i + 2;
  while (isOp(tokens[e + 1], '.') && tokens[e + 2]?.kind === 'name') e += 2;
  const next = tokens[e + 1];
  // With a default (`x: str = "v"`) the parameter reader records the value instead.
  if (tokens[i + 2]?.kind !== 'name' || !(isOp(next, ',') || isOp(next, ')'))) return undefined;
  const typeRef = dottedText(tokens, i + 2, e + 1);
  return typeRef === undefined ? undefined : { name: (tokens[i] as Token).text, index: i, typeRef };
}

function* parameters(b: AssignmentSource, open: number): Generator<Assignment> {
  const close = b.match[open] ?? -1;
  let p = open + 1;
  while (p > 0 && p < close) {
    let q = p;
    while (q < close && !isOp(b.tokens[q], ',')) q = skipGroup(b.tokens, b.match, q);
    const name = b.tokens[p];
    let eq = p + 1;
    while (eq < q && !isOp(b.tokens[eq], '=')) eq++;
    if (name?.kind === 'name' && eq < q - 1) {
      const value = evalValue(b.tokens, b.match, eq + 1, q);
      if (value.kind === 'str') yield { name: name.text, index: p, value: { ...value, weak: true } };
    }
    p = q + 1;
  }
}

function dottedText(tokens: readonly Token[], start: number, end: number): string | undefined {
  const parts: string[] = [];
  for (let k = start; k < end; k += 2) {
    const t = tokens[k];
    if (t?.kind !== 'name' || (k + 1 < end && !isOp(tokens[k + 1], '.'))) return undefined;
    parts.push(t.text);
  }
  return parts.length === 0 ? undefined : parts.join('.');
}

/** Where the right-hand side starting at `start` ends (exclusive). */
function rhsEnd(b: AssignmentSource, start: number): number {
  const { tokens, match } = b;
  let k = start;
  while (k < tokens.length && k - start < MAX_RHS_TOKENS) {
    const t = tokens[k] as Token;
    if (t.kind === 'break' || isOp(t, ';')) break;
    if (k > start && t.bol) {
      if (b.lang === 'py') break;
      const prev = tokens[k - 1] as Token;
      const prevWantsMore = prev.kind === 'op' && !JS_COMPLETE.has(prev.text);
      if (!prevWantsMore && !(t.kind === 'op' && JS_CONTINUATION.has(t.text))) break;
    }
    if (b.lang === 'js' && (isOp(t, ',') || isOp(t, ')') || isOp(t, ']') || isOp(t, '}'))) break;
    if (b.lang === 'py' && (isOp(t, ')') || isOp(t, ']') || isOp(t, '}'))) break;
    k = skipGroup(tokens, match, k);
  }
  return k;
}
