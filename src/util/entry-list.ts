/**
 * The folders and files a scan snapshot records, kept as the JSON text it
 * stores them in: a worker thread that checks part of them gets two strings
 * to copy, not tens of thousands of paths (cloning 35k paths cost the main
 * thread about 50 ms).
 */
import { sep } from 'node:path';

/** Entries [from, to) of a list. */
export interface EntryRange {
  readonly list: EntryList;
  readonly from: number;
  readonly to: number;
}

export interface EntryList {
  /** Absolute root the paths are relative to. */
  readonly root: string;
  /** JSON array of root-relative folder paths (`''` is the root). */
  readonly dirsJson: string;
  /** JSON array of groups `[folder, name, …]` of files. */
  readonly groupsJson: string;
}

/**
 * Absolute paths of the entries numbered [from, to): the folders first, then
 * each group's files, in order; and how many entries there are in all.
 * @throws SyntaxError when the JSON is not what it should be.
 */
export function expandEntries(list: EntryList, from: number, to: number): { paths: string[]; total: number } {
  const prefix = list.root.endsWith(sep) ? list.root : list.root + sep;
  const absOf = (rel: unknown): string => {
    if (typeof rel !== 'string') throw new SyntaxError('an entry is not a string');
    return rel === '' ? list.root : prefix + rel;
  };
  const dirs = JSON.parse(list.dirsJson) as unknown;
  const groups = JSON.parse(list.groupsJson) as unknown;
  if (!Array.isArray(dirs) || !Array.isArray(groups)) throw new SyntaxError('entries are not arrays');
  const paths: string[] = [];
  let n = 0;
  for (const rel of dirs) {
    if (n >= from && n < to) paths.push(absOf(rel));
    n++;
  }
  for (const group of groups) {
    if (!Array.isArray(group) || group.length < 2) throw new SyntaxError('a group is not [folder, name, …]');
    const names = group.length - 1;
    if (n + names > from && n < to) {
      const dir = absOf(group[0]);
      const inDir = dir.endsWith(sep) ? dir : dir + sep;
      for (let i = 1; i < group.length; i++, n++) {
        if (n < from || n >= to) continue;
        const name = group[i] as unknown;
        if (typeof name !== 'string') throw new SyntaxError('an entry is not a string');
        paths.push(inDir + name);
      }
    } else {
      n += names;
    }
  }
  return { paths, total: n };
}
