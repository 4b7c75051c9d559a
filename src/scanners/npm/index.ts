/**
 * Node dependency manifests: package.json, package-lock.json and
 * npm-shrinkwrap.json (lockfileVersion 2 and 3; 1 read from its tree). Each
 * dependency is a `package` asset `package:npm:<name>` (scoped:
 * `group` = `@scope`, `name` = the rest); `version` only for an exact
 * version or a lock entry, otherwise the range is `pkg.versionRange`.
 * Nothing under `node_modules/` is claimed.
 *
 * Props emitted:
 * - `manifest`: the file's basename.
 * - `peer`: a peer dependency.
 * - `direct`: a lock entry the root package lists itself (v2/v3 only).
 * - `alias`: the key an `npm:` alias installs the package under.
 * - `source_url`: credential-free git or tarball URL (registry tarballs are not recorded).
 * - `vcs_ref`: the `#ref` of a git dependency (`#semver:` ranges are not refs).
 * - `local_path`: the path of a `file:` / `link:` / `portal:` dependency.
 * - `other_versions`: further versions of the same package in this file (nested copies).
 * - `ai_category`: see `src/util/ai-packages.ts`.
 */
import type { SourceScan } from '../../types.js';
import type { SourceScanContext, SourceScanner } from '../types.js';
import { scanPackageJson } from './package-json.js';
import { scanPackageLock } from './package-lock.js';
import { baseName, claims, LOCKS, MAX_BYTES } from './claims.js';

export { classifyNpmSpec, exactSemver, integrityHashes } from './spec.js';

const NAME = 'npm';

export { claims } from './claims.js';

export function scan(text: string, ctx: SourceScanContext): SourceScan {
  try {
    if (LOCKS.has(baseName(ctx.path))) return scanPackageLock(text, ctx.path, NAME);
    if (baseName(ctx.path) === 'package.json') return scanPackageJson(text, ctx.path, NAME);
    return { assets: [], relationships: [], issues: [] };
  } catch {
    // Defensive: the parsers are written not to throw; a bug must not stop the scan.
    return { assets: [], relationships: [], issues: [{ path: ctx.path, scanner: NAME, message: 'internal error while reading the manifest' }] };
  }
}

export const scanner: SourceScanner = { name: NAME, claims, maxBytes: MAX_BYTES, scan };
