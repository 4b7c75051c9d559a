/**
 * Root-relative POSIX paths as SARIF `uri` values. SARIF 2.1.0 §3.10
 * requires RFC 3986 URI references, and §3.10.4 maps any non-ASCII
 * character to percent-encoded UTF-8; GitHub's upload checks the
 * `uri-reference` format and decodes with decodeURIComponent.
 */
import { MlbomError } from '../errors.js';

/**
 * A root-relative path as a URI reference: each segment percent-encoded
 * as UTF-8, `/` kept. encodeURIComponent also encodes `:`, so a first
 * segment like `c:x` cannot read as a scheme.
 */
export function encodePathUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment.replace(LONE_SURROGATE, '\uFFFD')))
    .join('/');
}

// A lone surrogate cannot be UTF-8 encoded (encodeURIComponent throws); a
// file name read from disk never has one, but a hand-made Finding might.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A non-empty relative path inside the tree: no absolute, drive, `.`, `..`, empty or backslash segment. */
export function isTreePath(p: string): boolean {
  if (p === '' || p === '.' || p.startsWith('/') || /^[A-Za-z]:(?:\/|$)/.test(p) || p.includes('\\') || p.includes('\0')) return false;
  return !p.split('/').some((s) => s === '..' || s === '.' || s === '');
}

/** `./a/b/` → `a/b`; `""` for none. @throws {MlbomError} USAGE for a path outside the repository. */
export function normalizePrefix(raw: string | undefined): string {
  if (raw === undefined) return '';
  const p = raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (p === '' || p === '.') return '';
  if (!isTreePath(p)) throw new MlbomError('USAGE', `SARIF pathPrefix must be a relative POSIX path inside the repository, got ${JSON.stringify(raw)}`);
  return p;
}

