/**
 * Walk the tree once with fast-glob, honouring ignore files and never
 * following a symlink out of the root.
 *
 * fast-glob takes an `fs` adapter; we wrap its `readdir` so that:
 * - a directory that cannot be read (EACCES, vanished) becomes an Issue and
 *   an empty listing instead of aborting the whole walk;
 * - `.gitignore` and `.mlbomignore` files are read as their directory is
 *   listed, and ignored entries are dropped right there, so an ignored
 *   folder is never descended into.
 */
import * as fs from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import fg from 'fast-glob';
import type { Issue } from '../types.js';
import { compareCodePoints } from '../util/sort.js';
import { IgnoreRules } from './ignore-rules.js';

/** Folders never worth scanning: VCS data, installed dependencies, caches. */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/.git/**',
  '**/node_modules/**',
  '**/.venv/**',
  '**/venv/**',
  '**/site-packages/**',
  '**/__pycache__/**',
  '**/.tox/**',
];

export interface WalkOptions {
  /** Extra fast-glob patterns to exclude, relative to the root. */
  readonly exclude?: readonly string[];
  /** Honour .gitignore files (default true). `.mlbomignore` always applies. */
  readonly gitignore?: boolean;
}

export interface WalkedFile {
  /** Root-relative POSIX path. */
  readonly path: string;
  /** Absolute path to read (for a symlink inside the root: the link itself). */
  readonly absPath: string;
  /** Root-relative POSIX path of the link target, when the entry is a symlink. */
  readonly linkTarget?: string;
}

export interface WalkResult {
  /** Regular files, sorted by path in code-point order. */
  readonly files: WalkedFile[];
  readonly issues: Issue[];
}

const WALK = 'discover';

export async function walk(absRoot: string, options: WalkOptions = {}): Promise<WalkResult> {
  const issues: Issue[] = [];
  const rootReal = await realpath(absRoot);
  const rules = new IgnoreRules(options.gitignore ?? true);
  const toRel = (abs: string): string => relative(absRoot, abs).split(sep).join('/');

  type Callback = (err: NodeJS.ErrnoException | null, entries?: fs.Dirent[]) => void;
  const readdir = (dir: string, optsOrCb: unknown, maybeCb?: Callback): void => {
    const cb = (typeof optsOrCb === 'function' ? optsOrCb : maybeCb) as Callback;
    fs.readdir(dir, { withFileTypes: true }, (err, dirents) => {
      const relDir = toRel(dir);
      if (err !== null) {
        issues.push({ path: relDir === '' ? '.' : relDir, scanner: WALK, message: `cannot list directory: ${err.code ?? err.message}` });
        cb(null, []);
        return;
      }
      rules.load(dir, relDir, dirents).then(
        () => cb(null, dirents.filter((d) => !rules.ignores(relDir === '' ? d.name : `${relDir}/${d.name}`, d.isDirectory()))),
        () => cb(null, dirents),
      );
    });
  };

  const entries = await fg.glob('**', {
    cwd: absRoot,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    objectMode: true,
    absolute: true,
    suppressErrors: false,
    ignore: [...DEFAULT_EXCLUDES, ...(options.exclude ?? [])],
    fs: { readdir: readdir as unknown as typeof fs.readdir },
  });

  const files: WalkedFile[] = [];
  for (const entry of entries) {
    const path = toRel(entry.path);
    if (entry.dirent.isFile()) {
      files.push({ path, absPath: entry.path });
    } else if (entry.dirent.isSymbolicLink()) {
      const linked = await followLink(entry.path, path, rootReal, issues);
      if (linked !== undefined) files.push(linked);
    } else if (!entry.dirent.isDirectory()) {
      issues.push({ path, scanner: WALK, message: 'not a regular file (fifo, socket or device); skipped' });
    }
  }
  files.sort((a, b) => compareCodePoints(a.path, b.path));
  return { files, issues };
}

/**
 * A symlink to a file inside the root is read through the link (the Hub
 * cache keeps every snapshot file as one). A link to a directory is not
 * followed: its target, when inside the root, is walked on its own, and
 * following would let a loop (`a -> ..`) run forever.
 */
async function followLink(
  absPath: string,
  path: string,
  rootReal: string,
  issues: Issue[],
): Promise<WalkedFile | undefined> {
  let target: string;
  try {
    target = await realpath(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ELOOP' ? 'symlink loop' : code === 'ENOENT' ? 'broken symlink' : `unreadable symlink (${code ?? 'error'})`;
    issues.push({ path, scanner: WALK, message: `${why}; skipped` });
    return undefined;
  }
  if (target !== rootReal && !target.startsWith(rootReal + sep)) {
    issues.push({ path, scanner: WALK, message: 'symlink points outside the scan root; not followed' });
    return undefined;
  }
  try {
    const st = await stat(target);
    if (!st.isFile()) return undefined;
  } catch {
    return undefined;
  }
  return { path, absPath, linkTarget: relative(rootReal, target).split(sep).join('/') };
}
