/**
 * Load a CommonJS file the way `require` does, but compiled through
 * `vm.Script` with a V8 code cache written next to it at build time
 * (`<file>.v8cache`). Node 20 has no compile cache of its own for user code
 * (`module.enableCompileCache` came in Node 22.1).
 *
 * Why: the generated 1.6 schema validator is 720 KB of code. Compiling it and
 * its first validation took about 43 ms of CPU in a fresh process, 23 ms
 * from the cache, and on two cores that time is taken from the hash workers.
 *
 * V8 refuses a cache made by another V8 version or under other V8 flags
 * (`cachedDataRejected`); the file then compiles from source as usual. But
 * V8 checks only the source's length, not its content, and in a release
 * build it does not checksum the cache either: a few flipped bytes in it
 * ended the process with a V8 fatal error. So the cache file starts with
 * the SHA-256 of the source it was made from and of the cache data, and V8
 * is offered only a cache whose both digests match.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** What became of a file's code cache: used, refused by V8, not there, made from other source, or not whole. */
export type CodeCacheState = 'accepted' | 'rejected' | 'absent' | 'stale' | 'damaged';

/** `MLBV8C02`, the source's SHA-256, the data's SHA-256, then V8's data. */
const MAGIC = Buffer.from('MLBV8C02');
const DIGEST_BYTES = 32;
const HEADER_BYTES = MAGIC.length + 2 * DIGEST_BYTES;

export interface CachedModule {
  readonly exports: unknown;
  readonly cache: CodeCacheState;
}

export function codeCachePath(file: string): string {
  return `${file}.v8cache`;
}

/**
 * `require(file)` through the file's code cache. Throws what `require`
 * would for a missing file or a module that throws while it loads.
 */
export function requireWithCodeCache(file: string): CachedModule {
  const source = readFileSync(file, 'utf8');
  let data: Buffer | undefined;
  let cache: CodeCacheState = 'absent';
  try {
    const raw = readFileSync(codeCachePath(file));
    const body = raw.subarray(HEADER_BYTES);
    if (raw.length <= HEADER_BYTES || !raw.subarray(0, MAGIC.length).equals(MAGIC) || !raw.subarray(MAGIC.length + DIGEST_BYTES, HEADER_BYTES).equals(sha256(body))) cache = 'damaged';
    else if (!raw.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES).equals(sha256(source))) cache = 'stale';
    else data = body;
  } catch {
    // No cache (a build without one, or a plain tsc build): compile from source.
  }
  const { script, run } = compile(file, source, data);
  if (data !== undefined) cache = script.cachedDataRejected === true ? 'rejected' : 'accepted';
  return { exports: run(), cache };
}

/**
 * Build step: load `file` from source, let `exercise` call into it so that
 * the functions a real run needs are compiled too, and write the cache.
 * Run it in a process without V8 flags of its own, or the cache will only
 * match processes started with the same flags.
 */
export function writeCodeCache(file: string, exercise: (exports: unknown) => void): number {
  const source = readFileSync(file, 'utf8');
  const { script, run } = compile(file, source, undefined);
  exercise(run());
  const data = script.createCachedData();
  writeFileSync(codeCachePath(file), Buffer.concat([MAGIC, sha256(source), sha256(data), data]));
  return data.length;
}

function compile(file: string, source: string, cachedData: Buffer | undefined): { script: Script; run: () => unknown } {
  // Node's own CommonJS wrapper, so the module sees what `require` would give it.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const run = (): unknown => {
    const module = { exports: {} as unknown };
    const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    return module.exports;
  };
  return { script, run };
}

function sha256(content: string | Buffer): Buffer {
  return createHash('sha256').update(content).digest();
}
