/**
 * Python dependency manifests and lock files: pip requirements files,
 * pyproject.toml (PEP 621, PEP 735, Poetry, uv/PDM dev lists), poetry.lock,
 * uv.lock, Pipfile and Pipfile.lock. Each dependency is a `package` asset
 * `package:pypi:<PEP 503 name>`; `version` only for an exact pin or a lock
 * entry, otherwise the range is `pkg.versionRange`.
 *
 * Props emitted:
 * - `manifest`: the file's basename.
 * - `extras`: sorted extras requested (`pkg[a,b]`).
 * - `marker`: the PEP 508 environment marker as written.
 * - `source_url`: credential-free URL of a URL or VCS requirement (pip form `git+https://…@ref`).
 * - `vcs_ref`: the commit, tag or branch a VCS requirement names.
 * - `editable`: installed with `-e`.
 * - `dependency_group`: extra, PEP 735 / Poetry / PDM group or Pipfile category name.
 * - `constraint`: listed in a constraints file (a pin, not necessarily installed).
 * - `other_versions`: further versions of the same package in this file (markers, forks).
 * - `ai_category`: see `src/util/ai-packages.ts`, when the package is an AI framework or SDK.
 */
import type { DependencyScope, SourceScan } from '../../types.js';
import type { PackageCollector } from '../../util/package-asset.js';
import type { SourceScanContext, SourceScanner } from '../types.js';
import { scanPipfile, scanPipfileLock } from './pipfile.js';
import { scanPoetryLock } from './poetry-lock.js';
import { scanPyproject } from './pyproject.js';
import { addRequirementLine, scanRequirementsFile } from './requirements-file.js';
import { claims, manifestKind, MAX_BYTES } from './claims.js';
import { scanUvLock } from './uv-lock.js';

export { parseRequirementLine, parseRequirement, exactVersion } from './requirement.js';
export type { Requirement, RequirementLine } from './requirement.js';
export { logicalLines } from './requirements-file.js';
export { fileScope } from './scope.js';
export { claims, manifestKind } from './claims.js';
// Moved to util/secrets.ts (as stripUrlCredentials); re-exported under its old name for existing importers.
export { stripUrlCredentials as sanitizeUrl } from '../../util/secrets.js';

const NAME = 'pip';

/**
 * A pip requirement line inside another manifest (a conda environment's
 * `pip:` list), read as in a requirements file; `-r` targets are checked
 * against what this scanner claims.
 */
export function addPipRequirement(
  out: PackageCollector, ctx: SourceScanContext, text: string, scope: DependencyScope, line: number | undefined,
): void {
  addRequirementLine(out, ctx, text, scope, line, claims);
}

export function scan(text: string, ctx: Parameters<SourceScanner['scan']>[1]): SourceScan {
  try {
    switch (manifestKind(ctx.path)) {
      case 'requirements':
        return scanRequirementsFile(text, ctx, NAME, claims);
      case 'pyproject':
        return scanPyproject(text, ctx.path, NAME);
      case 'poetry-lock':
        return scanPoetryLock(text, ctx.path, NAME);
      case 'uv-lock':
        return scanUvLock(text, ctx.path, NAME);
      case 'pipfile':
        return scanPipfile(text, ctx.path, NAME);
      case 'pipfile-lock':
        return scanPipfileLock(text, ctx.path, NAME);
      case undefined:
        return { assets: [], relationships: [], issues: [] };
    }
  } catch {
    // Defensive: the parsers are written not to throw; a bug must not stop the scan.
    return { assets: [], relationships: [], issues: [{ path: ctx.path, scanner: NAME, message: 'internal error while reading the manifest' }] };
  }
}

export const scanner: SourceScanner = { name: NAME, claims, maxBytes: MAX_BYTES, scan };
