/**
 * The persistent cache of source-scanner results: a warm rescan of an
 * unchanged tree stats each source file and reads none.
 *
 * Layout: one file per scan root and mlbom build,
 * `<dir>/v1-<first 32 hex of SHA-256(root real path NUL fingerprint)>.mlsc`,
 * read whole when the cache is opened and written whole (temp file +
 * rename) by `save`, only when something changed. One file, not shards: a
 * rescan looks up every file of the root, so one read beats thousands.
 *
 * Lines, not one JSON document: opening a 50k-file cache then makes one
 * string per entry (its path, the key of an index into the text) and parses
 * no JSON per file; the other fields are read in place on lookup. Almost
 * every entry found nothing; the few that did keep their result as a JSON
 * payload parsed only on a hit. The file is ASCII (other characters are
 * JSON-escaped), so it decodes as latin1, several times faster than UTF-8:
 *
 *     {"mlbom":"source-cache","layout":1,"root":…,"fingerprint":…,"scanners":…,"sets":[…]}
 *     <dev:ino:size:mtimeNs:ctimeNs> TAB <set> TAB <last-used day> TAB <payload> TAB <path>
 *     …
 *     end TAB <entry count>
 *
 * `scanners` names the scanner list of the run that wrote it; `set` indexes
 * `sets`, the claimed scanner names of the file joined by commas; `payload`
 * is empty when the scan found nothing and asked nothing, else JSON
 * `[existsQueries, result]` (JSON never holds a raw tab or newline); `path`
 * is root-relative, raw when it is printable ASCII not starting with `"`,
 * else a JSON string. The `end` line tells a whole file from a truncated one.
 * Nothing secret: results hold only what goes into the BOM.
 *
 * Trust rule: an entry answers only for the same root real path and build
 * fingerprint (file name and header), the same root-relative path, the same
 * (device, inode, size, mtime ns, ctime ns) (see util/cache-file.ts), the
 * same claimed scanners, and the same answer to every `ctx.exists` query the
 * scanners made (a code file naming `models/x` links to it only while it
 * exists). Files changed within a timestamp tick of the scan are not stored,
 * and neither is a result that JSON would not give back exactly (undefined
 * members, NaN, -0, class instances): a hit is always what a fresh scan
 * gives. Which scanners claim a path is reused too (`claimed`): `claims()`
 * is a pure function of the path (types.ts), its code is covered by the
 * fingerprint, and a cache written for another scanner list is dropped.
 *
 * Robustness: a damaged, truncated or foreign file is one warning and an
 * empty cache, rewritten at save. Any I/O failure is a miss or one warning,
 * never an error. Concurrent runs on one root each write a whole file; the
 * last rename wins and the other run's new entries are scanned again next
 * time. Entries not used for `maxAgeDays` (deleted files, paths left out by
 * --exclude) are dropped when the file is next written; at most `maxRoots`
 * files stay in `dir`, least recently used removed first.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { readdir, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceScan } from '../types.js';
import { changedWithinTick, errCode, prepareCacheDir, statKey, writeFileAtomic } from '../util/cache-file.js';

const MAGIC = 'source-cache';
const LAYOUT = 1;
const FILE_RE = /^v1-[0-9a-f]{32}\.mlsc$/;
/** A cache file larger than this is not ours (a 50k-file tree writes about 7 MB). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;
const MAX_ENTRIES = 1_000_000;
/** Results are a few levels deep; deeper data is not a scanner's and is not stored. */
const MAX_DEPTH = 32;
const DAY_MS = 24 * 3600 * 1000;
/** Refresh an entry's last-used day at most this often, so warm runs of an unchanged tree write nothing. */
const TOUCH_AFTER_DAYS = 7;
/** Mark the file used (for LRU) on a run that writes nothing, at most this often. */
const LRU_TOUCH_MS = 3600 * 1000;
const DIGITS_RE = /^\d{1,9}$/;
/** Paths written raw: printable ASCII (so no tab or newline), not starting with a quote. */
const RAW_PATH_RE = /^[\x20\x21\x23-\x7e][\x20-\x7e]*$/;

export interface SourceResultCacheOptions {
  /** Folder of the cache files, e.g. `<cacheDir>/sources`. */
  readonly dir: string;
  /** Real path of the scan root: entries are keyed by root-relative paths. */
  readonly rootRealPath: string;
  /** Changes whenever scanner code or the mlbom version does: results of another build are never used. */
  readonly fingerprint: string;
  readonly onWarning?: (message: string) => void;
  /** Cache files (roots × builds) kept in `dir`; default 8. */
  readonly maxRoots?: number;
  /** Drop entries not used for this long; default 30. */
  readonly maxAgeDays?: number;
  /** Milliseconds since the epoch; injectable for age tests. */
  readonly now?: () => number;
}

export interface SourceResultCacheStats {
  /** Entries read from disk. */
  loaded: number;
  hits: number;
  /** No entry, another stat key or scanner set, a changed exists() answer, or a damaged payload. */
  misses: number;
  /** Misses whose only change was an exists() answer (a linked file or folder came or went). */
  existsChanged: number;
  stored: number;
  /** Scanned but not stored: changed within a timestamp tick, not a regular file, or a result JSON would not round-trip. */
  notStored: number;
  /** Damaged entries ignored (1 for a whole damaged file). */
  corrupt: number;
  /** Whether `save` wrote the file. */
  written: boolean;
}

/** One `ctx.exists(path)` a scanner asked, with the answer it got. */
export type ExistsQuery = readonly [path: string, answer: boolean];

export class SourceResultCache {
  readonly file: string;
  readonly stats: SourceResultCacheStats = { loaded: 0, hits: 0, misses: 0, existsChanged: 0, stored: 0, notStored: 0, corrupt: 0, written: false };
  private readonly dir: string;
  private readonly root: string;
  private readonly fingerprint: string;
  private readonly maxRoots: number;
  private readonly maxAgeDays: number;
  private readonly now: () => number;
  private readonly onWarning: (message: string) => void;
  private readonly warned = new Set<string>();
  private readonly today: number;
  /**
   * The file as read, and where each path's line starts in it. Opening a
   * 50k-file cache makes one string per entry (its path) and nothing else:
   * the other fields are read in place when the path is looked up.
   */
  private text = '';
  private readonly index = new Map<string, number>();
  /** Lines stored or refreshed by this run, by path; they replace `index` entries. */
  private readonly fresh = new Map<string, string>();
  /** Claimed-scanner sets, by the number lines give them. */
  private readonly sets: string[] = [];
  private readonly setIds = new Map<string, number>();
  /** Scanner list the entries' claimed sets were computed with. */
  private scannerList: string | undefined;
  private dirty = false;
  private last: Found | undefined;
  /** mtime of the file as loaded; undefined when there was none. */
  private loadedMtimeMs: number | undefined;

  private constructor(options: SourceResultCacheOptions) {
    this.dir = options.dir;
    this.root = options.rootRealPath;
    this.fingerprint = options.fingerprint;
    this.maxRoots = Math.max(1, Math.floor(options.maxRoots ?? 8));
    this.maxAgeDays = options.maxAgeDays ?? 30;
    this.now = options.now ?? Date.now;
    this.onWarning = options.onWarning ?? (() => undefined);
    this.today = Math.floor(this.now() / DAY_MS);
    const name = createHash('sha256').update(`${this.root}\u0000${this.fingerprint}`).digest('hex').slice(0, 32);
    this.file = join(this.dir, `v1-${name}.mlsc`);
  }

  /** Open the cache of this root and build, reading its file. Never throws. */
  static async open(options: SourceResultCacheOptions): Promise<SourceResultCache> {
    const cache = new SourceResultCache(options);
    await cache.load();
    return cache;
  }

  /**
   * For runSourceScanners: the names of this run's scanners, in order.
   * Entries whose claimed sets came from another list cannot vouch for
   * `claimed`, so they are dropped.
   */
  useScanners(list: string): void {
    if (this.scannerList === list) return;
    if (this.index.size + this.fresh.size > 0) {
      this.index.clear();
      this.fresh.clear();
      this.last = undefined;
      this.dirty = true;
    }
    this.scannerList = list;
  }

  /** For runSourceScanners: which scanners claimed this path last time (comma-joined), if known. Call `useScanners` first. */
  claimed(path: string): string | undefined {
    return this.find(path)?.set;
  }

  /**
   * The cached scan of this file in exactly this state, as fresh objects the
   * caller may change; undefined on a miss. Every question the scanners
   * asked `exists` when the entry was stored is asked again.
   */
  lookup(path: string, st: BigIntStats, scanners: string, exists: (path: string) => boolean): SourceScan | undefined {
    const at = this.find(path);
    const key = statKey(st);
    if (at === undefined || at.f.t1 - at.at !== key.length || !at.src.startsWith(key, at.at) || at.set !== scanners) {
      this.stats.misses++;
      return undefined;
    }
    let scan: SourceScan;
    if (at.f.t3 + 1 === at.f.t4) {
      scan = { assets: [], relationships: [], issues: [] };
    } else {
      const payload = parsePayload(at.src.slice(at.f.t3 + 1, at.f.t4));
      if (payload === undefined) {
        this.damagedEntries(1);
        this.stats.misses++;
        return undefined;
      }
      for (const [p, answer] of payload[0]) {
        if (safeExists(exists, p) !== answer) {
          this.stats.misses++;
          this.stats.existsChanged++;
          return undefined;
        }
      }
      scan = payload[1] ?? { assets: [], relationships: [], issues: [] };
    }
    const day = Number(at.src.slice(at.f.t2 + 1, at.f.t3));
    if (this.today - day >= TOUCH_AFTER_DAYS) {
      const rest = at.src.slice(at.f.t3, at.f.end);
      this.fresh.set(path, [at.src.slice(at.at, at.f.t2), '\t', this.today, rest].join(''));
      this.index.delete(path);
      this.last = undefined;
      this.dirty = true;
    }
    this.stats.hits++;
    return scan;
  }

  /**
   * The key to `store` this file's result under, or undefined when it must
   * not be stored: not a regular file, or changed within a timestamp tick of
   * `statAtMs`, a time taken before `st` was.
   */
  stamp(st: BigIntStats, statAtMs: number): string | undefined {
    return st.isFile() && !changedWithinTick(st, statAtMs) ? statKey(st) : undefined;
  }

  /** Remember what scanning this file gave; `stamp` comes from `stamp()` before the file was read. */
  store(path: string, stamp: string | undefined, scanners: string, queries: readonly ExistsQuery[], scan: SourceScan): void {
    if (stamp === undefined || path === '' || scanners === '') {
      this.stats.notStored++;
      return;
    }
    const found = scan.assets.length > 0 || scan.relationships.length > 0 || scan.issues.length > 0;
    let payload = '';
    if (found || queries.length > 0) {
      const value = [queries, found ? scan : null];
      if (!isExactJson(value, 0)) {
        this.stats.notStored++;
        return;
      }
      // Serialized now: the caller goes on to merge and hash these assets in place.
      payload = asciiJson(value);
    }
    let set = this.setIds.get(scanners);
    if (set === undefined) {
      set = this.sets.push(scanners) - 1;
      this.setIds.set(scanners, set);
    }
    const pathField = RAW_PATH_RE.test(path) ? path : asciiJson(path);
    // join, not a template: it makes one flat string, where a template leaves a tree of ~16 string pieces per line (25 MB held at 50k files).
    this.fresh.set(path, [stamp, set, this.today, payload, pathField].join('\t'));
    this.index.delete(path);
    this.last = undefined;
    this.dirty = true;
    this.stats.stored++;
  }

  /** Write the file if anything changed, and keep `dir` to `maxRoots` files. Never throws. */
  async save(): Promise<void> {
    if (!this.dirty) {
      await this.touch();
      return;
    }
    const failed = await prepareCacheDir(this.dir);
    if (failed !== undefined) {
      this.warnOnce('io', `source cache: cannot create ${this.dir} (${failed}); results will not be reused`);
      return;
    }
    try {
      await writeFileAtomic(this.file, this.serialize());
      this.dirty = false;
      this.stats.written = true;
      this.loadedMtimeMs = this.now();
    } catch (err) {
      this.warnOnce('io', `source cache: cannot write ${this.file} (${errCode(err)}); results will not be reused`);
      return;
    }
    await this.evict();
  }

  /** The file's text in chunks of about 64 KiB (see writeFileAtomic). */
  private *serialize(): Generator<string> {
    const cutoff = this.today - this.maxAgeDays;
    // Lines used by this run carry a day within TOUCH_AFTER_DAYS, so only unused ones age out.
    const kept: number[] = [];
    for (const at of this.index.values()) {
      const f = fields(this.text, at);
      if (f !== undefined && Number(this.text.slice(f.t2 + 1, f.t3)) >= cutoff) kept.push(at);
    }
    // Over the cap, the fresh lines (used today) win, then the most recently used old ones.
    const room = Math.max(0, MAX_ENTRIES - this.fresh.size);
    const old = kept.length <= room ? kept : kept.sort((a, b) => this.dayAt(b) - this.dayAt(a)).slice(0, room);
    const fresh = this.fresh.size <= MAX_ENTRIES ? [...this.fresh.values()] : [...this.fresh.values()].slice(0, MAX_ENTRIES);
    const header = JSON.stringify({ mlbom: MAGIC, layout: LAYOUT, root: this.root, fingerprint: this.fingerprint, scanners: this.scannerList ?? '', sets: this.sets });
    let chunk = `${asciiOnly(header)}\n`;
    const lines = function* (this: SourceResultCache): Generator<string> {
      for (const at of old) yield this.text.slice(at, (fields(this.text, at) as Fields).end);
      yield* fresh;
    }.call(this);
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length >= 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    yield `${chunk}end\t${old.length + fresh.length}\n`;
  }

  private dayAt(at: number): number {
    const f = fields(this.text, at);
    return f === undefined ? 0 : Number(this.text.slice(f.t2 + 1, f.t3));
  }

  private async load(): Promise<void> {
    let buf: Buffer;
    try {
      const s = await stat(this.file);
      if (s.size > MAX_FILE_BYTES) {
        this.damaged(`larger than ${MAX_FILE_BYTES} bytes`);
        return;
      }
      this.loadedMtimeMs = s.mtimeMs;
      buf = await readFile(this.file);
    } catch (err) {
      if (errCode(err) !== 'ENOENT') {
        this.warnOnce('io', `source cache: cannot read ${this.file} (${errCode(err)}); scanning every file`);
        this.dirty = true;
      }
      return;
    }
    // Written ASCII only (asciiJson escapes the rest), so latin1 decodes it exactly, and several times faster than UTF-8.
    if (!isAscii(buf)) {
      this.damaged('not an mlbom source cache (non-ASCII bytes)');
      return;
    }
    const text = buf.toString('latin1');
    const nl = text.indexOf('\n');
    const header = parseHeader(nl < 0 ? text : text.slice(0, nl));
    if (header === undefined) {
      this.damaged('not an mlbom source cache of this layout');
      return;
    }
    // The name is a hash: a file for another root or build here is a collision or a copy, never to be trusted.
    if (header.root !== this.root || header.fingerprint !== this.fingerprint) {
      this.damaged('written for another root or mlbom build');
      return;
    }
    const last = text.lastIndexOf('\n', text.length - 2);
    const trailer = /^end\t(\d{1,9})$/.exec(text.slice(last + 1, text.length - 1));
    if (!text.endsWith('\n') || last < nl || trailer === null) {
      this.damaged('truncated');
      return;
    }
    let lines = 0;
    let bad = 0;
    for (let at = nl + 1; at <= last; lines++) {
      const end = text.indexOf('\n', at);
      const tab = text.lastIndexOf('\t', end - 1);
      const path = tab < at ? undefined : decodePath(text.slice(tab + 1, end));
      if (path === undefined) bad++;
      else this.index.set(path, at);
      at = end + 1;
    }
    if (lines !== Number(trailer[1])) {
      this.index.clear();
      this.damaged('truncated');
      return;
    }
    this.text = text;
    header.sets.forEach((s, i) => {
      this.sets.push(s);
      this.setIds.set(s, i);
    });
    this.scannerList = header.scanners;
    this.stats.loaded = this.index.size;
    if (bad > 0) this.damagedEntries(bad);
  }

  private find(path: string): Found | undefined {
    // runSourceScanners asks `claimed` then `lookup` for each path in turn: look it up once.
    if (this.last?.path === path) return this.last;
    const line = this.fresh.get(path);
    const src = line ?? this.text;
    const at = line === undefined ? this.index.get(path) : 0;
    const f = at === undefined ? undefined : fields(src, at);
    const set = f === undefined ? undefined : this.setOf(src, f);
    // A damaged line is a miss; the scan's result then replaces it.
    this.last = at === undefined || f === undefined || set === undefined ? undefined : { path, src, at, f, set };
    return this.last;
  }

  private setOf(src: string, f: Fields): string | undefined {
    const id = src.slice(f.t1 + 1, f.t2);
    return DIGITS_RE.test(id) ? this.sets[Number(id)] : undefined;
  }

  private damaged(why: string): void {
    this.stats.corrupt++;
    this.dirty = true;
    this.warnOnce('corrupt', `source cache: ignored ${this.file}: ${why}; it will be rewritten`);
  }

  private damagedEntries(n: number): void {
    this.stats.corrupt += n;
    this.dirty = true;
    this.warnOnce('corrupt', `source cache: ignored damaged entries in ${this.file}; it will be rewritten`);
  }

  /** A run that writes nothing still counts as a use for LRU eviction. */
  private async touch(): Promise<void> {
    if (this.loadedMtimeMs === undefined || this.now() - this.loadedMtimeMs < LRU_TOUCH_MS) return;
    const t = new Date(this.now());
    await utimes(this.file, t, t).catch(() => undefined);
  }

  private async evict(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => FILE_RE.test(n) && join(this.dir, n) !== this.file);
    } catch {
      return;
    }
    if (names.length < this.maxRoots) return;
    const aged = await Promise.all(
      names.map(async (n) => {
        const f = join(this.dir, n);
        return { f, mtimeMs: await stat(f).then((s) => s.mtimeMs, () => -1) };
      }),
    );
    aged.sort((x, y) => y.mtimeMs - x.mtimeMs || (x.f < y.f ? -1 : 1));
    // Ours was just written, so it is the most recent: the other maxRoots - 1 stay.
    await Promise.all(aged.slice(this.maxRoots - 1).map(({ f }) => unlink(f).catch(() => undefined)));
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.onWarning(message);
  }
}

/** Where a path's line is: in a line of its own (`at` 0) or in the file's text. */
interface Found {
  readonly path: string;
  readonly src: string;
  readonly at: number;
  readonly f: Fields;
  /** Claimed scanner names, comma-joined. */
  readonly set: string;
}

/** Tab offsets of an entry line `key TAB set TAB day TAB payload TAB path`, and where it ends. */
interface Fields {
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
  readonly t4: number;
  readonly end: number;
}

function fields(src: string, at: number): Fields | undefined {
  const t1 = src.indexOf('\t', at);
  const t2 = src.indexOf('\t', t1 + 1);
  const t3 = src.indexOf('\t', t2 + 1);
  const t4 = src.indexOf('\t', t3 + 1);
  let end = src.indexOf('\n', at);
  if (end < 0) end = src.length;
  if (t1 < 0 || t2 < 0 || t3 < 0 || t4 < 0 || t4 >= end || !DIGITS_RE.test(src.slice(t2 + 1, t3))) return undefined;
  return { t1, t2, t3, t4, end };
}

function decodePath(field: string): string | undefined {
  if (!field.startsWith('"')) return field === '' ? undefined : field;
  try {
    const p = JSON.parse(field) as unknown;
    return typeof p === 'string' && p !== '' ? p : undefined;
  } catch {
    return undefined;
  }
}

/** JSON with every non-ASCII character escaped, so the file stays ASCII. */
function asciiJson(v: unknown): string {
  return asciiOnly(JSON.stringify(v));
}

function asciiOnly(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Header {
  readonly root: string;
  readonly fingerprint: string;
  readonly scanners: string;
  readonly sets: readonly string[];
}

function parseHeader(line: string): Header | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(v) || v['mlbom'] !== MAGIC || v['layout'] !== LAYOUT) return undefined;
  const { root, fingerprint, scanners, sets } = v;
  if (typeof root !== 'string' || typeof fingerprint !== 'string' || typeof scanners !== 'string') return undefined;
  if (!Array.isArray(sets) || !sets.every((s) => typeof s === 'string' && s !== '')) return undefined;
  return { root, fingerprint, scanners, sets: sets as string[] };
}

/** `[queries, result]`, fresh objects; undefined when damaged. */
function parsePayload(text: string): [ExistsQuery[], SourceScan | null] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [q, r] = v as unknown[];
  if (!Array.isArray(q) || !q.every((x) => Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'boolean')) return undefined;
  if (r !== null && !isScan(r)) return undefined;
  return [q as ExistsQuery[], r as SourceScan | null];
}

function safeExists(exists: (path: string) => boolean, p: string): boolean | undefined {
  try {
    return exists(p);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The shape the pipeline relies on; the values are the scanners' own. */
function isScan(v: unknown): v is SourceScan {
  if (!isRecord(v)) return false;
  const { assets, relationships, issues } = v;
  return (
    Array.isArray(assets) &&
    assets.every((a) => isRecord(a) && typeof a['id'] === 'string' && typeof a['kind'] === 'string' && Array.isArray(a['scanners']) && Array.isArray(a['locations']) && Array.isArray(a['files']) && isRecord(a['props']) && isRecord(a['model'])) &&
    Array.isArray(relationships) &&
    relationships.every((x) => isRecord(x) && typeof x['from'] === 'string' && typeof x['to'] === 'string' && typeof x['type'] === 'string') &&
    Array.isArray(issues) &&
    issues.every((i) => isRecord(i) && typeof i['path'] === 'string' && typeof i['scanner'] === 'string' && typeof i['message'] === 'string')
  );
}

/**
 * Would a JSON round trip give `v` back exactly? Not with undefined members
 * or holes, NaN, ±Infinity, -0, objects that are not plain (Map, class
 * instances, null prototype), or nesting past MAX_DEPTH.
 */
function isExactJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        for (let i = 0; i < v.length; i++) if (!(i in v) || !isExactJson(v[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype || Object.getOwnPropertySymbols(v).length > 0) return false;
      const keys = Object.keys(v);
      // A non-enumerable own member (or a getter) would not survive the trip either.
      if (Object.getOwnPropertyNames(v).length !== keys.length) return false;
      for (const k of keys) {
        const d = Object.getOwnPropertyDescriptor(v, k);
        if (d === undefined || !('value' in d) || !isExactJson(d.value, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
