/**
 * Which files npm scans, without loading the scanner (see
 * scanners/registry.ts).
 */
import { isVendoredPath } from '../../util/vendored-paths.js';

/** package-lock.json of a large monorepo runs to tens of MB. */
export const MAX_BYTES = 64 * 1024 * 1024;

export const LOCKS = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

export function baseName(path: string): string {
  return path.split('/').pop() ?? '';
}

export function claims(path: string): boolean {
  if (typeof path !== 'string' || isVendoredPath(path)) return false;
  const base = baseName(path);
  return base === 'package.json' || LOCKS.has(base);
}
