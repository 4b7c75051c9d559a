/**
 * package.json: `dependencies` (required), `devDependencies` (dev),
 * `optionalDependencies` (optional) and `peerDependencies` (optional, `peer`).
 * https://docs.npmjs.com/cli/v10/configuring-npm/package-json
 */
import type { DependencyScope, Props, SourceScan } from '../../types.js';
import { PackageCollector, parseJsonManifest } from '../../util/package-asset.js';
import { LineIndex } from '../../util/text-lines.js';
import { classifyNpmSpec } from './spec.js';

const SECTIONS: ReadonlyArray<[string, DependencyScope, Props]> = [
  ['dependencies', 'required', {}],
  ['optionalDependencies', 'optional', {}],
  ['peerDependencies', 'optional', { peer: true }],
  ['devDependencies', 'dev', {}],
];

/** npm's name rule, loosely: no spaces or quotes, at most one `@scope/` prefix. */
const NPM_NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9_.~-][\w.~-]*$/i;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Offsets of each section's object, so names are looked up only inside it. */
function sectionRange(text: string, section: string): { start: number; end: number } | undefined {
  const m = new RegExp(`"${section}"\\s*:\\s*\\{`).exec(text);
  if (m === null) return undefined;
  const start = m.index + m[0].length;
  // Dependency maps hold only strings, so the first `}` closes the section.
  const end = text.indexOf('}', start);
  return { start, end: end === -1 ? text.length : end };
}

export function scanPackageJson(text: string, path: string, scanner: string): SourceScan {
  const out = new PackageCollector({ path, scanner, confidence: 0.95 });
  const doc = parseJsonManifest(text, out);
  if (doc === undefined) return out.result();
  const index = new LineIndex(text);
  const self = typeof doc['name'] === 'string' ? doc['name'] : undefined;
  for (const [section, scope, props] of SECTIONS) {
    const deps = doc[section];
    if (deps === undefined) continue;
    if (!isObject(deps)) {
      out.issue(`${section} is not an object`);
      continue;
    }
    const range = sectionRange(text, section);
    let cursor = range?.start ?? 0;
    for (const [key, spec] of Object.entries(deps)) {
      let line: number | undefined;
      if (range !== undefined) {
        const at = text.indexOf(`"${key}"`, cursor);
        if (at !== -1 && at < range.end) {
          line = index.lineAt(at);
          cursor = at + key.length;
        }
      }
      addDependency(out, key, spec, scope, props, line, self);
    }
  }
  return out.result();
}

function addDependency(
  out: PackageCollector, key: string, spec: unknown, scope: DependencyScope, base: Props, line: number | undefined, self: string | undefined,
): void {
  if (!NPM_NAME.test(key)) {
    out.issue('invalid package name', line);
    return;
  }
  if (typeof spec !== 'string') {
    out.issue(`version of ${key} is not a string`, line);
    return;
  }
  const parsed = classifyNpmSpec(key, spec);
  if (parsed.name === self || !NPM_NAME.test(parsed.name)) return;
  out.add({
    ecosystem: 'npm',
    name: parsed.name,
    ...(parsed.version !== undefined ? { version: parsed.version } : {}),
    ...(parsed.range !== undefined ? { versionRange: parsed.range } : {}),
    scope,
    line,
    props: { ...base, ...parsed.props },
  });
}
