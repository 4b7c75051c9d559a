/**
 * Import statements: which local names stand for which module members.
 * Python: https://docs.python.org/3/reference/simple_stmts.html#import
 * JS: ES `import` declarations and CommonJS `require`.
 */
import { isName, isOp, type Lang, type Token } from './tokens.js';

export interface ImportBinding {
  /** The local name; dotted for `import a.b` (Python binds `a`, code writes `a.b.x`). */
  readonly local: string;
  /** Module as written: dotted for Python, a specifier for JS. */
  readonly module: string;
  /** Members below the module: `from openai import OpenAI` → ['OpenAI']; [] for the module itself. */
  readonly path: readonly string[];
  readonly line: number;
  /** Token index of the statement (for position-sensitive lookups). */
  readonly index: number;
}

const MAX_NAMES = 200;

export function extractImports(tokens: readonly Token[], match: Int32Array, lang: Lang): ImportBinding[] {
  const out: ImportBinding[] = [];
  for (let i = 0; i < tokens.length && out.length < 10_000; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'name') continue;
    if (lang === 'py' && t.text === 'import' && statementStart(tokens, i)) pyImport(tokens, i, out);
    else if (lang === 'py' && t.text === 'from') pyFrom(tokens, i, out);
    else if (lang === 'js' && t.text === 'import' && !isOp(tokens[i - 1], '.')) jsImport(tokens, i, out);
    else if (lang === 'js' && t.text === 'require' && isOp(tokens[i + 1], '(')) jsRequire(tokens, match, i, out);
  }
  return out;
}

/** `import` begins a statement (`from x import y` and `from . import y` are read by pyFrom). */
function statementStart(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1];
  return prev === undefined || (tokens[i] as Token).bol || isOp(prev, ';') || isOp(prev, ':');
}

/** A dotted name at i: its text and the index after it. */
function dotted(tokens: readonly Token[], i: number): { text: string; end: number } | undefined {
  if (tokens[i]?.kind !== 'name') return undefined;
  const parts = [(tokens[i] as Token).text];
  let k = i + 1;
  while (isOp(tokens[k], '.') && tokens[k + 1]?.kind === 'name' && parts.length < 16) {
    parts.push((tokens[k + 1] as Token).text);
    k += 2;
  }
  return { text: parts.join('.'), end: k };
}

function pyImport(tokens: readonly Token[], i: number, out: ImportBinding[]): void {
  const line = (tokens[i] as Token).line;
  let k = i + 1;
  for (let n = 0; n < MAX_NAMES; n++) {
    const mod = dotted(tokens, k);
    if (mod === undefined) return;
    k = mod.end;
    let local = mod.text;
    if (isName(tokens[k], 'as') && tokens[k + 1]?.kind === 'name') {
      local = (tokens[k + 1] as Token).text;
      k += 2;
    }
    out.push({ local, module: mod.text, path: [], line, index: i });
    if (!isOp(tokens[k], ',')) return;
    k++;
  }
}

function pyFrom(tokens: readonly Token[], i: number, out: ImportBinding[]): void {
  const mod = dotted(tokens, i + 1);
  // Relative imports (`from . import x`) name the project's own modules.
  if (mod === undefined || !isName(tokens[mod.end], 'import')) return;
  const line = (tokens[i] as Token).line;
  let k = mod.end + 1;
  const paren = isOp(tokens[k], '(');
  if (paren) k++;
  for (let n = 0; n < MAX_NAMES; n++) {
    const name = tokens[k];
    if (name?.kind !== 'name') return;
    let local = name.text;
    k++;
    if (isName(tokens[k], 'as') && tokens[k + 1]?.kind === 'name') {
      local = (tokens[k + 1] as Token).text;
      k += 2;
    }
    out.push({ local, module: mod.text, path: [name.text], line, index: i });
    if (!isOp(tokens[k], ',')) return;
    k++;
    if (!paren && (tokens[k]?.bol ?? true)) return;
  }
}

/** `import X from 'm'`, `import * as X from 'm'`, `import { A, B as C } from 'm'`, `import type …`. */
function jsImport(tokens: readonly Token[], i: number, out: ImportBinding[]): void {
  const line = (tokens[i] as Token).line;
  let k = i + 1;
  if (isName(tokens[k], 'type') && !isName(tokens[k + 1], 'from')) k++;
  const pending: Array<{ local: string; path: string[] }> = [];
  for (let n = 0; n < MAX_NAMES && k < tokens.length; n++) {
    const t = tokens[k] as Token;
    if (t.kind === 'string') {
      // `import 'openai/shims/node'`: a side-effect import still means the SDK is in use.
      if (pending.length === 0 && t.literal) out.push({ local: '', module: t.text, path: [], line, index: i });
      return;
    }
    if (isName(t, 'from')) {
      const spec = tokens[k + 1];
      if (spec?.kind !== 'string' || !spec.literal) return;
      for (const p of pending) out.push({ local: p.local, module: spec.text, path: p.path, line, index: i });
      return;
    }
    if (isOp(t, '*') && isName(tokens[k + 1], 'as') && tokens[k + 2]?.kind === 'name') {
      pending.push({ local: (tokens[k + 2] as Token).text, path: [] });
      k += 3;
    } else if (isOp(t, '{')) {
      k = jsNamedList(tokens, k + 1, pending);
    } else if (t.kind === 'name') {
      pending.push({ local: t.text, path: [] }); // the default export
      k++;
    } else if (isOp(t, ',')) {
      k++;
    } else {
      return; // `import(` dynamic import, `import.meta`
    }
  }
}

/** `{ A, B as C, type D }` (import) or `{ A, B: C }` (require destructuring); returns the index after `}`. */
function jsNamedList(tokens: readonly Token[], k: number, pending: Array<{ local: string; path: string[] }>): number {
  for (let n = 0; n < MAX_NAMES && k < tokens.length; n++) {
    const t = tokens[k] as Token;
    if (isOp(t, '}')) return k + 1;
    if (isName(t, 'type') && tokens[k + 1]?.kind === 'name') {
      k++;
      continue;
    }
    if (t.kind === 'name' || (t.kind === 'string' && t.literal)) {
      const renamed = (isName(tokens[k + 1], 'as') || isOp(tokens[k + 1], ':')) && tokens[k + 2]?.kind === 'name';
      pending.push({ local: renamed ? (tokens[k + 2] as Token).text : t.text, path: [t.text] });
      k += renamed ? 3 : 1;
      continue;
    }
    k++;
  }
  return k;
}

/** `const X = require('m')`, `const { A, B: C } = require('m')`, `const X = require('m').default`. */
function jsRequire(tokens: readonly Token[], match: Int32Array, i: number, out: ImportBinding[]): void {
  const spec = tokens[i + 2];
  if (spec?.kind !== 'string' || !spec.literal || !isOp(tokens[i + 3], ')')) return;
  const line = (tokens[i] as Token).line;
  let member: string[] = [];
  if (isOp(tokens[i + 4], '.') && tokens[i + 5]?.kind === 'name' && tokens[i + 5]?.text !== 'default') member = [(tokens[i + 5] as Token).text];
  if (!isOp(tokens[i - 1], '=')) {
    out.push({ local: '', module: spec.text, path: [], line, index: i });
    return;
  }
  const target = tokens[i - 2];
  if (target?.kind === 'name') {
    out.push({ local: target.text, module: spec.text, path: member, line, index: i });
    return;
  }
  if (isOp(target, '}')) {
    const open = match[i - 2] ?? -1;
    if (open < 0) return;
    const pending: Array<{ local: string; path: string[] }> = [];
    jsNamedList(tokens, open + 1, pending);
    for (const p of pending) out.push({ local: p.local, module: spec.text, path: [...member, ...(p.path)], line, index: i });
  }
}
