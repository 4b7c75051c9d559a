/**
 * Variables of Python `str.format` / LangChain f-string templates, and of
 * plain-text prompts whose placeholder syntax is not declared.
 * https://docs.python.org/3/library/string.html#format-string-syntax
 */
import { sortedUnique } from '../../util/sort.js';

const MAX_SOURCE_CHARS = 1024 * 1024;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** `{name}`, `{name.attr}`, `{name[0]}`, `{name!r:>10}` → `name`; `{{`/`}}` are literal braces. */
export function fstringVariables(source: string): string[] {
  if (typeof source !== 'string') return [];
  const src = source.length > MAX_SOURCE_CHARS ? source.slice(0, MAX_SOURCE_CHARS) : source;
  const out: string[] = [];
  for (let i = 0; i < src.length; i += 1) {
    if (src[i] !== '{') continue;
    if (src[i + 1] === '{') {
      i += 1;
      continue;
    }
    const end = src.indexOf('}', i + 1);
    if (end === -1) break;
    const field = src.slice(i + 1, end);
    const name = IDENT.exec(field)?.[0];
    // Only a whole field: `{x}`, `{x.y}`, `{x[0]}`, `{x!r}`, `{x:fmt}`, never `{"a": 1}` or `{x y}`.
    if (name !== undefined && /^(?:[.[!:]|$)/.test(field.slice(name.length))) out.push(name);
    i = end;
  }
  return sortedUnique(out);
}

/**
 * `.txt`/`.md` prompts: `{{ name }}` placeholders when there are any;
 * otherwise single-brace `{name}` fields, but only when no single brace
 * opens JSON or code (then braces are content, not placeholders).
 */
export function textVariables(source: string): string[] {
  if (typeof source !== 'string') return [];
  const src = source.length > MAX_SOURCE_CHARS ? source.slice(0, MAX_SOURCE_CHARS) : source;
  const doubled = [...src.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_]+)*\s*\}\}/g)].map((m) => m[1] ?? '');
  if (doubled.length > 0) return sortedUnique(doubled);
  const singles = src.replace(/\{\{|\}\}/g, '');
  if (/\{\s*["'\n\r]|\{\s*$/m.test(singles) || /\{\s*[A-Za-z_][\w]*\s*:\s/.test(singles)) return [];
  return sortedUnique([...singles.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? ''));
}

/** Semantic Kernel prompt templates: `{{$name}}`, also as function arguments (`{{time.now $zone}}`). */
export function semanticKernelVariables(source: string): string[] {
  if (typeof source !== 'string') return [];
  const src = source.length > MAX_SOURCE_CHARS ? source.slice(0, MAX_SOURCE_CHARS) : source;
  const out: string[] = [];
  for (const tag of src.matchAll(/\{\{([^{}]{0,500})\}\}/g)) {
    for (const m of (tag[1] ?? '').matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) out.push(m[1] ?? '');
  }
  return sortedUnique(out);
}
