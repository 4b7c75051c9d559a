/**
 * `.gitignore` / `.mlbomignore` semantics, per directory, with the `ignore`
 * package (the matcher eslint and prettier use). Rules in a deeper file
 * override shallower ones, as in git.
 *
 * The walk keeps, for each directory it lists, the chain of directories
 * above it that hold ignore files (an `IgnoreLevel`, shared by all the
 * directories below it that add none), so testing a path costs one match
 * per ignore file above it, whatever its depth.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Ignore files larger than this are not rules anyone wrote by hand. */
const MAX_IGNORE_FILE = 1024 * 1024;

/**
 * `ignore` remembers the answer for every path it is asked about (and for
 * its parent folders) for as long as the matcher lives: a root `.gitignore`
 * sees every path of the tree, about 150 bytes each, 30 MB at 200k files.
 * A fresh matcher after this many tests bounds that; building one again from
 * the text costs far less than the tests.
 */
const TESTS_PER_MATCHER = 10_000;

/** The ignore files of one directory, and the chain of those above it. */
export class IgnoreLevel {
  readonly #texts: readonly string[];
  #matcher: Ignore;
  #tests = 0;

  constructor(
    /** Root-relative POSIX path of the directory holding the ignore files ('' for the root). */
    readonly dir: string,
    /** The nearest directory above with ignore files. */
    readonly parent: IgnoreLevel | undefined,
    texts: readonly string[],
  ) {
    this.#texts = texts;
    this.#matcher = compile(texts);
  }

  /** Match `rel`, relative to this directory (a trailing '/' for a directory). */
  test(rel: string): { ignored: boolean; unignored: boolean } {
    if (++this.#tests > TESTS_PER_MATCHER) {
      this.#matcher = compile(this.#texts);
      this.#tests = 1;
    }
    return this.#matcher.test(rel);
  }
}

export class IgnoreRules {
  /** In the order they are added to a directory's rules: `.mlbomignore` has the last word. */
  readonly #names: readonly string[];

  constructor(useGitignore: boolean) {
    this.#names = useGitignore ? ['.gitignore', '.mlbomignore'] : ['.mlbomignore'];
  }

  /** Is a regular file called `name` one this walk reads rules from? */
  isIgnoreFile(name: string): boolean {
    return this.#names.includes(name);
  }

  /**
   * The level for the entries of directory `relDir`, which holds the ignore
   * files `present` (names for which `isIgnoreFile` said yes).
   */
  load(parent: IgnoreLevel | undefined, absDir: string, relDir: string, present: readonly string[]): IgnoreLevel | undefined {
    const texts: string[] = [];
    for (const name of this.#names) {
      if (!present.includes(name)) continue;
      const text = readSmall(absDir, name);
      if (text !== undefined) texts.push(text);
    }
    return texts.length > 0 ? new IgnoreLevel(relDir, parent, texts) : parent;
  }

  /** Is the root-relative POSIX `path`, seen from `level` (its directory's), ignored? */
  static ignores(level: IgnoreLevel | undefined, path: string, isDir: boolean): boolean {
    // The deepest ignore file with an opinion (ignore or re-include) decides.
    for (let l = level; l !== undefined; l = l.parent) {
      const rel = (l.dir === '' ? path : path.slice(l.dir.length + 1)) + (isDir ? '/' : '');
      let r: { ignored: boolean; unignored: boolean };
      try {
        r = l.test(rel);
      } catch {
        continue; // `ignore` throws on paths it thinks are not relative; no name in a listing is one
      }
      if (r.ignored) return true;
      if (r.unignored) return false;
    }
    return false;
  }
}

/** One matcher for a directory's files, in order (an array given to `add` would be read as one rule per element). */
function compile(texts: readonly string[]): Ignore {
  const ig = ignore();
  for (const text of texts) ig.add(text);
  return ig;
}

function readSmall(absDir: string, name: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(join(absDir, name), 'r');
    if (fstatSync(fd).size > MAX_IGNORE_FILE) return undefined;
    return readFileSync(fd, 'utf8');
  } catch {
    // An unreadable ignore file ignores nothing; the walk reports unreadable files itself.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
