/**
 * Lines of values in JSON and TOML, whose parsers do not keep positions:
 * a bounded text search for the key and value as they would be written.
 * Repeated occurrences of one key and value get successive lines.
 */
import { escapeRegExp, LineIndex } from '../../util/text-lines.js';

export type Locate = (key: string | undefined, value: string) => number | undefined;

function locator(text: string, pattern: (key: string | undefined, value: string) => RegExp): Locate {
  const index = new LineIndex(text);
  const cursors = new Map<string, number>();
  return (key, value) => {
    const id = `${key ?? ''}\u0000${value}`;
    const re = pattern(key, value);
    re.lastIndex = cursors.get(id) ?? 0;
    let m = re.exec(text);
    if (m === null && re.lastIndex !== 0) {
      re.lastIndex = 0;
      m = re.exec(text);
    }
    if (m === null) return undefined;
    cursors.set(id, m.index + m[0].length);
    return index.lineAt(m.index + m[0].length - 1);
  };
}

/** `"key": "value"` (or the bare `"value"` of a list item). */
export function jsonLocator(text: string): Locate {
  return locator(text, (key, value) => {
    const v = escapeRegExp(JSON.stringify(value));
    return key === undefined ? new RegExp(v, 'g') : new RegExp(`${escapeRegExp(JSON.stringify(key))}\\s*:\\s*${v}`, 'g');
  });
}

/** `key = "value"`, with the key bare or quoted, in a table, a dotted key or an inline table. */
export function tomlLocator(text: string): Locate {
  return locator(text, (key, value) => {
    const v = `(?:"""|'''|"|')${escapeRegExp(value)}["']`;
    if (key === undefined) return new RegExp(v, 'g');
    return new RegExp(`(?:^|[\\s{,.])["']?${escapeRegExp(key)}["']?\\s*=\\s*${v}`, 'gm');
  });
}
