/**
 * poetry.lock: `[[package]]` tables with name, version, `optional`,
 * `category` (lock 1.x) or `groups` (Poetry 2), `files = [{file, hash}]`
 * (or the old `[metadata.files]`), and `[package.source]` for git, url,
 * file and directory packages.
 * Format (no formal spec): https://github.com/python-poetry/poetry/blob/main/src/poetry/packages/locker.py
 */
import type { DependencyScope, Props, SourceScan } from '../../types.js';
import { normalizePypiName } from '../../util/ai-packages.js';
import { PackageCollector } from '../../util/package-asset.js';
import { stripUrlCredentials } from '../../util/secrets.js';
import { lockHashes, lockPackages } from './lock.js';
import { gitSourceProps } from './poetry-deps.js';
import { groupScope } from './scope.js';
import { arr, isTable, parseTomlManifest, str, table, type TomlObject } from './toml.js';

export function scanPoetryLock(text: string, path: string, scanner: string): SourceScan {
  const out = new PackageCollector({ path, scanner, confidence: 1 });
  const data = parseTomlManifest(text, out);
  if (data === undefined) return out.result();
  const oldFiles = table(table(data['metadata'])['files']);
  const oldHashes = new Map<string, string[]>();
  for (const [name, files] of Object.entries(oldFiles)) oldHashes.set(normalizePypiName(name), fileHashes(files));
  for (const { value, line } of lockPackages(text, data)) addLockedPackage(out, value, line, oldHashes);
  return out.result();
}

function fileHashes(files: unknown): string[] {
  return lockHashes(arr(files).map((f) => table(f)['hash']));
}

/** Poetry 2 `groups`, else lock 1.x `category`, else required; `optional = true` is an extra. */
export function poetryScope(p: TomlObject): DependencyScope {
  const groups = arr(p['groups']).filter((g): g is string => typeof g === 'string');
  let scope: DependencyScope = 'required';
  if (groups.length > 0 && !groups.includes('main')) {
    scope = groups.every((g) => groupScope(g) === 'dev') ? 'dev' : 'optional';
  } else if (str(p['category']) === 'dev') {
    scope = 'dev';
  }
  return p['optional'] === true && scope === 'required' ? 'optional' : scope;
}

function addLockedPackage(out: PackageCollector, p: unknown, line: number | undefined, oldHashes: Map<string, string[]>): void {
  if (!isTable(p)) return;
  const name = str(p['name']);
  const version = str(p['version']);
  if (name === undefined || name === '') {
    out.issue('package without a name', line);
    return;
  }
  const source = table(p['source']);
  const type = str(source['type']);
  // A path dependency is the project's own code (a monorepo sibling).
  if (type === 'directory') return;
  const props: Props = {};
  const groups = arr(p['groups']).filter((g): g is string => typeof g === 'string');
  const nonMain = groups.filter((g) => g !== 'main');
  if (nonMain.length > 0 && !groups.includes('main')) props['dependency_group'] = nonMain.join(',');
  const url = str(source['url']);
  if (type === 'git' && url !== undefined) {
    Object.assign(props, gitSourceProps(url, str(source['resolved_reference']) ?? str(source['reference'])));
  } else if (type === 'url' && url !== undefined) {
    const src = stripUrlCredentials(url);
    if (src !== undefined) props['source_url'] = src;
  }
  out.add({
    ecosystem: 'pypi',
    name,
    ...(version !== undefined && version !== '' ? { version } : {}),
    scope: poetryScope(p),
    hashes: [...fileHashes(p['files']), ...(oldHashes.get(normalizePypiName(name)) ?? [])],
    line,
    props,
  });
}
