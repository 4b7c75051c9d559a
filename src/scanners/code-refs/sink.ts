/**
 * Collects one file's assets, merging repeated references to the same id
 * (two `from_pretrained` calls for model and tokenizer are one model with
 * two locations), and produces the sorted SourceScan.
 */
import type { Asset, AssetKind, Issue, Props, Relationship, RelationshipType, ServiceFacts } from '../../types.js';
import { secretProvider } from '../../util/secrets.js';
import { compareCodePoints, sortedBy, sortedUnique } from '../../util/sort.js';

export const SCANNER = 'code-refs';

export interface AssetInit {
  id: string;
  kind: AssetKind;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  line: number;
  confidence: number;
  props?: Props;
  localPath?: string;
  unpinned?: boolean;
  trustRemoteCode?: boolean;
  task?: string;
  service?: ServiceFacts;
}

export class Sink {
  private readonly assets = new Map<string, Asset>();
  private readonly relationships = new Map<string, Relationship>();
  private readonly issues = new Map<string, Issue>();
  /** Model strings already attributed to an API provider in this file: not Hub ids as well. */
  readonly apiModelTexts = new Set<string>();

  constructor(readonly path: string) {}

  has(id: string): boolean {
    return this.assets.has(id);
  }

  get(id: string): Asset | undefined {
    return this.assets.get(id);
  }

  add(init: AssetInit): Asset {
    const found = this.assets.get(init.id);
    if (found !== undefined) {
      merge(found, init, this.path);
      return found;
    }
    const asset: Asset = {
      id: init.id,
      kind: init.kind,
      name: init.name,
      scanners: [SCANNER],
      locations: [{ path: this.path, line: init.line }],
      files: [],
      props: { ...(init.props ?? {}) },
      model: init.task === undefined ? {} : { task: init.task },
      parsed: true,
      confidence: init.confidence,
    };
    if (init.group !== undefined) asset.group = init.group;
    if (init.version !== undefined) asset.version = init.version;
    if (init.purl !== undefined) asset.purl = init.purl;
    if (init.localPath !== undefined) asset.localPath = init.localPath;
    if (init.unpinned === true) asset.unpinned = true;
    if (init.trustRemoteCode === true) asset.trustRemoteCode = true;
    if (init.service !== undefined) asset.service = init.service;
    this.assets.set(init.id, asset);
    return asset;
  }

  relate(from: string, to: string, type: RelationshipType): void {
    if (from !== to) this.relationships.set(`${from}\u0000${to}\u0000${type}`, { from, to, type });
  }

  issue(message: string): void {
    this.issues.set(message, { path: this.path, scanner: SCANNER, message });
  }

  result(): { assets: Asset[]; relationships: Relationship[]; issues: Issue[] } {
    // Last line of defence: nothing shaped like a key leaves the scanner, whatever path it took.
    const assets = sortedBy([...this.assets.values()].filter((a) => secretProvider(JSON.stringify(a)) === undefined), (a) => a.id);
    const kept = new Set(assets.map((a) => a.id));
    for (const a of assets) {
      const lines = [...new Set(a.locations.map((l) => l.line ?? 0))].sort((x, y) => x - y);
      a.locations.splice(0, a.locations.length, ...lines.map((line) => ({ path: this.path, line })));
    }
    const relationships = [...this.relationships.values()].filter((r) => kept.has(r.from) && kept.has(r.to)).sort((x, y) =>
      compareCodePoints(`${x.from}\u0000${x.to}\u0000${x.type}`, `${y.from}\u0000${y.to}\u0000${y.type}`),
    );
    const issues = sortedBy(this.issues.values(), (i) => i.message);
    return { assets, relationships, issues };
  }
}

/** A second sighting of the same id: more evidence, facts accumulate. */
function merge(a: Asset, init: AssetInit, path: string): void {
  a.locations.push({ path, line: init.line });
  a.confidence = Math.max(a.confidence ?? 0, init.confidence);
  for (const [k, v] of Object.entries(init.props ?? {})) {
    if (!(k in a.props) || v === true) a.props[k] = v;
  }
  if (a.version === undefined && init.version !== undefined) {
    a.version = init.version;
    a.purl = init.purl;
  }
  // As in resolve's merge: a pin seen anywhere is the version, and the asset is not "unpinned".
  if (init.unpinned === true && a.version === undefined) a.unpinned = true;
  if (a.version !== undefined) delete a.unpinned;
  if (init.trustRemoteCode === true) a.trustRemoteCode = true;
  if (a.model.task === undefined && init.task !== undefined) a.model.task = init.task;
  if (init.service !== undefined && a.service !== undefined) {
    a.service = {
      provider: a.service.provider,
      endpoints: sortedUnique([...a.service.endpoints, ...init.service.endpoints]),
      authenticated: a.service.authenticated || init.service.authenticated,
      envVars: sortedUnique([...a.service.envVars, ...init.service.envVars]),
      sdks: sortedUnique([...a.service.sdks, ...init.service.sdks]),
    };
  }
}
