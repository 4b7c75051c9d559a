/**
 * Scan snapshots: the whole inventory of a tree, reused when nothing the scan
 * depended on has changed since.
 *
 * The per-file caches (hashes/, sources/) still make a rescan walk the tree,
 * stat every file and redo classification and grouping: about 2.2 s on a
 * 50k-file tree. A snapshot replaces all of that with one stat per entry
 * it recorded, and is all or nothing: one difference and the scan runs as
 * usual (with the per-file caches).
 *
 * What a scan's result depends on, and how a snapshot checks each:
 * - which entries each listed folder holds, and their types: the folder's
 *   stat key (its mtime and ctime move when an entry is added, removed,
 *   renamed or replaced);
 * - the content of every file found and every ignore file read: the file's
 *   stat key (dev, ino, size, mtime ns, ctime ns; `util/cache-file.ts`);
 * - where each symlink leads: its real path and its target's stat key, or
 *   the error resolving it gave;
 * - the options and this build: part of the snapshot's name and content.
 *
 * Keys are taken after the scan, and the snapshot is written only when every
 * ctime is older than the scan's start by more than one timestamp tick: then
 * nothing changed while the scan read it, so the content it read is the
 * content those keys describe (git's "racily clean" rule, as for the other
 * caches). A tree being written to during the scan simply gets no snapshot.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync, unlinkSync, utimesSync, type Stats } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';
import { buildId } from '../build-id.js';
import type { WalkResult } from '../discover/walk.js';
import { sharedPool } from '../hash/pool.js';
import type { Inventory } from '../types.js';
import { changedWithinTick, chunkDigests, entryKey, entryKeyOf, keyDigests, prepareCacheDir, writeFileAtomic } from '../util/cache-file.js';
import { expandEntries, type EntryList } from '../util/entry-list.js';

/** What, besides the tree, decides a scan's result. */
export interface SnapshotScope {
  readonly absRoot: string;
  readonly exclude?: readonly string[] | undefined;
  readonly gitignore?: boolean | undefined;
  readonly name?: string | undefined;
  readonly version?: string | undefined;
}

const FORMAT = 2;
/** Snapshots kept per cache folder (one per root and options); the least recently used go first. */
const KEEP = 16;

/**
 * The file, as JSON lines:
 * 1. this header;
 * 2. the inventory;
 * 3. the folders, root-relative (`''` is the root);
 * 4. the files (found, and ignore files read), in groups `[folder, name, …]`;
 * 5. the symlinks, flat `[path, key, …]`;
 * 6. the digests of the folders' and files' keys, one per CHUNK of them in
 *    the order of lines 3 and 4 (SHA-256 of the keys, each ending in `\n`).
 * Only the symlinks keep their keys: the rest only has to match as a whole,
 * and a 50k-file tree's snapshot is 2.1 MB instead of 7.4. Non-ASCII
 * characters are written as `\u` escapes, so the file is read as Latin-1.
 */
interface SnapshotHeader {
  readonly format: number;
  readonly build: string;
  readonly scope: string;
  /** Files the walk found, for the progress line. */
  readonly files: number;
  /** Folders and files recorded (lines 3 and 4). */
  readonly entries: number;
}

/** Keys per digest. */
const CHUNK = 4096;
/**
 * From this many folders and files the check is spread over the hash
 * worker threads (the CLI starts them first thing): a stat costs 6-9 µs
 * here, and a 50k-file tree has 69k entries to check.
 */
const SPREAD_MIN = 4 * CHUNK;
/**
 * This thread's part, relative to an even split: it also parses the file,
 * checks the symlinks and, in the CLI, loads the output stages meanwhile.
 * On the 50k tree, 3 runs each: 0.7 gave 1.01 s, an even split 1.09-1.14 s,
 * 0.5 1.04-1.06 s.
 */
const MAIN_SHARE = 0.7;

export interface Snapshot {
  readonly inventory: Inventory;
  readonly filesDiscovered: number;
}

/** The snapshot's file for this scope. */
function snapshotFile(cacheDir: string, scope: SnapshotScope): { file: string; scope: string } {
  const described = JSON.stringify([scope.absRoot, scope.exclude ?? [], scope.gitignore ?? true, scope.name ?? null, scope.version ?? null]);
  const id = createHash('sha256').update(described).digest('hex').slice(0, 32);
  return { file: join(cacheDir, 'scans', `${id}.json`), scope: described };
}

/**
 * The inventory a snapshot recorded for this scope, if every entry it
 * recorded is as it was. Never throws: a missing, corrupt or stale snapshot
 * is undefined.
 */
export async function loadSnapshot(cacheDir: string, scope: SnapshotScope): Promise<Snapshot | undefined> {
  const where = snapshotFile(cacheDir, scope);
  const prefix = scope.absRoot.endsWith(sep) ? scope.absRoot : scope.absRoot + sep;
  let head: SnapshotHeader;
  let inventory: Inventory;
  let list: EntryList;
  let links: unknown[];
  let digests: unknown[];
  try {
    const lines = readFileSync(where.file, 'latin1').split('\n');
    if (lines.length < 6) return undefined;
    head = JSON.parse(lines[0] as string) as SnapshotHeader;
    // The build id (about 12 ms of stats in a fresh process) only once there is a snapshot: a cold scan's walk starts sooner.
    // None when run from the sources: then no snapshot is ours.
    const build = buildId();
    if (build === undefined || head?.format !== FORMAT || head.scope !== where.scope || head.build !== build || !Number.isSafeInteger(head.entries) || !Number.isSafeInteger(head.files)) return undefined;
    inventory = JSON.parse(lines[1] as string) as Inventory;
    list = { root: scope.absRoot, dirsJson: lines[2] as string, groupsJson: lines[3] as string };
    links = JSON.parse(lines[4] as string) as unknown[];
    digests = JSON.parse(lines[5] as string) as unknown[];
  } catch {
    return undefined;
  }
  const total = head.entries;
  const chunks = Math.ceil(total / CHUNK);
  if (typeof inventory !== 'object' || inventory === null || !Array.isArray(inventory.issues) || !Array.isArray(links) || !Array.isArray(digests) || digests.length !== chunks) return undefined;
  /** The digests of entries [from, to) on this thread; undefined for a malformed list. */
  const digestsHere = (from: number, to: number): string[] | undefined => {
    try {
      const { paths, total: n } = expandEntries(list, from, to);
      return n === total ? keyDigests(paths, CHUNK) : undefined;
    } catch {
      return undefined;
    }
  };
  const matches = (got: readonly string[] | undefined, firstChunk: number): boolean => got !== undefined && got.every((d, i) => d === digests[firstChunk + i]);

  // Worker threads take the later chunks, as two strings of JSON each, not a list of paths to copy;
  // this thread takes the first ones, then the symlinks, then the CLI loads its output stages.
  const threads = total >= SPREAD_MIN ? Math.min(availableParallelism(), sharedPool().size + 1, 4) : 1;
  const here = threads === 1 ? chunks : Math.max(1, Math.round((chunks / threads) * MAIN_SHARE));
  const per = threads === 1 ? 0 : Math.ceil((chunks - here) / (threads - 1));
  const elsewhere: Array<Promise<boolean>> = [];
  for (let c = here; c < chunks; c += per) {
    const range = { list, from: c * CHUNK, to: Math.min(total, (c + per) * CHUNK) };
    elsewhere.push(
      sharedPool()
        .digests(range, CHUNK)
        .then((got) => matches(got ?? digestsHere(range.from, range.to), c)),
    );
  }
  if (!matches(digestsHere(0, Math.min(total, here * CHUNK)), 0)) return undefined;
  const absOf = (rel: string): string => (rel === '' ? scope.absRoot : prefix + rel);
  for (let i = 0; i + 1 < links.length; i += 2) if (typeof links[i] !== 'string' || linkKey(absOf(links[i] as string)) !== links[i + 1]) return undefined;
  if (!(await Promise.all(elsewhere)).every(Boolean)) return undefined;
  // Mark it used, for the eviction order.
  try {
    const now = new Date();
    utimesSync(where.file, now, now);
  } catch {
    // A read-only cache still answers.
  }
  return { inventory, filesDiscovered: head.files };
}

/**
 * Record `inventoryJson` (the inventory as JSON) as the scan of `walked` that
 * started at `startedAtMs`. Writes nothing when some entry changed during
 * the scan or is gone.
 * @returns true when written, false when not (nothing to key it by, or
 *   something changed), or a warning when it could not be written.
 */
export async function saveSnapshot(cacheDir: string, scope: SnapshotScope, walked: WalkResult, inventoryJson: string, startedAtMs: number): Promise<boolean | string> {
  const where = snapshotFile(cacheDir, scope);
  // Nothing to key it by when this build has no id (run from the sources).
  const build = buildId();
  if (build === undefined) return false;
  const { dirs, ignoreFiles, links } = walked.seen;
  const files = [...ignoreFiles, ...walked.files.filter((f) => f.linkTarget === undefined).map((f) => f.path)];
  const head: SnapshotHeader = { format: FORMAT, build, scope: where.scope, files: walked.files.length, entries: dirs.length + files.length };
  const prefix = scope.absRoot.endsWith(sep) ? scope.absRoot : scope.absRoot + sep;
  const absOf = (rel: string): string => (rel === '' ? scope.absRoot : prefix + rel);
  const changed = new Error('changed during the scan');
  function* lines(): Generator<string> {
    yield `${ascii(JSON.stringify(head))}\n${ascii(inventoryJson)}\n${ascii(JSON.stringify(dirs))}\n`;
    // Files in groups by folder: runs of one folder's files, in the order given (a folder may recur).
    let groups: string[] = [];
    let group: string[] = [];
    let at: string | undefined;
    let first = true;
    const flush = (): string => {
      const text = (first ? '' : ',') + groups.join(',');
      first = false;
      groups = [];
      return ascii(text);
    };
    yield '[';
    for (const rel of files) {
      const slash = rel.lastIndexOf('/');
      const dir = slash < 0 ? '' : rel.slice(0, slash);
      if (dir !== at) {
        if (group.length > 0) groups.push(JSON.stringify(group));
        if (groups.length >= 1000) yield flush();
        group = [dir];
        at = dir;
      }
      group.push(rel.slice(slash + 1));
    }
    if (group.length > 0) groups.push(JSON.stringify(group));
    if (groups.length > 0) yield flush();
    yield ']\n';
    const linkKeys: string[] = [];
    for (const rel of links) {
      const abs = prefix + rel;
      // The link's target changed during the scan: the link itself is covered by its folder's key.
      const st = statOrUndefined(abs);
      if (st !== undefined && changedWithinTick(st, startedAtMs)) throw changed;
      linkKeys.push(rel, linkKey(abs));
    }
    yield `${ascii(JSON.stringify(linkKeys))}\n`;
    // The keys, after the scan: gone, or changed while the scan read it, and there is no snapshot.
    const all = [...dirs, ...files];
    const digests = chunkDigests(all.length, CHUNK, (i) => {
      const st = statOrUndefined(absOf(all[i] as string));
      if (st === undefined || changedWithinTick(st, startedAtMs)) throw changed;
      return entryKeyOf(st);
    });
    yield `${JSON.stringify(digests)}\n`;
  }
  const dir = join(cacheDir, 'scans');
  const failed = await prepareCacheDir(dir);
  if (failed !== undefined) return `cannot write the scan snapshot: ${failed}`;
  try {
    await writeFileAtomic(where.file, lines());
  } catch (err) {
    if (err === changed) return false;
    return `cannot write the scan snapshot: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  evict(dir, where.file);
  return true;
}

/** JSON text with every non-ASCII character escaped, so Latin-1 reads it back exactly. */
function ascii(json: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(json) ? json.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

function statOrUndefined(abs: string): Stats | undefined {
  try {
    return statSync(abs, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Where a symlink leads: its real path and the target's key, or the error. */
function linkKey(abs: string): string {
  try {
    return `${realpathSync.native(abs)}\0${entryKey(abs)}`;
  } catch (err) {
    return `E:${(err as NodeJS.ErrnoException).code ?? 'ERROR'}`;
  }
}

/** Keep the KEEP most recently used snapshots. Never throws. */
function evict(dir: string, keep: string): void {
  try {
    const files = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => join(dir, n))
      .filter((f) => f !== keep)
      .map((f) => ({ f, t: statOrUndefined(f)?.mtimeMs ?? 0 }))
      .sort((a, b) => (a.t < b.t ? 1 : a.t > b.t ? -1 : 0));
    for (const { f } of files.slice(KEEP - 1)) unlinkSync(f);
  } catch {
    // Eviction is housekeeping: a failure only leaves an extra file.
  }
}
