/**
 * A fingerprint of the compiled code, written by the build (`npm run
 * build` → `dist/src/build-id.json`) and read at run time. Caches of
 * derived results (the source-scanner result cache) key on it, so a result
 * computed by other code is never reused, even between two builds of the
 * same version. A build without the file, or with one older than a compiled
 * module (plain `tsc` after a full build), gets no fingerprint, and those
 * caches are off.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareCodePoints } from './util/sort.js';

const FILE = 'build-id.json';
const here = dirname(fileURLToPath(import.meta.url));

/** Compiled modules under `distSrc`, root-relative POSIX paths in code-point order. */
function modules(distSrc: string): string[] {
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) visit(p);
      else if (d.name.endsWith('.js')) files.push(relative(distSrc, p).split(sep).join('/'));
    }
  };
  visit(distSrc);
  return files.sort(compareCodePoints);
}

/**
 * Build time: hash every compiled module under `distSrc` (path and bytes)
 * into `build-id.json`, with the list of those modules.
 */
export function writeBuildId(distSrc: string = here): string {
  const h = createHash('sha256');
  const list = modules(distSrc);
  for (const f of list) h.update(`${f}\0`).update(readFileSync(join(distSrc, f))).update('\0');
  const id = h.digest('hex');
  writeFileSync(join(distSrc, FILE), `${JSON.stringify({ id, modules: list })}\n`);
  return id;
}

/**
 * Is the id file at least as new as every module it lists? The list comes
 * from the build, so the check is about 250 stats: walking `dist/src` for it
 * (its 40 folders hold the .d.ts and .map files too) took 20-27 ms, on the
 * path of every scan before the walk. A module the build did not list
 * cannot slip past: a compile that adds one rewrites the module importing it.
 */
function fresh(distSrc: string, list: readonly string[]): boolean {
  const written = statSync(join(distSrc, FILE)).mtimeMs;
  return list.every((f) => statSync(join(distSrc, f)).mtimeMs <= written);
}

/** The fingerprint of the build in `distSrc` plus the Node.js version, or undefined when there is none or it is stale. */
export function readBuildId(distSrc: string): string | undefined {
  try {
    const { id, modules: list } = JSON.parse(readFileSync(join(distSrc, FILE), 'utf8')) as { id?: unknown; modules?: unknown };
    if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) return undefined;
    // An id file from before the list was kept vouches for nothing: the next build rewrites it.
    if (!Array.isArray(list) || list.length === 0 || !list.every((f): f is string => typeof f === 'string')) return undefined;
    return fresh(distSrc, list) ? `${id}:${process.version}` : undefined;
  } catch {
    return undefined;
  }
}

let cached: { id: string | undefined } | undefined;

/** This build's fingerprint (see readBuildId), read once per process. */
export function buildId(): string | undefined {
  cached ??= { id: readBuildId(here) };
  return cached.id;
}
