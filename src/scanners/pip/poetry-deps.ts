/**
 * Poetry and Pipfile dependency tables: `name = "^1.2"` or
 * `name = { version = "…", optional = true, extras = […], git = "…", … }`.
 * Poetry constraints: https://python-poetry.org/docs/dependency-specification/
 * Pipfile: https://pipenv.pypa.io/en/latest/specifiers.html
 */
import type { DependencyScope, Props } from '../../types.js';
import type { PackageCollector } from '../../util/package-asset.js';
import { stripUrlCredentials } from '../../util/secrets.js';
import { sortedUnique } from '../../util/sort.js';
import { exactVersion, parseRequirement } from './requirement.js';
import { arr, isTable, str, type TomlObject } from './toml.js';

export type ConstraintDialect = 'poetry' | 'pep440';

/**
 * Split a constraint into an exact version or a range. In Poetry a bare
 * `1.2.3` (or `=1.2.3`, `==1.2.3`) is an exact pin; `^`, `~`, `*`, `1.2.*`,
 * `>=1,<2` and `||` are ranges. In Pipfiles only `==`/`===` pin.
 */
export function splitConstraint(c: string, dialect: ConstraintDialect): { version?: string; range?: string } {
  const t = c.trim();
  if (t === '') return {};
  if (dialect === 'poetry') {
    const m = /^(?:==?)?\s*v?(\d+(?:\.\d+)*(?:[A-Za-z0-9.+!-]*)?)$/.exec(t);
    if (m !== null && !t.includes('*')) return { version: m[1]! };
    return { range: t };
  }
  const exact = exactVersion(t);
  return exact !== undefined ? { version: exact } : { range: t };
}

/** A git URL in its pip form, `git+<url>@<ref>`, without credentials; scp-style `git@host:path` is kept. */
function gitSourceUrl(url: string, ref: string | undefined): string | undefined {
  const bare = url.replace(/^git\+/i, '');
  const clean = stripUrlCredentials(bare) ?? (/^git@[\w.-]+:[\w./~-]+$/.test(bare) ? bare : undefined);
  if (clean === undefined) return undefined;
  return `git+${clean}${ref !== undefined ? `@${ref}` : ''}`;
}

/** The `source_url` and `vcs_ref` props of a git dependency. */
export function gitSourceProps(url: string, ref: string | undefined): Props {
  const props: Props = {};
  const source = gitSourceUrl(url, ref);
  if (source !== undefined) props['source_url'] = source;
  if (ref !== undefined) props['vcs_ref'] = ref;
  return props;
}

export interface DependencyTableOptions {
  readonly dialect: ConstraintDialect;
  readonly scope: DependencyScope;
  readonly line: (name: string) => number | undefined;
  readonly props?: Props;
  /** Keys that are not packages (`python` in Poetry). */
  readonly skip?: ReadonlySet<string>;
}

/** Add every entry of a Poetry or Pipfile dependency table. */
export function addDependencyTable(out: PackageCollector, deps: TomlObject, opts: DependencyTableOptions): void {
  for (const [name, spec] of Object.entries(deps)) {
    if (opts.skip?.has(name.toLowerCase())) continue;
    const line = opts.line(name);
    // Poetry allows a list of constraints for different markers; each is the same package.
    const specs = Array.isArray(spec) ? spec : [spec];
    if (specs.length === 0) out.issue(`empty constraint list for ${name.slice(0, 100)}`, line);
    for (const one of specs) addOne(out, name, one, opts, line);
  }
}

function addOne(out: PackageCollector, name: string, spec: unknown, opts: DependencyTableOptions, line: number | undefined): void {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name)) {
    out.issue('invalid package name', line);
    return;
  }
  const props: Props = { ...opts.props };
  if (typeof spec === 'string') {
    const { version, range } = splitConstraint(spec, opts.dialect);
    out.add({ ecosystem: 'pypi', name, scope: opts.scope, ...(version !== undefined ? { version } : { versionRange: range }), line, props });
    return;
  }
  if (!isTable(spec)) {
    out.issue(`unsupported dependency value for ${name.slice(0, 100)}`, line);
    return;
  }
  // Local folders are the project's own code, not a third-party package.
  if (str(spec['path']) !== undefined && str(spec['file']) === undefined) return;
  if (str(spec['file']) !== undefined && !/\.whl$|\.tar\.gz$|\.zip$/i.test(str(spec['file'])!)) return;
  let scope = opts.scope;
  if (spec['optional'] === true && scope === 'required') scope = 'optional';
  const extras = arr(spec['extras']).filter((e): e is string => typeof e === 'string');
  if (extras.length > 0) props['extras'] = sortedUnique(extras);
  const markers = str(spec['markers']);
  if (markers !== undefined && markers !== '') props['marker'] = markers;
  const hashes: string[] = [];
  let version: string | undefined;
  let range: string | undefined;
  const git = str(spec['git']);
  const url = str(spec['url']) ?? str(spec['file']);
  if (git !== undefined) {
    const ref = str(spec['rev']) ?? str(spec['tag']) ?? str(spec['ref']) ?? str(spec['branch']);
    Object.assign(props, gitSourceProps(git, ref));
  } else if (url !== undefined) {
    const parsed = parseRequirement(`${name} @ ${url}`, false);
    if (parsed.kind === 'requirement') {
      if (parsed.req.sourceUrl !== undefined) props['source_url'] = parsed.req.sourceUrl;
      version = parsed.req.version;
      hashes.push(...parsed.req.hashes);
    }
  } else {
    const c = str(spec['version']);
    if (c !== undefined) ({ version, range } = splitConstraint(c, opts.dialect));
  }
  out.add({
    ecosystem: 'pypi', name, scope, line, props, hashes,
    ...(version !== undefined ? { version } : range !== undefined ? { versionRange: range } : {}),
  });
}
