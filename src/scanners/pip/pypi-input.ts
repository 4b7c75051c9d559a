/** A parsed PEP 508 / pip requirement as a `package` input, with its props. */
import type { DependencyScope, Props } from '../../types.js';
import { normalizePypiName } from '../../util/ai-packages.js';
import type { PackageCollector, PackageInput } from '../../util/package-asset.js';
import { sortedUnique } from '../../util/sort.js';
import { parseRequirement, type Requirement } from './requirement.js';

/** Confidence when the name was guessed from a repository URL (no `#egg=`). */
const GUESSED_NAME_CONFIDENCE = 0.7;

export function requirementInput(req: Requirement, scope: DependencyScope, line: number | undefined, extraProps: Props = {}): PackageInput {
  const props: Props = { ...extraProps };
  if (req.extras.length > 0) props['extras'] = sortedUnique(req.extras);
  if (req.marker !== undefined) props['marker'] = req.marker;
  if (req.sourceUrl !== undefined) props['source_url'] = req.sourceUrl;
  if (req.vcsRef !== undefined) props['vcs_ref'] = req.vcsRef;
  if (req.editable === true) props['editable'] = true;
  return {
    ecosystem: 'pypi',
    name: req.name,
    ...(req.version !== undefined ? { version: req.version } : {}),
    ...(req.specifier !== undefined ? { versionRange: req.specifier } : {}),
    scope,
    hashes: req.hashes,
    ...(line !== undefined ? { line } : {}),
    ...(req.guessedName === true ? { confidence: GUESSED_NAME_CONFIDENCE } : {}),
    props,
  };
}

/**
 * Add one PEP 508 string (pyproject arrays, uv/PDM dev lists) to a collector.
 * `skipName` is the project's own (normalized) name: `mypkg[extra]`
 * self-references in optional dependencies are not dependencies.
 */
export function addPep508(
  out: PackageCollector, value: unknown, scope: DependencyScope, line: number | undefined, props: Props, skipName?: string,
): void {
  if (typeof value !== 'string') {
    out.issue('dependency is not a string', line);
    return;
  }
  const parsed = parseRequirement(value, false);
  if (parsed.kind === 'error') out.issue(parsed.message, line);
  if (parsed.kind !== 'requirement') return;
  if (skipName !== undefined && normalizePypiName(parsed.req.name) === skipName) return;
  for (const w of parsed.warnings) out.issue(w, line);
  out.add(requirementInput(parsed.req, scope, line, props));
}

