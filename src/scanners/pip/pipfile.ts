/**
 * Pipfile (TOML) and Pipfile.lock (JSON).
 * https://pipenv.pypa.io/en/latest/pipfile.html
 * `[packages]` / `default` are required, `[dev-packages]` / `develop` dev;
 * any other category (pipenv ≥ 2022.10) is optional, named in `dependency_group`.
 */
import type { DependencyScope, Props, SourceScan } from '../../types.js';
import { PackageCollector, parseJsonManifest } from '../../util/package-asset.js';
import { sortedUnique } from '../../util/sort.js';
import { findJsonObjectKey, LineIndex } from '../../util/text-lines.js';
import { TomlLocator } from './lines.js';
import { lockHashes } from './lock.js';
import { addDependencyTable, gitSourceProps, splitConstraint } from './poetry-deps.js';
import { parseRequirement } from './requirement.js';
import { arr, isTable, parseTomlManifest, str } from './toml.js';

/** Pipfile tables that are not package categories. */
const NOT_CATEGORIES = new Set(['source', 'requires', 'scripts', 'pipenv', '_meta']);

function categoryScope(category: string): { scope: DependencyScope; props: Props } {
  if (category === 'packages' || category === 'default') return { scope: 'required', props: {} };
  if (category === 'dev-packages' || category === 'develop') return { scope: 'dev', props: {} };
  return { scope: 'optional', props: { dependency_group: category } };
}

export function scanPipfile(text: string, path: string, scanner: string): SourceScan {
  const out = new PackageCollector({ path, scanner, confidence: 0.95 });
  const data = parseTomlManifest(text, out);
  if (data === undefined) return out.result();
  const loc = new TomlLocator(text);
  for (const [category, deps] of Object.entries(data)) {
    if (NOT_CATEGORIES.has(category) || !isTable(deps)) continue;
    const { scope, props } = categoryScope(category);
    addDependencyTable(out, deps, { dialect: 'pep440', scope, props, line: (name) => loc.keyLine(name, category) });
  }
  return out.result();
}

export function scanPipfileLock(text: string, path: string, scanner: string): SourceScan {
  const out = new PackageCollector({ path, scanner, confidence: 1 });
  const doc = parseJsonManifest(text, out, 'not a Pipfile.lock object');
  if (doc === undefined) return out.result();
  const index = new LineIndex(text);
  for (const [category, deps] of Object.entries(doc)) {
    if (NOT_CATEGORIES.has(category) || !isTable(deps)) continue;
    const { scope, props } = categoryScope(category);
    const section = new RegExp(`"${category.replace(/[^A-Za-z0-9_-]/g, '.')}"\\s*:\\s*\\{`).exec(text);
    let cursor = section?.index ?? 0;
    for (const [name, entry] of Object.entries(deps)) {
      const at = findJsonObjectKey(text, name, cursor);
      const line = at === -1 ? undefined : index.lineAt(at);
      if (at !== -1) cursor = at + name.length;
      addLockEntry(out, name, entry, scope, props, line);
    }
  }
  return out.result();
}

function addLockEntry(out: PackageCollector, name: string, entry: unknown, scope: DependencyScope, base: Props, line: number | undefined): void {
  if (!isTable(entry)) {
    out.issue(`unsupported entry for ${name.slice(0, 100)}`, line);
    return;
  }
  if (str(entry['path']) !== undefined) return; // the project itself or a local folder
  const props: Props = { ...base };
  const extras = arr(entry['extras']).filter((e): e is string => typeof e === 'string');
  if (extras.length > 0) props['extras'] = sortedUnique(extras);
  const markers = str(entry['markers']);
  if (markers !== undefined && markers !== '') props['marker'] = markers;
  const hashes = lockHashes(arr(entry['hashes']));
  const git = str(entry['git']);
  const file = str(entry['file']);
  let version: string | undefined;
  let range: string | undefined;
  if (git !== undefined) {
    Object.assign(props, gitSourceProps(git, str(entry['ref'])));
  } else if (file !== undefined) {
    const parsed = parseRequirement(`${name} @ ${file}`, false);
    if (parsed.kind === 'requirement') {
      if (parsed.req.sourceUrl !== undefined) props['source_url'] = parsed.req.sourceUrl;
      version = parsed.req.version;
    }
  } else {
    const v = str(entry['version']);
    if (v !== undefined) ({ version, range } = splitConstraint(v, 'pep440'));
  }
  out.add({
    ecosystem: 'pypi', name, scope, hashes, line, props,
    ...(version !== undefined ? { version } : range !== undefined ? { versionRange: range } : {}),
  });
}
