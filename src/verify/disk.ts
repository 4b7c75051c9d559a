/**
 * The disk side of verify: find each recorded file without leaving DIR,
 * and list the model-format files DIR holds that the BOM does not.
 */
import type { Stats } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { classify } from '../discover/classify.js';
import { walk } from '../discover/walk.js';
import { FILE_SCANNERS } from '../scanners/registry.js';
import type { Issue } from '../types.js';
import { mapLimit } from '../util/pool.js';

export type Located =
  | { readonly kind: 'file'; readonly absPath: string }
  | { readonly kind: 'missing'; readonly reason?: string }
  | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * Where the recorded `path` is on disk, under the same symlink policy as the
 * scan's walker: a link is followed only when it resolves to a file inside
 * DIR. A link out of DIR is not followed and counts as unreadable, so
 * replacing a weight file with a link elsewhere fails the check without
 * mlbom reading anything outside DIR.
 *
 * Each folder is resolved once (many recorded files share one), then each
 * file costs one lstat; only a file that is itself a link is resolved.
 *
 * NOTE: the path is resolved, then opened; a tree that changes between the
 * two (a folder swapped for a link in that window) is out of scope, as it
 * is for the scan.
 */
export async function locateAll(absRoot: string, rootReal: string, paths: readonly string[]): Promise<Map<string, Located>> {
  const dirs = new Map<string, Promise<Located>>();
  const realDir = (rel: string): Promise<Located> => {
    let p = dirs.get(rel);
    if (p === undefined) {
      p = resolveInside(rel === '' ? absRoot : join(absRoot, ...rel.split('/')), rootReal);
      dirs.set(rel, p);
    }
    return p;
  };
  const results = await mapLimit(paths, 32, async (path): Promise<Located> => {
    const slash = path.lastIndexOf('/');
    const dir = await realDir(slash === -1 ? '' : path.slice(0, slash));
    if (dir.kind !== 'file') return dir;
    const abs = join(dir.absPath, path.slice(slash + 1));
    let st: Stats;
    try {
      st = await lstat(abs);
    } catch (err) {
      return fromError(err);
    }
    if (st.isSymbolicLink()) return resolveInside(abs, rootReal);
    if (st.isDirectory()) return { kind: 'unreadable', reason: 'is a directory' };
    // A fifo or device would block or never end; it is not the file the BOM recorded either way.
    if (!st.isFile()) return { kind: 'unreadable', reason: 'not a regular file' };
    return { kind: 'file', absPath: abs };
  });
  return new Map(paths.map((p, i) => [p, results[i] as Located]));
}

/** The real path of `abs` when it stays inside DIR (`kind: 'file'` here means "found", for a folder too). */
async function resolveInside(abs: string, rootReal: string): Promise<Located> {
  let real: string;
  try {
    real = await realpath(abs);
  } catch (err) {
    const located = fromError(err);
    return located.kind === 'missing' && (await isSymlink(abs)) ? { kind: 'missing', reason: 'broken symlink' } : located;
  }
  if (real !== rootReal && !real.startsWith(rootReal + sep)) return { kind: 'unreadable', reason: 'symlink points outside DIR; not followed' };
  return { kind: 'file', absPath: real };
}

function fromError(err: unknown): Located {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  if (code === 'ELOOP') return { kind: 'unreadable', reason: 'symlink loop' };
  return { kind: 'unreadable', reason: errnoReason(code, (err as Error).message) };
}

async function isSymlink(abs: string): Promise<boolean> {
  try {
    return (await lstat(abs)).isSymbolicLink();
  } catch {
    return false;
  }
}

export function errnoReason(code: string | undefined, message: string): string {
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  // The hash engine's own codes for what it refuses to open.
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EINVAL') return 'not a regular file';
  return code !== undefined && code !== 'ERROR' ? `cannot read (${code})` : `cannot read (${message})`;
}

export interface UnexpectedFile {
  readonly path: string;
  /** The format classify() sees in it (a file scanner's name). */
  readonly format: string;
  readonly size: number;
}

export interface UnexpectedOptions {
  readonly exclude?: readonly string[];
  readonly gitignore?: boolean;
}

/**
 * Model-format files under DIR that are not in `listed`: what the scan
 * would have inventoried as weights (classify() by name and content),
 * walked with the scan's ignore rules.
 */
export async function findUnexpected(absRoot: string, listed: ReadonlySet<string>, options: UnexpectedOptions, issues: Issue[]): Promise<UnexpectedFile[]> {
  const walked = await walk(absRoot, { exclude: options.exclude, gitignore: options.gitignore });
  // A recorded path gets its own status below; the walker's warning about it would say the same twice.
  issues.push(...walked.issues.filter((i) => !listed.has(i.path)));
  const candidates = await classify(walked.files.filter((f) => !listed.has(f.path)), FILE_SCANNERS, issues);
  return candidates.map((c) => ({ path: c.file.path, format: c.scanner.name, size: c.size }));
}
