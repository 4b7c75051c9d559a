/**
 * Lines of values in TOML manifests and lock files (smol-toml does not
 * report positions): table headers found by text, then bounded searches
 * inside a table.
 */
import { escapeRegExp, LineIndex } from '../../util/text-lines.js';

export interface TomlTable {
  /** Dotted name without quotes and spaces, e.g. `tool.poetry.group.dev.dependencies`. */
  readonly name: string;
  /** `[[name]]` (an array of tables). */
  readonly array: boolean;
  /** Offset of the header's first character. */
  readonly start: number;
  /** Offset where the next header begins (or the text length). */
  readonly end: number;
}

const TABLE_HEADER = /^[ \t]*(\[\[?)[ \t]*([^\]\r\n]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$/gm;

/**
 * Table headers in text order. NOTE: a multi-line string with a line that
 * looks like a header would be mistaken for one; this only costs a line number.
 */
export function tomlTables(text: string): TomlTable[] {
  const found: Array<{ name: string; array: boolean; start: number }> = [];
  for (const m of text.matchAll(TABLE_HEADER)) {
    const name = m[2]!.split('.').map((p) => p.trim().replace(/^["']|["']$/g, '')).join('.');
    found.push({ name, array: m[1] === '[[', start: m.index });
  }
  return found.map((t, i) => ({ ...t, end: found[i + 1]?.start ?? text.length }));
}

/**
 * Finds values inside TOML tables. Searches are bounded to the table's text;
 * a cursor per table makes repeated values (the same string in two arrays)
 * resolve to successive lines.
 */
export class TomlLocator {
  readonly index: LineIndex;
  readonly tables: TomlTable[];
  private readonly cursors = new Map<string, number>();

  constructor(private readonly text: string) {
    this.index = new LineIndex(text);
    this.tables = tomlTables(text);
  }

  /** The first of these tables (most specific first) that exists, as a range. */
  range(...names: string[]): { start: number; end: number; key: string } {
    for (const name of names) {
      const t = this.tables.find((x) => x.name === name);
      if (t !== undefined) return { start: t.start, end: t.end, key: name };
    }
    return { start: 0, end: this.text.length, key: '' };
  }

  /** Line of a quoted string value (e.g. a PEP 508 requirement in an array). */
  stringLine(value: string, ...tables: string[]): number | undefined {
    const r = this.range(...tables);
    const cursor = Math.max(this.cursors.get(r.key) ?? r.start, r.start);
    // Basic strings escape `"` and `\\` (markers often hold `\"`); literal strings do not.
    const forms = [JSON.stringify(value), `'${value}'`];
    for (const from of [cursor, r.start]) {
      for (const form of forms) {
        const at = this.text.indexOf(form, from);
        if (at !== -1 && at < r.end) {
          this.cursors.set(r.key, at + form.length);
          return this.index.lineAt(at);
        }
      }
    }
    return r.key === '' ? undefined : this.index.lineAt(r.start);
  }

  /** Line of `key =` (bare or quoted key) inside a table. */
  keyLine(key: string, ...tables: string[]): number | undefined {
    const r = this.range(...tables);
    return this.keyLineIn(key, r) ?? (r.key === '' ? undefined : this.index.lineAt(r.start));
  }

  /** Line of `key =` between two offsets (one `[[array]]` entry), if there. */
  keyLineIn(key: string, r: { start: number; end: number }): number | undefined {
    // Searching a slice keeps a miss from scanning the rest of a large lock file.
    const re = new RegExp(`^[ \\t]*["']?${escapeRegExp(key)}["']?[ \\t]*=`, 'm');
    const m = re.exec(this.text.slice(r.start, r.end));
    return m === null ? undefined : this.index.lineAt(r.start + m.index);
  }

  /** The entries of an array of tables (`[[package]]`), in text order. */
  arrayEntries(name: string): TomlTable[] {
    return this.tables.filter((t) => t.array && t.name === name);
  }
}
