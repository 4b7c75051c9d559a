/**
 * The walk's exclude globs (DEFAULT_EXCLUDES and `--exclude`), with the
 * meaning they had when fast-glob took them as its `ignore` option, so
 * that switching walkers changed no user's results:
 *
 * - a pattern is matched against the root-relative POSIX path of every
 *   entry, dot files included; `./`, doubled slashes and braces (`{a,b}`,
 *   `{1..3}`) are accepted; an absolute pattern is matched against the
 *   absolute path;
 * - a matching file (or symlink) is left out;
 * - a matching directory is not descended into only when the pattern ends
 *   in `/**` or its last segment has no glob characters (`vendor/**`,
 *   `**\/.git/**`, `legacy`, `tools/legacy`). That is fast-glob's rule, and
 *   it keeps `*.bin` from hiding the files inside a folder named `x.bin`.
 *
 * Differences, all on purpose: `*` and `**` also match names holding a
 * newline (fast-glob never even listed those); `legacy/`, and an absolute
 * pattern naming a folder, prune it (fast-glob left out the folder's own
 * entry but listed the files inside).
 */
import { createRequire } from 'node:module';
import { isAbsolute, posix, sep } from 'node:path';

/** What we use of picomatch; the same in its versions 2 and 4. */
interface Picomatch {
  makeRe(glob: string, options: Record<string, unknown>): RegExp;
}

// Loaded with require: picomatch ships no types, and both major versions are CommonJS.
// Loaded on first use: the default excludes need no regex, and loading its
// six files cost every scan about 6 ms before the walk.
let picomatch: Picomatch | undefined;
const makeRe = (pattern: string): RegExp => (picomatch ??= createRequire(import.meta.url)('picomatch') as Picomatch).makeRe(pattern, PICOMATCH_OPTIONS);

const PICOMATCH_OPTIONS = {
  dot: true,
  posix: true, // POSIX character classes ([[:alpha:]]), as fast-glob asks for
  strictSlashes: false,
  // Paths are POSIX on every platform; picomatch 4 would otherwise follow the OS.
  windows: false,
  // dotAll: picomatch builds `**` from `.`, which would not match a newline.
  flags: 's',
};

/** A pattern `**\/NAME/**` with a literal NAME: prunes every directory called NAME. */
const ANY_DIR_NAMED = /^\*\*\/([^/*?[\]{}()!+@\\]+)\/\*\*$/;

export class ExcludeGlobs {
  /** Directory names pruned wherever they occur (the common `**\/NAME/**` form, without a regex). */
  readonly #names = new Set<string>();
  readonly #rel: RegExp[] = [];
  readonly #relPrune: RegExp[] = [];
  readonly #abs: RegExp[] = [];
  readonly #absPrune: RegExp[] = [];
  readonly #absPrefix: string;

  /** @param absRoot the scan root, for absolute patterns (with the platform's separator). */
  constructor(patterns: readonly string[], absRoot: string) {
    this.#absPrefix = toPosix(absRoot).replace(/\/+$/, '') + '/';
    for (const raw of patterns) {
      for (const expanded of expandBraces(positive(raw))) {
        const pattern = expanded.replace(/(?!^)\/{2,}/g, '/');
        if (pattern === '') continue;
        const name = ANY_DIR_NAMED.exec(pattern)?.[1];
        if (name !== undefined && name !== '.' && name !== '..') {
          // Every ancestor of an entry was tested as a directory on the way down,
          // so testing the entry's own name is the whole of this pattern.
          this.#names.add(name);
          continue;
        }
        let re: RegExp;
        try {
          re = makeRe(pattern);
        } catch {
          continue; // picomatch refuses only absurd input (e.g. over 64 KiB); such a pattern matches nothing
        }
        const absolute = isAbsolute(pattern);
        (absolute ? this.#abs : this.#rel).push(re);
        if (prunesDirectories(pattern)) (absolute ? this.#absPrune : this.#relPrune).push(re);
      }
    }
  }

  /** Leave out the file or symlink at root-relative `path`, whose last segment is `name`? */
  excludesFile(path: string, name: string): boolean {
    if (this.#names.has(name)) return true;
    for (const re of this.#rel) if (re.test(path)) return true;
    if (this.#abs.length > 0) {
      const abs = this.#absPrefix + path;
      for (const re of this.#abs) if (re.test(abs)) return true;
    }
    return false;
  }

  /** Skip the directory at root-relative `path` (last segment `name`) and all below it? */
  prunesDirectory(path: string, name: string): boolean {
    if (this.#names.has(name)) return true;
    for (const re of this.#relPrune) if (re.test(path) || re.test(path + '/')) return true;
    if (this.#absPrune.length > 0) {
      const abs = this.#absPrefix + path;
      for (const re of this.#absPrune) if (re.test(abs) || re.test(abs + '/')) return true;
    }
    return false;
  }
}

/** fast-glob reads an ignore pattern `!x` as `x` (`!(…)` is an extglob, kept). */
function positive(pattern: string): string {
  return pattern.startsWith('!') && pattern[1] !== '(' ? pattern.slice(1) : pattern;
}

function toPosix(p: string): string {
  return sep === '\\' ? p.replaceAll('\\', '/') : p;
}

/** fast-glob's `isAffectDepthOfReadingPattern`. */
function prunesDirectories(pattern: string): boolean {
  return pattern.endsWith('/**') || !isDynamic(posix.basename(pattern));
}

/** fast-glob's `isDynamicPattern` with its default options (braces are expanded before this). */
function isDynamic(segment: string): boolean {
  if (segment === '') return false;
  return (
    segment.includes('\\') ||
    /[*?]|^!/.test(segment) ||
    /\[[^[]*]/.test(segment) ||
    /(?:^|[^!*+?@])\([^(]*\|[^|]*\)/.test(segment) ||
    /[!*+?@]\([^(]*\)/.test(segment) ||
    /\{[^{}]*(?:,|\.\.)[^{}]*\}/.test(segment)
  );
}

/** Most alternatives one pattern may expand to: `{a,b}{c,d}…` grows fast, and this is user input. */
const MAX_EXPANSIONS = 1024;

/**
 * Expand braces as fast-glob does (with the `braces` package) before it
 * compiles and sorts its patterns: `{a,b}` lists, nested ones too, and
 * ranges `{1..3}`, `{01..10}`, `{a..e}`, `{0..20..5}`. It matters twice:
 * `{vendor,legacy}` prunes both folders, and picomatch alone gets most
 * ranges wrong (`x{1..10..3}` becomes a character class).
 */
function expandBraces(pattern: string): string[] {
  const group = firstGroup(pattern);
  if (group === undefined) return [pattern];
  const head = pattern.slice(0, group.open);
  const tail = pattern.slice(group.close + 1);
  const out = new Set<string>();
  for (const alt of group.alternatives) {
    for (const rest of expandBraces(head + alt + tail)) {
      out.add(rest);
      if (out.size >= MAX_EXPANSIONS) return [pattern]; // too many: let picomatch match the braces itself
    }
  }
  return [...out];
}

/** The first `{…}` that is a list or a range, with its alternatives; backslash escapes honoured. */
function firstGroup(p: string): { open: number; close: number; alternatives: string[] } | undefined {
  for (let open = 0; open < p.length; open++) {
    const c = p[open];
    if (c === '\\') {
      open++;
      continue;
    }
    if (c !== '{') continue;
    let depth = 0;
    let start = open + 1;
    const alternatives: string[] = [];
    for (let i = open + 1; i < p.length; i++) {
      const ch = p[i];
      if (ch === '\\') {
        i++;
      } else if (ch === '{') {
        depth++;
      } else if (ch === '}' && depth > 0) {
        depth--;
      } else if (ch === ',' && depth === 0) {
        alternatives.push(p.slice(start, i));
        start = i + 1;
      } else if (ch === '}') {
        if (alternatives.length > 0) {
          alternatives.push(p.slice(start, i));
          return { open, close: i, alternatives };
        }
        const range = expandRange(p.slice(open + 1, i));
        if (range !== undefined) return { open, close: i, alternatives: range };
        break; // `{x}`: literal; look further on
      }
    }
  }
  return undefined;
}

const NUMERIC_RANGE = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/;
const LETTER_RANGE = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/;

/** `1..3`, `01..10`, `5..1`, `a..e`, `0..20..5` (the step's sign is ignored, as in `braces`). */
function expandRange(body: string): string[] | undefined {
  const num = NUMERIC_RANGE.exec(body);
  const letters = num === null ? LETTER_RANGE.exec(body) : null;
  const m = num ?? letters;
  if (m === null) return undefined;
  const [from, to] = num !== null ? [Number(m[1]), Number(m[2])] : [(m[1] as string).charCodeAt(0), (m[2] as string).charCodeAt(0)];
  const step = Math.abs(Number(m[3] ?? 1)) || 1;
  if (Math.abs(to - from) / step >= MAX_EXPANSIONS) return undefined;
  // Zero-padded when a bound is written with a leading zero: {01..10} gives 01 … 10.
  const bounds = [m[1] as string, m[2] as string].map((b) => b.replace('-', ''));
  const pad = num !== null && bounds.some((b) => /^0\d/.test(b)) ? Math.max(...bounds.map((b) => b.length)) : 0;
  const out: string[] = [];
  const dir = to >= from ? 1 : -1;
  for (let v = from; dir > 0 ? v <= to : v >= to; v += dir * step) {
    out.push(num !== null ? (v < 0 ? '-' : '') + String(Math.abs(v)).padStart(pad, '0') : String.fromCharCode(v));
  }
  return out;
}
