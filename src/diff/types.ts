/** The diff's vocabulary: normalized assets in, a stable list of changes out. */

export type AssetType = 'model' | 'dataset' | 'prompt' | 'service' | 'package' | 'other';

export const ASSET_TYPES: readonly AssetType[] = ['model', 'dataset', 'prompt', 'service', 'package', 'other'];

export interface Metric {
  value: string;
}

/** One component or service, reduced to what a release diff compares. */
export interface Asset {
  type: string;
  assetType: AssetType;
  ref: string | undefined;
  name: string;
  group: string | undefined;
  version: string | undefined;
  purl: string | undefined;
  /** purl without version, qualifiers and subpath: the strongest identity. */
  purlBase: string | undefined;
  /** first evidence occurrence path (line stripped), for local files. */
  path: string | undefined;
  props: Map<string, string[]>;
  /** flat comparable facts: hashes, license, task, architecture, considerations.*, pedigree.ancestors, service fields. */
  fields: Map<string, string>;
  /** modelCard datasets, as identities that survive bom-ref renames. */
  datasets: string[];
  metrics: Map<string, Metric>;
}

export interface Bom {
  specVersion: string;
  assets: Asset[];
}

export type ChangeKind =
  | 'added'
  | 'removed'
  | 'version-changed'
  | 'hash-changed'
  | 'integrity'
  | 'license-changed'
  | 'task-changed'
  | 'architecture-changed'
  | 'dataset-added'
  | 'dataset-removed'
  | 'metric-changed'
  | 'considerations-changed'
  | 'pedigree-changed'
  | 'quantization-changed'
  | 'format-changed'
  | 'service-changed'
  | 'finding-added'
  | 'finding-resolved'
  | 'property-changed';

export type Severity = 'major' | 'minor' | 'patch' | 'prerelease' | 'downgrade' | 'commit' | 'integrity' | 'regression' | 'improvement';

export interface Change {
  kind: ChangeKind;
  assetType: AssetType;
  /** bom-ref in NEW (in OLD for a removal). */
  ref: string | null;
  name: string;
  field: string | null;
  before: string | null;
  after: string | null;
  severity?: Severity;
  /** metric-changed only: after − before, when both are numbers. */
  delta?: number;
  /** added/format/property changes of a file that loads with pickle. */
  pickle?: true;
}

export interface DiffSummary {
  added: number;
  removed: number;
  changed: number;
  byAssetType: Record<AssetType, { added: number; removed: number; changed: number }>;
  byKind: Partial<Record<ChangeKind, number>>;
}

export interface DiffResult {
  version: 1;
  summary: DiffSummary;
  changes: Change[];
}
