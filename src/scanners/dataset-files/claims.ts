/**
 * Which files dataset-files scans (dataset cards), without loading the
 * scanner (see scanners/registry.ts).
 */
import { isVendoredOrTestPath } from './paths.js';

const CARD_NAMES: ReadonlySet<string> = new Set(['readme.md', 'readme.markdown']);

export function claims(path: string): boolean {
  return CARD_NAMES.has(path.slice(path.lastIndexOf('/') + 1).toLowerCase()) && !isVendoredOrTestPath(path);
}
