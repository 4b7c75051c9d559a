/**
 * pyproject.toml: PEP 621 `[project]` dependencies and optional
 * dependencies, PEP 735 `[dependency-groups]`, Poetry's
 * `[tool.poetry.*dependencies]` and groups, and the uv / PDM dev lists.
 * https://packaging.python.org/en/latest/specifications/pyproject-toml/
 * https://peps.python.org/pep-0735/
 * https://python-poetry.org/docs/pyproject/
 * NOTE: `[build-system] requires` is build tooling, not a dependency of the project.
 */
import type { DependencyScope, SourceScan } from '../../types.js';
import { normalizePypiName } from '../../util/ai-packages.js';
import { PackageCollector } from '../../util/package-asset.js';
import { TomlLocator } from './lines.js';
import { addDependencyTable } from './poetry-deps.js';
import { addPep508 } from './pypi-input.js';
import { groupScope } from './scope.js';
import { arr, isTable, parseTomlManifest, str, table, type TomlObject } from './toml.js';

export function scanPyproject(text: string, path: string, scanner: string): SourceScan {
  const out = new PackageCollector({ path, scanner, confidence: 0.95 });
  const doc = parseTomlManifest(text, out);
  if (doc === undefined) return out.result();
  const loc = new TomlLocator(text);
  const project = table(doc['project']);
  const tool = table(doc['tool']);
  const poetry = table(tool['poetry']);
  const own = str(project['name']) ?? str(poetry['name']);
  const self = own === undefined ? undefined : normalizePypiName(own);

  for (const dep of arr(project['dependencies'])) {
    addPep508(out, dep, 'required', line(loc, dep, 'project'), {}, self);
  }
  for (const [extra, deps] of Object.entries(table(project['optional-dependencies']))) {
    for (const dep of arr(deps)) {
      addPep508(out, dep, 'optional', line(loc, dep, 'project.optional-dependencies', 'project'), { dependency_group: extra }, self);
    }
  }
  addDependencyGroups(out, loc, table(doc['dependency-groups']), self);
  for (const dep of arr(table(tool['uv'])['dev-dependencies'])) {
    addPep508(out, dep, 'dev', line(loc, dep, 'tool.uv'), {}, self);
  }
  for (const [group, deps] of Object.entries(table(table(tool['pdm'])['dev-dependencies']))) {
    for (const dep of arr(deps)) {
      addPep508(out, dep, 'dev', line(loc, dep, 'tool.pdm.dev-dependencies'), { dependency_group: group }, self);
    }
  }
  addPoetry(out, loc, poetry);
  return out.result();
}

function line(loc: TomlLocator, value: unknown, ...tables: string[]): number | undefined {
  return typeof value === 'string' ? loc.stringLine(value, ...tables) : undefined;
}

/** PEP 735: lists of PEP 508 strings and `{ include-group = "…" }` tables (which add nothing new). */
function addDependencyGroups(out: PackageCollector, loc: TomlLocator, groups: TomlObject, self: string | undefined): void {
  for (const [group, deps] of Object.entries(groups)) {
    const scope = groupScope(group);
    for (const dep of arr(deps)) {
      if (isTable(dep)) continue;
      addPep508(out, dep, scope, line(loc, dep, 'dependency-groups'), { dependency_group: group }, self);
    }
  }
}

const POETRY_SKIP: ReadonlySet<string> = new Set(['python']);

function addPoetry(out: PackageCollector, loc: TomlLocator, poetry: TomlObject): void {
  const add = (deps: unknown, base: string, scope: DependencyScope, group?: string): void => {
    if (!isTable(deps)) return;
    addDependencyTable(out, deps, {
      dialect: 'poetry',
      scope,
      skip: POETRY_SKIP,
      props: group === undefined ? {} : { dependency_group: group },
      line: (name) => {
        const sub = loc.tables.find((t) => t.name === `${base}.${name}`);
        return sub !== undefined ? loc.index.lineAt(sub.start) : loc.keyLine(name, base);
      },
    });
  };
  add(poetry['dependencies'], 'tool.poetry.dependencies', 'required');
  add(poetry['dev-dependencies'], 'tool.poetry.dev-dependencies', 'dev', 'dev');
  for (const [group, def] of Object.entries(table(poetry['group']))) {
    add(table(def)['dependencies'], `tool.poetry.group.${group}.dependencies`, groupScope(group), group);
  }
}
