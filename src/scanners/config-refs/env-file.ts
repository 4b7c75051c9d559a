/**
 * `.env.example`-style files: `KEY=VALUE` lines, as dotenv reads them.
 * https://github.com/motdotla/dotenv#what-rules-does-the-parsing-engine-follow
 *
 * Only templates are claimed (never `.env` itself), yet they too can hold a
 * real key; values are only ever tested against the model-id rules, which a
 * secret never passes, and are not kept otherwise.
 */
import type { CEntry, CMap } from './tree.js';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;
/** Longer lines are not settings. */
const MAX_LINE_CHARS = 4096;

export function envTree(text: string): CMap {
  const entries: CEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i] ?? '';
    if (raw.length > MAX_LINE_CHARS || /^\s*#/.test(raw)) continue;
    const m = LINE.exec(raw);
    if (m === null) continue;
    const key = m[1] ?? '';
    entries.push({ key, line: i + 1, value: { t: 'scalar', value: envValue(m[2] ?? ''), line: i + 1 } });
  }
  return { t: 'map', entries };
}

/** Unquote, or drop an inline ` # comment` from an unquoted value. */
function envValue(rest: string): string {
  const v = rest.trim();
  const q = v[0];
  if ((q === '"' || q === "'" || q === '`') && v.length > 1) {
    const end = v.indexOf(q, 1);
    return end === -1 ? v.slice(1) : v.slice(1, end);
  }
  const hash = v.search(/\s#/);
  return (hash === -1 ? v : v.slice(0, hash)).trim();
}
