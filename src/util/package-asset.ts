/**
 * Building `package` assets, shared by the pip, conda and npm scanners, and
 * reading their JSON manifests.
 * Ids: `package:pypi:<PEP 503 name>`, `package:npm:<name as is>`,
 * `package:conda:<lowercased name>`. Purls via packageurl-js
 * (https://github.com/package-url/purl-spec).
 */
import { PackageURL } from 'packageurl-js';
import type { Asset, DependencyScope, Issue, PackageFacts, PropValue, Props, SourceScan } from '../types.js';
import { aiPackageCategory, normalizePypiName } from './ai-packages.js';
import { compareCodePoints, sortedUnique } from './sort.js';

export type Ecosystem = PackageFacts['ecosystem'];

/** One dependency as a parser saw it. */
export interface PackageInput {
  readonly ecosystem: Ecosystem;
  /** The name as written (normalized here). */
  readonly name: string;
  /** Only an exact pin or a locked version. */
  readonly version?: string;
  /** The range as written, when not exact. */
  readonly versionRange?: string;
  readonly scope: DependencyScope;
  readonly hashes?: readonly string[];
  readonly line?: number;
  /** conda channel, for the purl qualifier. */
  readonly channel?: string;
  /** Overrides the file's confidence (e.g. a name guessed from a URL). */
  readonly confidence?: number;
  readonly props?: Props;
}

/** What is common to every dependency of one file. */
export interface ManifestContext {
  readonly path: string;
  readonly scanner: string;
  /** 1 for lock files, 0.95 for manifests. */
  readonly confidence: number;
}

export function packageId(ecosystem: Ecosystem, name: string): string {
  return `package:${ecosystem}:${canonicalName(ecosystem, name)}`;
}

function canonicalName(ecosystem: Ecosystem, name: string): string {
  if (ecosystem === 'pypi') return normalizePypiName(name);
  if (ecosystem === 'conda') return name.toLowerCase();
  return name;
}

/** `@scope/x` → ['@scope', 'x']; anything else has no group. */
export function splitNpmName(name: string): [string | undefined, string] {
  const m = /^(@[^/]+)\/(.+)$/.exec(name);
  return m === null ? [undefined, name] : [m[1]!, m[2]!];
}

export function packagePurl(ecosystem: Ecosystem, name: string, version?: string, channel?: string): string | undefined {
  const canonical = canonicalName(ecosystem, name);
  const [namespace, short] = ecosystem === 'npm' ? splitNpmName(canonical) : [undefined, canonical];
  const qualifiers = ecosystem === 'conda' && channel !== undefined && channel !== '' ? { channel } : undefined;
  try {
    return new PackageURL(ecosystem, namespace, short, version, qualifiers, undefined).toString();
  } catch {
    return undefined;
  }
}

function createAsset(input: PackageInput, ctx: ManifestContext): Asset {
  // Plain assignments, not conditional spreads: V8 clones spread objects slowly and
  // a 3000-entry lock file (or a 50k-line requirements file) builds one asset per entry.
  const canonical = canonicalName(input.ecosystem, input.name);
  const [group, name] = input.ecosystem === 'npm' ? splitNpmName(canonical) : [undefined, canonical];
  const category = aiPackageCategory(input.ecosystem, canonical);
  const props: Props = Object.assign({}, input.props);
  props['manifest'] = ctx.path.slice(ctx.path.lastIndexOf('/') + 1);
  if (category !== undefined) props['ai_category'] = category;
  const pkg: { -readonly [K in keyof PackageFacts]: PackageFacts[K] } = { ecosystem: input.ecosystem, scope: input.scope, ai: category !== undefined };
  if (input.versionRange !== undefined && input.versionRange !== '') pkg.versionRange = input.versionRange;
  if (input.hashes !== undefined && input.hashes.length > 0) pkg.hashes = sortedUnique(input.hashes);
  const asset: Asset = {
    id: `package:${input.ecosystem}:${canonical}`,
    kind: 'package',
    name,
    scanners: [ctx.scanner],
    locations: [input.line === undefined ? { path: ctx.path } : { path: ctx.path, line: input.line }],
    files: [],
    props,
    model: {},
    parsed: true,
    confidence: input.confidence ?? ctx.confidence,
    pkg,
  };
  if (group !== undefined) asset.group = group;
  if (input.version !== undefined) asset.version = input.version;
  const purl = packagePurl(input.ecosystem, canonical, input.version, input.channel);
  if (purl !== undefined) asset.purl = purl;
  return asset;
}

/**
 * Parse a JSON manifest or lock file to its top-level object; what is wrong
 * with it becomes the file's one issue. JSON.parse messages quote the text,
 * which may hold a secret, so they are not repeated.
 */
export function parseJsonManifest(text: string, out: PackageCollector, notObject = 'not a json object'): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    out.issue('invalid json');
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    out.issue(notObject);
    return undefined;
  }
  return doc as Record<string, unknown>;
}

const SCOPE_RANK: Readonly<Record<DependencyScope, number>> = { required: 0, optional: 1, dev: 2 };

/**
 * Collects one file's packages. The same package twice in a file (two
 * markers, a nested lock copy) is one asset: the first version wins, other
 * versions go to `other_versions`, locations are merged, hashes too when
 * the versions agree, and the scope is the strongest seen
 * (required > optional > dev).
 */
export class PackageCollector {
  private readonly byId = new Map<string, Asset>();
  readonly issues: Issue[] = [];

  constructor(readonly ctx: ManifestContext) {}

  issue(message: string, line?: number): void {
    this.issues.push({ path: this.ctx.path, scanner: this.ctx.scanner, message: line === undefined ? message : `line ${line}: ${message}` });
  }

  add(input: PackageInput): void {
    if (input.name === '') return;
    const next = createAsset(input, this.ctx);
    const prev = this.byId.get(next.id);
    if (prev === undefined) {
      this.byId.set(next.id, next);
      return;
    }
    this.byId.set(next.id, mergeAssets(prev, next));
  }

  assets(): Asset[] {
    return [...this.byId.values()].sort((a, b) => compareCodePoints(a.id, b.id));
  }

  /** The file's scan: its packages, sorted by id, and its issues. */
  result(): SourceScan {
    return { assets: this.assets(), relationships: [], issues: this.issues };
  }
}

function mergeAssets(prev: Asset, next: Asset): Asset {
  const props: Props = { ...next.props, ...prev.props };
  const versions = sortedUnique([...asList(prev.props['other_versions']), ...asList(next.props['other_versions'])]);
  if (next.version !== undefined && prev.version !== undefined && next.version !== prev.version) versions.push(next.version);
  const others = sortedUnique(versions).filter((v) => v !== (prev.version ?? next.version));
  if (others.length > 0) props['other_versions'] = others;
  const extras = sortedUnique([...asList(prev.props['extras']), ...asList(next.props['extras'])]);
  if (extras.length > 0) props['extras'] = extras;
  const p = prev.pkg!;
  const n = next.pkg!;
  // Hashes belong to one version: a nested copy at another version must not lend its hashes.
  const sameVersion = next.version === undefined || prev.version === undefined || next.version === prev.version;
  const hashes = sortedUnique([...(p.hashes ?? []), ...(sameVersion ? n.hashes ?? [] : [])]);
  const range = p.versionRange ?? n.versionRange;
  const version = prev.version ?? next.version;
  const locations = [...prev.locations];
  for (const loc of next.locations) {
    if (!locations.some((l) => l.path === loc.path && l.line === loc.line)) locations.push(loc);
  }
  locations.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const purl = version === prev.version ? prev.purl : next.purl;
  return {
    ...prev,
    ...(version !== undefined ? { version } : {}),
    ...(purl !== undefined ? { purl } : {}),
    locations,
    props,
    confidence: Math.max(prev.confidence ?? 0, next.confidence ?? 0),
    pkg: {
      ...p,
      ...(range !== undefined ? { versionRange: range } : {}),
      scope: SCOPE_RANK[n.scope] < SCOPE_RANK[p.scope] ? n.scope : p.scope,
      ...(hashes.length > 0 ? { hashes } : {}),
    },
  };
}

function asList(v: PropValue | undefined): string[] {
  return Array.isArray(v) ? [...(v as readonly string[])] : [];
}
