/**
 * uv.lock: `[[package]]` tables with name, version, `source`
 * (`registry`, `git`, `url`, `path`, `directory`, `editable`, `virtual`),
 * `dependencies`, `optional-dependencies`, `dev-dependencies`, and `sdist` /
 * `wheels` hashes. https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile
 *
 * The project itself (and workspace members: `editable` / `virtual` sources)
 * is not a dependency. Scope comes from reachability: what the projects'
 * `dependencies` pull in is required, then what their extras and non-dev
 * groups pull in is optional, then what only their dev-like groups (dev,
 * test, lint, docs, typing…) pull in is dev.
 */
import type { DependencyScope, Props, SourceScan } from '../../types.js';
import { normalizePypiName } from '../../util/ai-packages.js';
import { PackageCollector } from '../../util/package-asset.js';
import { stripUrlCredentials } from '../../util/secrets.js';
import { lockHashes, lockPackages } from './lock.js';
import { gitSourceProps } from './poetry-deps.js';
import { groupScope } from './scope.js';
import { arr, parseTomlManifest, str, table, type TomlObject } from './toml.js';

interface DepRef {
  readonly name: string;
  readonly extras: string[];
}

export function scanUvLock(text: string, path: string, scanner: string): SourceScan {
  const out = new PackageCollector({ path, scanner, confidence: 1 });
  const data = parseTomlManifest(text, out);
  if (data === undefined) return out.result();
  const locked = lockPackages(text, data);
  const packages = locked.map((l) => table(l.value));
  const scopes = reachability(packages);
  packages.forEach((p, i) => {
    const line = locked[i]?.line;
    const name = str(p['name']);
    if (name === undefined || name === '') {
      out.issue('package without a name', line);
      return;
    }
    if (isLocal(p)) return;
    addPackage(out, p, name, scopes.get(normalizePypiName(name)) ?? 'required', line);
  });
  return out.result();
}

function isLocal(p: TomlObject): boolean {
  const source = table(p['source']);
  return ['editable', 'virtual', 'directory', 'path'].some((k) => source[k] !== undefined);
}

function depRefs(list: unknown): DepRef[] {
  return arr(list).flatMap((d) => {
    const name = str(table(d)['name']);
    if (name === undefined) return [];
    const extras = arr(table(d)['extra']).filter((e): e is string => typeof e === 'string');
    return [{ name: normalizePypiName(name), extras }];
  });
}

function groupRefs(groups: unknown): DepRef[] {
  return Object.values(table(groups)).flatMap((list) => depRefs(list));
}

/** Scope of every package reachable from the projects, by the strongest path. */
function reachability(packages: TomlObject[]): Map<string, DependencyScope> {
  const byName = new Map<string, TomlObject[]>();
  for (const p of packages) {
    const name = str(p['name']);
    if (name === undefined) continue;
    const key = normalizePypiName(name);
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  const roots = packages.filter(isLocal);
  const scopes = new Map<string, DependencyScope>();
  const walk = (seeds: DepRef[], scope: DependencyScope): void => {
    const queue = [...seeds];
    // Index-based queue: shift() is O(n) and lock graphs have thousands of edges.
    for (let i = 0; i < queue.length; i++) {
      const ref = queue[i]!;
      if (scopes.has(ref.name)) continue;
      scopes.set(ref.name, scope);
      for (const p of byName.get(ref.name) ?? []) {
        queue.push(...depRefs(p['dependencies']));
        const optional = table(p['optional-dependencies']);
        for (const extra of ref.extras) queue.push(...depRefs(optional[extra]));
      }
    }
  };
  const rootNames = new Set(roots.map((r) => normalizePypiName(str(r['name']) ?? '')));
  // Roots themselves are skipped, but a root reached from another root must not take a scope first.
  for (const name of rootNames) scopes.set(name, 'required');
  const required = roots.flatMap((r) => depRefs(r['dependencies']));
  const optional = roots.flatMap((r) => groupRefs(r['optional-dependencies']));
  // `dev-dependencies` holds every PEP 735 group; only dev-like names (dev, test, lint…) are dev.
  const groups = roots.flatMap((r) => Object.entries(table(r['dev-dependencies'])));
  const dev: DepRef[] = [];
  for (const [group, list] of groups) (groupScope(group) === 'dev' ? dev : optional).push(...depRefs(list));
  walk(required.filter((d) => !rootNames.has(d.name)), 'required');
  walk(optional.filter((d) => !rootNames.has(d.name)), 'optional');
  walk(dev.filter((d) => !rootNames.has(d.name)), 'dev');
  return scopes;
}

function addPackage(out: PackageCollector, p: TomlObject, name: string, scope: DependencyScope, line: number | undefined): void {
  const version = str(p['version']);
  const source = table(p['source']);
  const props: Props = {};
  const git = str(source['git']);
  const url = str(source['url']);
  if (git !== undefined) {
    // uv writes `https://host/repo?rev=v1#<full commit>`.
    const hash = /#([0-9a-f]{7,64})$/i.exec(git)?.[1];
    const rev = /[?&](?:rev|tag|branch)=([^&#]+)/.exec(git)?.[1];
    Object.assign(props, gitSourceProps(git.replace(/[?#].*$/s, ''), hash ?? rev));
  } else if (url !== undefined) {
    const src = stripUrlCredentials(url);
    if (src !== undefined) props['source_url'] = src;
  }
  const hashes = lockHashes([table(p['sdist']), ...arr(p['wheels']).map((w) => table(w))].map((f) => f['hash']));
  out.add({
    ecosystem: 'pypi',
    name,
    ...(version !== undefined && version !== '' ? { version } : {}),
    scope,
    hashes,
    line,
    props,
  });
}
