/**
 * package.json: `dependencies` (required), `devDependencies` (dev),
 * `optionalDependencies` (optional) and `peerDependencies` (optional, `peer`).
 * https://docs.npmjs.com/cli/v10/configuring-npm/package-json
 */
import type { DependencyScope, Props, SourceScan } from '../../types.js';
import { LineIndex } from '../pip/lines.js';
import { PackageCollector } from '../pip/package-asset.js';
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

export function parseJsonObject(text: string, out: PackageCollector): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the text, which may hold a secret.
    out.issue('invalid json');
    return undefined;
  }
  if (!isObject(doc)) {
    out.issue('not a json object');
    return undefined;
  }
  return doc;
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
  const doc = parseJsonObject(text, out);
  if (doc === undefined) return { assets: [], relationships: [], issues: out.issues };
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
  return { assets: out.assets(), relationships: [], issues: out.issues };
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
