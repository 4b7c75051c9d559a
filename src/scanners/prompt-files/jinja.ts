/**
 * Template variables of a Jinja2 template: the names it reads from its
 * context. A bounded lexer, not a parser: it walks `{{ }}` and `{% %}` tags,
 * tokenizes their expressions and drops attribute names, filter and test
 * names, keyword arguments, literals, builtins and names the template binds
 * itself (`for message in messages` binds `message`; `messages` is a variable).
 * Syntax: https://jinja.palletsprojects.com/en/stable/templates/
 */
import { sortedUnique } from '../../util/sort.js';

/** Templates longer than this are read up to it (chat templates run a few KB). */
const MAX_SOURCE_CHARS = 1024 * 1024;
const MAX_TAGS = 20_000;

/** Jinja keywords, literals and globals, plus globals transformers gives chat templates. */
const BUILTINS = new Set([
  'and', 'or', 'not', 'in', 'is', 'if', 'else', 'elif', 'true', 'false', 'none', 'True', 'False', 'None',
  'loop', 'range', 'lipsum', 'dict', 'cycler', 'joiner', 'namespace', 'caller', 'varargs', 'kwargs', 'self', 'super',
  'recursive', 'raise_exception', 'strftime_now',
]);

type Token = { kind: 'name' | 'str' | 'num' | 'op'; text: string };

export function jinjaVariables(source: string): string[] {
  if (typeof source !== 'string') return [];
  const src = source.length > MAX_SOURCE_CHARS ? source.slice(0, MAX_SOURCE_CHARS) : source;
  const used: string[] = [];
  const bound = new Set<string>();
  let pos = 0;
  for (let tags = 0; tags < MAX_TAGS; tags += 1) {
    const open = nextOpen(src, pos);
    if (open === undefined) break;
    const end = open.kind === '#' ? src.indexOf('#}', open.at + 2) : findClose(src, open.at + 2, open.kind === '%' ? '%}' : '}}');
    if (end === -1) break;
    pos = end + 2;
    if (open.kind === '#') continue;
    const inner = src.slice(open.at + 2, end).replace(/^[-+~]/, '').replace(/[-+~]$/, '');
    const tokens = tokenize(inner);
    if (open.kind === '{') {
      collectUsed(tokens, used);
      continue;
    }
    const keyword = tokens[0]?.text;
    if (keyword === 'raw') {
      const m = /\{%-?\s*endraw\s*-?%\}/.exec(src.slice(pos));
      if (m === null) break;
      pos += m.index + m[0].length;
      continue;
    }
    statement(keyword, tokens.slice(1), used, bound);
  }
  return sortedUnique(used.filter((n) => !bound.has(n) && !BUILTINS.has(n)));
}

function nextOpen(src: string, from: number): { at: number; kind: '{' | '%' | '#' } | undefined {
  const at = src.indexOf('{', from);
  for (let i = at; i !== -1 && i < src.length - 1; i = src.indexOf('{', i + 1)) {
    const c = src[i + 1];
    if (c === '{' || c === '%' || c === '#') return { at: i, kind: c };
  }
  return undefined;
}

/** The index of `close` after `from`, skipping quoted strings. -1 when unterminated. */
function findClose(src: string, from: number, close: string): number {
  let quote: string | undefined;
  for (let i = from; i < src.length - 1; i += 1) {
    const c = src[i];
    if (quote !== undefined) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === close[0] && src[i + 1] === close[1]) return i;
  }
  return -1;
}

export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|([A-Za-z_][A-Za-z0-9_]*)|(\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?)|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)|(==|!=|>=|<=|\/\/|\*\*|[^\s])/gy;
  for (let m = re.exec(expr); m !== null && m[0] !== ''; m = re.exec(expr)) {
    if (m[1] !== undefined) tokens.push({ kind: 'name', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'num', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'str', text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'op', text: m[4] });
  }
  return tokens;
}

/** Names an expression reads. */
function collectUsed(tokens: readonly Token[], used: string[]): void {
  let parens = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i];
    if (t === undefined) continue;
    if (t.kind === 'op') {
      if (t.text === '(' || t.text === '[' || t.text === '{') parens += 1;
      else if (t.text === ')' || t.text === ']' || t.text === '}') parens = Math.max(0, parens - 1);
      continue;
    }
    if (t.kind !== 'name') continue;
    const prev = tokens[i - 1];
    const prev2 = tokens[i - 2];
    if (prev?.text === '.' || prev?.text === '|') continue;
    if (prev?.text === 'is' || (prev?.text === 'not' && prev2?.text === 'is')) continue;
    if (parens > 0 && tokens[i + 1]?.text === '=') continue;
    used.push(t.text);
  }
}

function split(tokens: readonly Token[], word: string): [Token[], Token[]] {
  const i = tokens.findIndex((t) => t.kind === 'name' && t.text === word);
  return i === -1 ? [[...tokens], []] : [tokens.slice(0, i), tokens.slice(i + 1)];
}

function bindNames(tokens: readonly Token[], bound: Set<string>, used: string[]): void {
  tokens.forEach((t, i) => {
    if (t.kind !== 'name') return;
    // `set ns.found = true` assigns into `ns`, which must already exist.
    if (tokens[i + 1]?.text === '.') used.push(t.text);
    else if (tokens[i - 1]?.text !== '.') bound.add(t.text);
  });
}

function statement(keyword: string | undefined, rest: Token[], used: string[], bound: Set<string>): void {
  switch (keyword) {
    case 'for': {
      const [targets, iter] = split(rest, 'in');
      bindNames(targets, bound, used);
      collectUsed(iter, used);
      return;
    }
    case 'set': {
      const eq = rest.findIndex((t) => t.text === '=');
      bindNames(eq === -1 ? rest : rest.slice(0, eq), bound, used);
      if (eq !== -1) collectUsed(rest.slice(eq + 1), used);
      return;
    }
    case 'macro':
    case 'call':
      bindSignature(keyword, rest, used, bound);
      return;
    case 'with':
      withAssignments(rest, used, bound);
      return;
    case 'import':
    case 'from':
      importNames(rest, bound);
      return;
    case 'include':
    case 'extends': {
      // `include name ignore missing with context`: only the template name is an expression.
      const stop = rest.findIndex((t) => t.kind === 'name' && ['ignore', 'with', 'without'].includes(t.text));
      collectUsed(stop === -1 ? rest : rest.slice(0, stop), used);
      return;
    }
    case 'if':
    case 'elif':
    case 'do':
      collectUsed(rest, used);
      return;
    default:
      // else, endfor, block names, filter sections, generation markers: nothing read.
      return;
  }
}

/** `macro name(a, b=x)`: name and parameters bound, defaults read. `call(p) m(args)`: p bound, args read. */
function bindSignature(keyword: string, rest: Token[], used: string[], bound: Set<string>): void {
  let i = 0;
  if (keyword === 'macro' && rest[0]?.kind === 'name') {
    bound.add(rest[0].text);
    i = 1;
  }
  if (rest[i]?.text !== '(') {
    collectUsed(rest.slice(i), used);
    return;
  }
  let depth = 0;
  let j = i;
  for (; j < rest.length; j += 1) {
    const t = rest[j];
    if (t?.text === '(') depth += 1;
    else if (t?.text === ')') {
      depth -= 1;
      if (depth === 0) break;
    } else if (depth === 1 && t?.kind === 'name' && (rest[j - 1]?.text === '(' || rest[j - 1]?.text === ',')) bound.add(t.text);
    else if (depth >= 1 && t?.kind === 'name' && rest[j - 1]?.text !== '.') used.push(t.text);
  }
  collectUsed(rest.slice(j + 1), used);
}

function withAssignments(rest: Token[], used: string[], bound: Set<string>): void {
  rest.forEach((t, i) => {
    if (t.kind !== 'name') return;
    if (rest[i + 1]?.text === '=' && (i === 0 || rest[i - 1]?.text === ',')) bound.add(t.text);
  });
  collectUsed(rest.filter((t, i) => !(t.kind === 'name' && rest[i + 1]?.text === '=')), used);
}

function importNames(rest: Token[], bound: Set<string>): void {
  const [, after] = split(rest, 'import');
  const names = after.length > 0 ? after : rest;
  names.forEach((t, i) => {
    if (t.kind !== 'name' || t.text === 'as' || t.text === 'with' || t.text === 'without' || t.text === 'context') return;
    // `b as c` binds c; `import 'x' as y` binds y.
    if (names[i + 1]?.text === 'as') return;
    bound.add(t.text);
  });
}
