/**
 * Which files conda scans, without loading the scanner (see
 * scanners/registry.ts).
 */
import { isVendoredPath } from '../../util/vendored-paths.js';

export function claims(path: string): boolean {
  if (typeof path !== 'string' || isVendoredPath(path)) return false;
  const base = (path.split('/').pop() ?? '').toLowerCase();
  return /^environment[\w.-]*\.ya?ml$/.test(base) || base === 'conda.yaml' || base === 'conda.yml';
}
