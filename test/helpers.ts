/** Shared test helpers: paths into the repo, temp dirs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/…). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

export function fixturePath(...parts: string[]): string {
  return join(repoRoot, 'fixtures', ...parts);
}

/** Make a temp dir, run `fn`, and remove the dir afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mlbom-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The bundled CLI (a URL string, so tsc does not look for its types). */
export const BUNDLE = new URL('../cli/mlbom.js', import.meta.url).href;

let cacheHome: string | undefined;

/** A cache home for this test process, removed when it exits. */
function testCacheHome(): string {
  if (cacheHome === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'mlbom-test-cache-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    cacheHome = dir;
  }
  return cacheHome;
}

/**
 * Run the CLI in-process and capture what it writes. It runs the bundle in
 * dist/cli/ that bin/mlbom.js runs (scripts/bundle.mjs), so every CLI test
 * checks the shipped code; test/bundle.test.ts checks it against dist/src/
 * (`cli: 'compiled'`).
 */
export async function runCli(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; cli?: 'bundle' | 'compiled' } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { run } = opts.cli === 'compiled' ? await import('../src/cli/index.js') : ((await import(BUNDLE)) as typeof import('../src/cli/index.js'));
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => { stdout += s; return true; } },
    stderr: { write: (s: string) => { stderr += s; return true; } },
    // Offline, with a cache of this test process's own, unless a test says otherwise: tests never touch the network or the user's cache.
    env: { HF_HUB_OFFLINE: '1', XDG_CACHE_HOME: testCacheHome(), ...opts.env },
    cwd: opts.cwd ?? repoRoot,
  });
  return { code, stdout, stderr };
}

/** Validate BOM text with the library's strict JSON validator or the XSD; returns the errors. */
export async function schemaErrors(text: string): Promise<string[]> {
  const { validateBomText } = await import('../src/bom/validate.js');
  const r = await validateBomText(text, { json: 'library' });
  return r.valid ? [] : r.errors;
}
