/**
 * Which files code-refs scans, without loading the scanner: the registry
 * (scanners/registry.ts) asks this for every walked file and loads the
 * scanner only when some file is claimed.
 */
import type { Lang } from './tokens.js';

const PY = ['.py', '.pyw'];
const JS = ['.js', '.mjs', '.cjs', '.ts', '.tsx', '.jsx', '.mts', '.cts'];
/** Third-party code: dependencies installed or vendored into the tree, and build output. */
const SKIP_DIRS = new Set(['node_modules', 'site-packages', 'dist-packages', 'vendor', 'third_party', 'third-party', 'dist', 'build', '__pycache__', 'bower_components', '.venv', 'venv', '.tox', '.git']);

export const MAX_BYTES = 4 * 1024 * 1024;

export function extensionLang(path: string): Lang | 'ipynb' | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.ipynb')) return 'ipynb';
  if (PY.some((e) => lower.endsWith(e))) return 'py';
  if (/\.d\.[mc]?ts$/.test(lower) || /[.-]min\.[mc]?js$/.test(lower)) return undefined;
  if (JS.some((e) => lower.endsWith(e))) return 'js';
  return undefined;
}

export function claims(path: string): boolean {
  if (extensionLang(path) === undefined) return false;
  const dirs = path.toLowerCase().split('/').slice(0, -1);
  return !dirs.some((d) => SKIP_DIRS.has(d));
}
