/**
 * package-lock.json / npm-shrinkwrap.json. v2 and v3 carry a flat
 * `packages` map keyed by install path (`node_modules/a/node_modules/b`);
 * v1 only the nested `dependencies` tree, read as a fallback.
 * https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json
 *
 * Lock files reach 10+ MB with thousands of entries: the text is parsed
 * once, and line numbers come from one regex pass over the keys plus a
 * binary search per key.
 */
import type { DependencyScope, Props, SourceScan } from '../../types.js';
import { PackageCollector, parseJsonManifest } from '../../util/package-asset.js';
import { stripUrlCredentials } from '../../util/secrets.js';
import { compareCodePoints } from '../../util/sort.js';
import { findJsonObjectKey, LineIndex } from '../../util/text-lines.js';
import { isObject } from './package-json.js';
import { classifyNpmSpec, exactSemver, gitProps, integrityHashes } from './spec.js';

const NM = 'node_modules/';
/** The registry tarball layout `…/<name>/-/<file>.tgz`: a normal registry install, nothing to record. */
const REGISTRY_TARBALL = /^https?:\/\/[^/]+\/(?:.*\/)?-\/[^/]+\.tgz$/i;
const MAX_V1_DEPTH = 64;

export function scanPackageLock(text: string, path: string, scanner: string): SourceScan {
  const out = new PackageCollector({ path, scanner, confidence: 1 });
  const doc = parseJsonManifest(text, out);
  if (doc === undefined) return out.result();
  const index = new LineIndex(text);
  if (isObject(doc['packages'])) scanPackages(out, doc['packages'], text, index);
  else if (isObject(doc['dependencies'])) scanV1(out, doc['dependencies'], text, index);
  else out.issue('no packages or dependencies in the lock file');
  return out.result();
}

/** Offsets of every `"…node_modules/…":` key, in one pass. */
function keyOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const m of text.matchAll(/"((?:[^"\\\n]|\\.)*node_modules\/(?:[^"\\\n]|\\.)*)"\s*:/g)) {
    if (!offsets.has(m[1]!)) offsets.set(m[1]!, m.index);
  }
  return offsets;
}

function depth(key: string): number {
  return key.split(NM).length;
}

function scanPackages(out: PackageCollector, packages: Record<string, unknown>, text: string, index: LineIndex): void {
  const root = isObject(packages['']) ? packages[''] : {};
  const direct = new Set<string>();
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = root[section];
    if (isObject(deps)) for (const name of Object.keys(deps)) direct.add(name);
  }
  const offsets = keyOffsets(text);
  // Hoisted copies first, so the version a project actually resolves wins over nested ones.
  const keys = Object.keys(packages)
    .filter((k) => k.startsWith(NM) || k.includes(`/${NM}`))
    .sort((a, b) => depth(a) - depth(b) || compareCodePoints(a, b));
  for (const key of keys) {
    const entry = packages[key];
    const at = offsets.get(key);
    const line = at === undefined ? undefined : index.lineAt(at);
    if (!isObject(entry)) {
      out.issue('lock entry is not an object', line);
      continue;
    }
    if (entry['link'] === true) continue; // a symlink to a workspace package
    const keyName = key.slice(key.lastIndexOf(NM) + NM.length);
    const name = typeof entry['name'] === 'string' ? entry['name'] : keyName;
    const props: Props = {};
    if (name !== keyName) props['alias'] = keyName;
    if (key === `${NM}${keyName}` && direct.has(keyName)) props['direct'] = true;
    addEntry(out, name, entry, line, props);
  }
}

function scopeOf(entry: Record<string, unknown>, props: Props): DependencyScope {
  if (entry['dev'] === true || entry['devOptional'] === true) return 'dev';
  if (entry['peer'] === true) props['peer'] = true;
  if (entry['optional'] === true || entry['peer'] === true) return 'optional';
  return 'required';
}

function resolvedProps(resolved: unknown): Props {
  if (typeof resolved !== 'string' || REGISTRY_TARBALL.test(resolved.replace(/[?#].*$/s, ''))) return {};
  if (/^(git\+|git:|github:|gitlab:|bitbucket:)/i.test(resolved)) return gitProps(resolved);
  if (/^https?:\/\//i.test(resolved)) {
    const src = stripUrlCredentials(resolved);
    return src === undefined ? {} : { source_url: src };
  }
  if (/^file:/i.test(resolved)) return { local_path: resolved.slice(5) };
  return {};
}

function addEntry(out: PackageCollector, name: string, entry: Record<string, unknown>, line: number | undefined, base: Props): void {
  const props: Props = { ...base, ...resolvedProps(entry['resolved']) };
  const scope = scopeOf(entry, props);
  const raw = typeof entry['version'] === 'string' ? entry['version'] : undefined;
  const version = raw === undefined ? undefined : exactSemver(raw) ?? undefined;
  out.add({
    ecosystem: 'npm',
    name,
    ...(version !== undefined ? { version } : {}),
    scope,
    hashes: integrityHashes(entry['integrity']),
    line,
    props,
  });
}

/** lockfileVersion 1: a nested tree; `version` may be `npm:real@1.0.0`, a git URL or `file:`. */
function scanV1(out: PackageCollector, deps: Record<string, unknown>, text: string, index: LineIndex): void {
  const found: Array<{ key: string; entry: Record<string, unknown>; level: number; line: number | undefined }> = [];
  let cursor = 0;
  let tooDeep = false;
  const visit = (tree: Record<string, unknown>, level: number): void => {
    if (level > MAX_V1_DEPTH) {
      tooDeep = true;
      return;
    }
    for (const [key, entry] of Object.entries(tree)) {
      // Keys appear in the text in the order JSON.parse returns them, so a moving cursor finds each once.
      const at = findJsonObjectKey(text, key, cursor);
      if (at !== -1) cursor = at + key.length;
      if (!isObject(entry)) continue;
      found.push({ key, entry, level, line: at === -1 ? undefined : index.lineAt(at) });
      if (isObject(entry['dependencies'])) visit(entry['dependencies'], level + 1);
    }
  };
  visit(deps, 1);
  if (tooDeep) out.issue('dependency tree nested too deeply');
  // Hoisted (top-level) copies first, as for v2: Array.prototype.sort is stable.
  found.sort((a, b) => a.level - b.level);
  for (const { key, entry, line } of found) {
    const spec = classifyNpmSpec(key, typeof entry['version'] === 'string' ? entry['version'] : '');
    if (spec.props['local_path'] !== undefined) continue;
    const props: Props = { ...spec.props };
    addEntry(out, spec.name, { ...entry, version: spec.version ?? '' }, line, props);
  }
}
