/**
 * A fingerprint of the compiled code, written by the build (`npm run
 * build` → `dist/src/build-id.json`) and read at run time. Caches of
 * derived results (the source-scanner result cache) key on it, so a result
 * computed by other code is never reused, even between two builds of the
 * same version. A build without the file (plain `tsc`) gets no fingerprint,
 * and those caches are off.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareCodePoints } from './util/sort.js';

const FILE = 'build-id.json';
const here = dirname(fileURLToPath(import.meta.url));

/** Build time: hash every compiled module under `distSrc` (path and bytes) into `build-id.json`. */
export function writeBuildId(distSrc: string = here): string {
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) visit(p);
      else if (d.name.endsWith('.js')) files.push(relative(distSrc, p).split(sep).join('/'));
    }
  };
  visit(distSrc);
  const h = createHash('sha256');
  for (const f of files.sort(compareCodePoints)) h.update(`${f}\0`).update(readFileSync(join(distSrc, f))).update('\0');
  const id = h.digest('hex');
  writeFileSync(join(distSrc, FILE), `${JSON.stringify({ id })}\n`);
  return id;
}

let cached: string | null | undefined;

/** Run time: the build's fingerprint plus the Node.js version, or undefined when the build wrote none. */
export function buildId(): string | undefined {
  if (cached === undefined) {
    try {
      const { id } = JSON.parse(readFileSync(join(here, FILE), 'utf8')) as { id?: unknown };
      cached = typeof id === 'string' && /^[0-9a-f]{64}$/.test(id) ? `${id}:${process.version}` : null;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}
