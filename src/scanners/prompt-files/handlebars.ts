/**
 * Template variables of Handlebars (dotprompt bodies, `.hbs`) and Mustache
 * (`.mustache`, GitHub Models prompts) templates: the top-level names read
 * from the input. Inside `{{#each}}`/`{{#with}}` (or a Mustache section),
 * bare names refer to the current item, so only `@root.x` and `../x` count there.
 *
 * Handlebars: https://handlebarsjs.com/guide/expressions.html
 * Dotprompt helpers: https://google.github.io/dotprompt/reference/template/
 * Mustache: https://mustache.github.io/mustache.5.html
 */
import { sortedUnique } from '../../util/sort.js';

const MAX_SOURCE_CHARS = 1024 * 1024;
const MAX_TAGS = 20_000;

/** Block helpers that change the context (bare names inside are the item's). */
const SCOPING = new Set(['each', 'with']);
const LITERALS = new Set(['true', 'false', 'null', 'undefined', 'this', 'else']);
/** Dotprompt helpers that take no argument, so `{{history}}` reads nothing. */
const BARE_HELPERS = new Set(['history', 'section', 'media', 'role', 'json', 'log', 'lookup']);

/** The inside of each `{{ }}` (or `{{{ }}}`) tag, whitespace-control `~` and comments removed. */
function* tags(source: string): Generator<string> {
  const src = source.length > MAX_SOURCE_CHARS ? source.slice(0, MAX_SOURCE_CHARS) : source;
  let pos = 0;
  for (let n = 0; n < MAX_TAGS; n += 1) {
    const at = src.indexOf('{{', pos);
    if (at === -1) return;
    if (src.startsWith('{{!--', at)) {
      const end = src.indexOf('--}}', at + 5);
      if (end === -1) return;
      pos = end + 4;
      continue;
    }
    const triple = src[at + 2] === '{';
    const close = triple ? '}}}' : '}}';
    const end = src.indexOf(close, at + (triple ? 3 : 2));
    if (end === -1) return;
    pos = end + close.length;
    yield src.slice(at + (triple ? 3 : 2), end).replace(/^~/, '').replace(/~$/, '').trim();
  }
}

/** `a.b`, `a/b`, `a.[0]` → `a`; context-local and data paths → undefined unless `@root.`/`../`. */
function pathHead(path: string, scoped: boolean): string | undefined {
  let p = path;
  let escapes = false;
  if (p.startsWith('@root.')) {
    p = p.slice(6);
    escapes = true;
  } else if (p.startsWith('../')) {
    while (p.startsWith('../')) p = p.slice(3);
    escapes = true;
  }
  if (p.startsWith('@') || p === '.' || p.startsWith('./') || p === 'this' || p.startsWith('this.') || p.startsWith('this/')) return undefined;
  if (scoped && !escapes) return undefined;
  const head = /^[A-Za-z_$][\w$-]*/.exec(p)?.[0];
  return head === undefined || LITERALS.has(head) ? undefined : head;
}

/** Split helper arguments, keeping quoted strings whole. */
function args(text: string): string[] {
  return text.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s()]+|[()]/g) ?? [];
}

/** Paths read by a helper call's arguments (`helper a b=c (sub d)`). */
function argPaths(parts: readonly string[], scoped: boolean, out: string[]): void {
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] ?? '';
    if (part === '(' || part === ')' || part === 'as' || part.startsWith('|')) continue;
    // The first word after `(` names a sub-expression helper.
    if (parts[i - 1] === '(') continue;
    if (/^["']/.test(part) || /^-?\d/.test(part)) continue;
    const eq = part.indexOf('=');
    const value = eq === -1 ? part : part.slice(eq + 1);
    if (value === '' || /^["']/.test(value) || /^-?\d/.test(value)) continue;
    const head = pathHead(value, scoped);
    if (head !== undefined) out.push(head);
  }
}

export function handlebarsVariables(source: string): string[] {
  if (typeof source !== 'string') return [];
  const out: string[] = [];
  // Open blocks, innermost last: true for those that change the context.
  const stack: boolean[] = [];
  let scopes = 0;
  for (const t of tags(source)) {
    const scoped = scopes > 0;
    if (t.startsWith('!') || t.startsWith('>')) continue;
    if (t.startsWith('/')) {
      if (stack.pop() === true) scopes -= 1;
      continue;
    }
    const block = t.startsWith('#') || t.startsWith('^');
    const parts = args(block ? t.slice(1).trim() : t.replace(/^&/, '').trim());
    const first = parts[0];
    if (first === undefined) continue;
    if (first === 'else') {
      argPaths(parts.slice(2), scoped, out);
      continue;
    }
    if (block) {
      // The block's own arguments are read in the enclosing scope.
      argPaths(parts.slice(1), scoped, out);
      stack.push(SCOPING.has(first));
      if (SCOPING.has(first)) scopes += 1;
      continue;
    }
    if (parts.length === 1) {
      if (BARE_HELPERS.has(first)) continue;
      const head = pathHead(first, scoped);
      if (head !== undefined) out.push(head);
    } else argPaths(parts.slice(1), scoped, out);
  }
  return sortedUnique(out);
}

/**
 * Mustache: `{{name}}`, `{{{name}}}`, `{{&name}}`, and section names
 * `{{#name}}`/`{{^name}}`. Names inside a section are the section item's.
 */
export function mustacheVariables(source: string): string[] {
  if (typeof source !== 'string') return [];
  const out: string[] = [];
  let depth = 0;
  for (const t of tags(source)) {
    if (t.startsWith('!') || t.startsWith('>')) continue;
    // A delimiter change makes the rest of the file unreadable to us; stop rather than guess.
    if (t.startsWith('=')) break;
    if (t.startsWith('/')) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    const section = t.startsWith('#') || t.startsWith('^');
    const name = (section || t.startsWith('&') ? t.slice(1) : t).trim();
    const head = /^[A-Za-z_][\w-]*/.exec(name)?.[0];
    if (head !== undefined && depth === 0 && name === name.split(/\s/)[0]) out.push(head);
    if (section) depth += 1;
  }
  return sortedUnique(out);
}
