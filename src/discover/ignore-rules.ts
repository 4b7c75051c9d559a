/**
 * `.gitignore` / `.mlbomignore` semantics, per directory, with the `ignore`
 * package (the matcher eslint and prettier use). Rules in a deeper file
 * override shallower ones, as in git.
 */
import type { Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Ignore files larger than this are not rules anyone wrote by hand. */
const MAX_IGNORE_FILE = 1024 * 1024;

export class IgnoreRules {
  readonly #byDir = new Map<string, Ignore>();
  readonly #names: readonly string[];

  constructor(useGitignore: boolean) {
    this.#names = useGitignore ? ['.gitignore', '.mlbomignore'] : ['.mlbomignore'];
  }

  /** Read the ignore files listed in `dirents` of directory `relDir`. */
  async load(absDir: string, relDir: string, dirents: readonly Dirent[]): Promise<void> {
    const present = this.#names.filter((n) => dirents.some((d) => d.name === n && d.isFile()));
    if (present.length === 0) return;
    const ig = ignore();
    for (const name of present) {
      try {
        const text = await readFile(join(absDir, name), 'utf8');
        if (text.length <= MAX_IGNORE_FILE) ig.add(text);
      } catch {
        // An unreadable ignore file ignores nothing; the walk reports unreadable files itself.
      }
    }
    this.#byDir.set(relDir, ig);
  }

  /** Is the root-relative POSIX `path` ignored? */
  ignores(path: string, isDir: boolean): boolean {
    let ignored = false;
    // Check from the root down: each ancestor directory's rules see the path relative to it.
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const ig = this.#byDir.get(dir);
      if (ig === undefined) continue;
      const rel = parts.slice(i).join('/') + (isDir ? '/' : '');
      const r = ig.test(rel);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  }
}
