/**
 * Which files pip scans, without loading the scanner (see
 * scanners/registry.ts).
 */
import { isVendoredPath } from '../../util/vendored-paths.js';

/** Lock files of large projects reach tens of MB. */
export const MAX_BYTES = 64 * 1024 * 1024;

export type Kind = 'requirements' | 'pyproject' | 'poetry-lock' | 'uv-lock' | 'pipfile' | 'pipfile-lock';

const EXACT: Readonly<Record<string, Kind>> = {
  'pyproject.toml': 'pyproject',
  'poetry.lock': 'poetry-lock',
  'uv.lock': 'uv-lock',
  pipfile: 'pipfile',
  'pipfile.lock': 'pipfile-lock',
};

/** Which manifest a path is, or undefined when the scanner does not want it. */
export function manifestKind(path: string): Kind | undefined {
  if (typeof path !== 'string' || isVendoredPath(path)) return undefined;
  const parts = path.split('/');
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  const exact = EXACT[base];
  if (exact !== undefined) return exact;
  if (!/\.(txt|in)$/.test(base)) return undefined;
  const parent = (parts[parts.length - 2] ?? '').toLowerCase();
  if (
    /^requirements/.test(base) ||
    /[-_.]requirements\.(txt|in)$/.test(base) ||
    /^constraints.*\.txt$/.test(base) ||
    parent === 'requirements'
  ) {
    return 'requirements';
  }
  return undefined;
}

export function claims(path: string): boolean {
  return manifestKind(path) !== undefined;
}
