/**
 * Line numbers for values found by a parser that does not report them
 * (JSON.parse, smol-toml) or by a text search: 1-based, counting `\n`.
 */

/**
 * Lines of many offsets in one text, by binary search over the line starts
 * computed once per file: O(n) to build, O(log n) a lookup.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line of a character offset. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** 1-based line of one character offset (for a single lookup; use {@link LineIndex} for many). */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** Escape a literal for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Offset of `"key": {` (an object-valued JSON key) at or after `from`, or -1.
 * Matching the `{` skips the same name used as a string elsewhere
 * (`"requires": { "x": "^1" }`, `"extras": ["x"]`).
 */
export function findJsonObjectKey(text: string, key: string, from: number): number {
  const re = new RegExp(`"${escapeRegExp(JSON.stringify(key).slice(1, -1))}"\\s*:\\s*\\{`, 'g');
  re.lastIndex = from;
  return re.exec(text)?.index ?? -1;
}

/**
 * Minified or generated code: lines averaging over 500 characters in the
 * first 64 KiB. Scanners skip it: it names no models a person wrote, and
 * lexing it is slow.
 */
export function looksMinified(text: string): boolean {
  const head = text.slice(0, 65536);
  const lines = head.split('\n').length;
  return head.length > 4096 && head.length / lines > 500;
}
