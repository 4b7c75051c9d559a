/**
 * The persistent hash cache: a warm rescan reads no unchanged file.
 *
 * Layout: `<cacheDir>/hashes/v1-<xx>.jsonl`, 256 shards picked by the first
 * byte of SHA-256(real path), so a scan of a few files reads a few small
 * shards. One JSON object a line: `{"p": real path, "k": stat key, "h":
 * sha256, "t": last used (Unix seconds)}`. Paths and digests only: nothing
 * secret is stored.
 *
 * Trust rule: an entry answers only for the same absolute real path AND the
 * same (device, inode, size, mtime ns, ctime ns). ctime cannot be set from
 * user space, so an edit that restores mtime (utimes, `touch -r`) still
 * misses; a file replaced by rename has another inode; a truncated and
 * regrown file has a new ctime. The path is required too because inode
 * numbers are reused and device numbers are reassigned across mounts: an
 * entry for a deleted file must not vouch for a stranger that happens to get
 * its numbers. The price is that a moved tree is hashed once more.
 *
 * Robustness: writers merge into the shard as it is on disk just before
 * writing, then write a temp file and rename it over, so concurrent runs
 * never see half a file (the loser of a race only loses entries, which are
 * hashed again next time). A bad line is skipped (one warning per run) and
 * the shard is rewritten without it. Each shard keeps at most
 * `maxEntriesPerShard` entries, least recently used evicted first, and drops
 * entries unused for `maxAgeDays`. Any I/O failure is a miss, never an error.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { errCode, prepareCacheDir, STAT_KEY_RE, writeFileAtomic } from '../util/cache-file.js';

const LAYOUT = 'v1';
/** A shard larger than this is not ours (or is damaged): ignore and rewrite it. */
const MAX_SHARD_BYTES = 8 * 1024 * 1024;
/** Refresh an entry's last-used time at most this often, so warm runs do not rewrite shards. */
const TOUCH_AFTER_S = 24 * 3600;

const SHA_RE = /^[0-9a-f]{64}$/;

export interface HashCacheOptions {
  /** Default 512: at most 256 × 512 = 131,072 entries (tens of MB at most). */
  readonly maxEntriesPerShard?: number;
  /** Default 90. */
  readonly maxAgeDays?: number;
  readonly onWarning?: (message: string) => void;
  /** Unix seconds; injectable for eviction tests. */
  readonly now?: () => number;
}

export interface HashCacheStats {
  hits: number;
  misses: number;
  stored: number;
  corruptEntries: number;
  shardsWritten: number;
}

interface Entry {
  readonly p: string;
  readonly k: string;
  readonly h: string;
  t: number;
}

interface Shard {
  readonly file: string;
  readonly entries: Map<string, Entry>;
  /** Entries this run added or touched; merged into the shard on disk at save. */
  readonly updates: Map<string, Entry>;
  dirty: boolean;
}

export class HashCache {
  readonly dir: string;
  readonly stats: HashCacheStats = { hits: 0, misses: 0, stored: 0, corruptEntries: 0, shardsWritten: 0 };
  private readonly maxEntries: number;
  private readonly maxAgeS: number;
  private readonly now: () => number;
  private readonly onWarning: (message: string) => void;
  private readonly warned = new Set<string>();
  private readonly shards = new Map<string, Shard>();

  constructor(cacheDir: string, options: HashCacheOptions = {}) {
    this.dir = join(cacheDir, 'hashes');
    this.maxEntries = Math.max(1, options.maxEntriesPerShard ?? 512);
    this.maxAgeS = (options.maxAgeDays ?? 90) * 24 * 3600;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.onWarning = options.onWarning ?? (() => undefined);
  }

  /** Read the shards that hold these paths. */
  async load(realPaths: Iterable<string>): Promise<void> {
    const ids = new Set<string>();
    for (const p of realPaths) ids.add(shardId(p));
    await Promise.all(
      [...ids].filter((id) => !this.shards.has(id)).map(async (id) => {
        const file = join(this.dir, `${LAYOUT}-${id}.jsonl`);
        const { entries, corrupt } = await this.readShard(file, true);
        this.shards.set(id, { file, entries, updates: new Map(), dirty: corrupt > 0 });
      }),
    );
  }

  /** The cached digest for this path in exactly this state, if any. Call `load` first. */
  lookup(realPath: string, key: string): string | undefined {
    const shard = this.shards.get(shardId(realPath));
    const e = shard?.entries.get(realPath);
    if (shard === undefined || e === undefined || e.k !== key) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    const now = this.now();
    if (now - e.t >= TOUCH_AFTER_S) {
      e.t = now;
      shard.updates.set(realPath, e);
      shard.dirty = true;
    }
    return e.h;
  }

  store(realPath: string, key: string, sha256: string): void {
    const shard = this.shards.get(shardId(realPath));
    if (shard === undefined || !STAT_KEY_RE.test(key) || !SHA_RE.test(sha256)) return;
    const e: Entry = { p: realPath, k: key, h: sha256, t: this.now() };
    shard.entries.set(realPath, e);
    shard.updates.set(realPath, e);
    shard.dirty = true;
    this.stats.stored++;
  }

  /** Write the changed shards. Never throws: a failure is one warning. */
  async save(): Promise<void> {
    const dirty = [...this.shards.values()].filter((s) => s.dirty);
    if (dirty.length === 0) return;
    const failed = await prepareCacheDir(this.dir);
    if (failed !== undefined) {
      this.warnOnce('io', `hash cache: cannot create ${this.dir} (${failed}); hashes will not be reused`);
      return;
    }
    await Promise.all(dirty.map((s) => this.writeShard(s)));
  }

  private async writeShard(shard: Shard): Promise<void> {
    // Merge into what is on disk now: another run may have written since we loaded.
    const { entries } = await this.readShard(shard.file, false);
    for (const [p, e] of shard.updates) entries.set(p, e);
    const cutoff = this.now() - this.maxAgeS;
    const kept = [...entries.values()]
      .filter((e) => e.t >= cutoff)
      .sort((a, b) => b.t - a.t || (a.p < b.p ? -1 : a.p > b.p ? 1 : 0))
      .slice(0, this.maxEntries);
    const text = kept.map((e) => JSON.stringify({ p: e.p, k: e.k, h: e.h, t: e.t })).join('\n') + (kept.length > 0 ? '\n' : '');
    try {
      await writeFileAtomic(shard.file, text);
      shard.dirty = false;
      shard.updates.clear();
      this.stats.shardsWritten++;
    } catch (err) {
      this.warnOnce('io', `hash cache: cannot write ${shard.file} (${errCode(err)}); hashes will not be reused`);
    }
  }

  private async readShard(file: string, warn: boolean): Promise<{ entries: Map<string, Entry>; corrupt: number }> {
    const entries = new Map<string, Entry>();
    let text: string;
    try {
      const s = await stat(file);
      if (s.size > MAX_SHARD_BYTES) {
        if (warn) this.corrupt(file, 1);
        return { entries, corrupt: 1 };
      }
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (errCode(err) !== 'ENOENT' && warn) this.warnOnce('io', `hash cache: cannot read ${file} (${errCode(err)}); ignoring it`);
      return { entries, corrupt: 0 };
    }
    let corrupt = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const e = parseEntry(line);
      if (e === undefined) {
        corrupt++;
        continue;
      }
      const old = entries.get(e.p);
      if (old === undefined || old.t <= e.t) entries.set(e.p, e);
    }
    if (corrupt > 0 && warn) this.corrupt(file, corrupt);
    return { entries, corrupt };
  }

  private corrupt(file: string, n: number): void {
    this.stats.corruptEntries += n;
    this.warnOnce('corrupt', `hash cache: ignored corrupt entries in ${file}; it will be rewritten`);
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.onWarning(message);
  }
}

function shardId(realPath: string): string {
  return createHash('sha256').update(realPath).digest('hex').slice(0, 2);
}

function parseEntry(line: string): Entry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { p, k, h, t } = v as Record<string, unknown>;
  if (typeof p !== 'string' || !isAbsolute(p)) return undefined;
  if (typeof k !== 'string' || !STAT_KEY_RE.test(k)) return undefined;
  if (typeof h !== 'string' || !SHA_RE.test(h)) return undefined;
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) return undefined;
  return { p, k, h, t };
}

