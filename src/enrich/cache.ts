/**
 * A disk cache of registry responses, so a second scan of the same tree makes
 * no request for anything pinned to a commit, and offline scans still enrich.
 *
 * One JSON file per (kind, repo id, requested revision), named by a hash of the
 * key so no repo id can steer a path. The cache is best effort: a read or write
 * that fails, or an entry that does not parse, is a miss, never an error.
 * Entries hold response bodies and validators only, never request headers, so
 * no token can land on disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type CacheKind = 'model' | 'dataset';

export interface CacheKey {
  kind: CacheKind;
  repoId: string;
  /** The revision as requested; `undefined` means the default branch. */
  revision?: string | undefined;
}

export interface CacheEntry {
  body: string;
  etag?: string | undefined;
  /** The repo id the registry answered with (differs after a rename redirect). */
  canonicalId: string;
  resolvedSha?: string | undefined;
  /** ISO 8601. */
  fetchedAt: string;
}

// Bump when the entry layout changes, so old files are simply never looked up.
const LAYOUT = 'v1';

/** True for a full 40-hex commit sha: what it names can never change, so its entry never needs revalidation. */
export function isImmutableRevision(revision: string | undefined): boolean {
  return revision !== undefined && /^[0-9a-f]{40}$/i.test(revision);
}

/** `$XDG_CACHE_HOME/mlbom`, else `~/.cache/mlbom`. */
export function defaultCacheDir(env: Record<string, string | undefined>, home = homedir()): string {
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(home, '.cache'), 'mlbom');
}

/** A cache in `dir`, or none when the caller disabled caching with `false`. */
export function createResponseCache(dir: string | false): ResponseCache | undefined {
  return dir === false ? undefined : new ResponseCache(dir);
}

export class ResponseCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = join(dir, `hub-${LAYOUT}`);
  }

  /** The entry for `key`, or `undefined` when absent, unreadable or corrupt. */
  async get(key: CacheKey): Promise<CacheEntry | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.fileFor(key), 'utf8');
    } catch {
      return undefined;
    }
    return parseEntry(raw, key);
  }

  /** Store `entry` atomically (temp file + rename); `false` when it could not be written. */
  async set(key: CacheKey, entry: CacheEntry): Promise<boolean> {
    const file = this.fileFor(key);
    // A unique temp name per writer: concurrent scans never see a half-written file.
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const stored: StoredEntry = { layout: LAYOUT, key: keyParts(key), ...entry };
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(tmp, JSON.stringify(stored), { mode: 0o600 });
      await rename(tmp, file);
      return true;
    } catch {
      await unlink(tmp).catch(() => undefined);
      return false;
    }
  }

  /** The file that holds `key`'s entry. */
  fileFor(key: CacheKey): string {
    const digest = createHash('sha256').update(JSON.stringify(keyParts(key))).digest('hex');
    return join(this.dir, `${key.kind}-${digest}.json`);
  }
}

interface StoredEntry extends CacheEntry {
  layout: string;
  key: string[];
}

function keyParts(key: CacheKey): string[] {
  return [key.kind, key.repoId, key.revision ?? ''];
}

function parseEntry(raw: string, key: CacheKey): CacheEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  // The stored key guards against a hash collision or a file copied between names.
  if (o['layout'] !== LAYOUT || JSON.stringify(o['key']) !== JSON.stringify(keyParts(key))) return undefined;
  const { body, etag, canonicalId, resolvedSha, fetchedAt } = o;
  if (typeof body !== 'string' || typeof canonicalId !== 'string' || typeof fetchedAt !== 'string') return undefined;
  if (!optionalString(etag) || !optionalString(resolvedSha)) return undefined;
  return { body, etag, canonicalId, resolvedSha, fetchedAt };
}

function optionalString(v: unknown): v is string | undefined {
  return v === undefined || typeof v === 'string';
}
