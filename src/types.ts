/**
 * The core vocabulary of mlbom. Scanners produce these; only `bom/` turns
 * them into CycloneDX. Keep this file free of CycloneDX types.
 */

/** A scalar or list fact about an asset, written as an `mlbom:` property. */
export type PropValue = string | number | boolean | readonly string[];

/** Facts keyed by their documented name (without the `mlbom:` prefix; see docs/PROPERTIES.md). */
export type Props = Record<string, PropValue>;

/** Something that went wrong with one input. The scan goes on. */
export interface Issue {
  /** Root-relative POSIX path, or '.' for the scan root. */
  readonly path: string;
  /** The scanner or stage that raised it (e.g. `safetensors`, `discover`). */
  readonly scanner: string;
  readonly message: string;
}

/** Weight and model serialization formats mlbom recognises. */
export type ModelFormat =
  | 'safetensors'
  | 'safetensors-index'
  | 'gguf'
  | 'onnx'
  | 'pytorch-zip'
  | 'pytorch-legacy'
  | 'pickle'
  | 'joblib'
  | 'keras'
  | 'hdf5'
  | 'tflite'
  | 'tf-savedmodel'
  | 'coreml'
  | 'coreml-package'
  | 'numpy'
  | 'numpy-zip';

/** A location in the tree where an asset was found. */
export interface Location {
  /** Root-relative POSIX path. */
  readonly path: string;
  readonly line?: number;
}

/** A parameter count, architecture, licence etc. shared by all model formats. */
export interface ModelFacts {
  name?: string;
  version?: string;
  description?: string;
  /** Free-form architecture name, e.g. `llama`, `BertForMaskedLM`. */
  architecture?: string;
  /** Family, e.g. `bert`, `llama`. */
  architectureFamily?: string;
  task?: string;
  parameterCount?: number;
  /** Licences as found: SPDX ids or free names. */
  licenses?: string[];
  quantization?: string;
  contextLength?: number;
  /** Base models (Hub ids or names). */
  baseModels?: string[];
  baseModelRelation?: string;
  /** Dataset ids the model was trained or evaluated on. */
  datasets?: string[];
  metrics?: PerformanceMetric[];
  author?: string;
}

export interface PerformanceMetric {
  readonly type: string;
  readonly value: string;
  readonly slice?: string;
}

/** A template (chat template, prompt) embedded in a model file. */
export interface EmbeddedTemplate {
  readonly source: string;
  readonly sha256: string;
}

/**
 * What a per-file scanner learned from one model file's header. Scanners
 * never throw: a file they cannot read yields `parsed: false` and a reason.
 */
export interface FileScan {
  readonly format: ModelFormat;
  readonly parsed: boolean;
  /** Why parsing failed, when `parsed` is false. */
  readonly reason?: string;
  /** Format-specific facts; names are documented in docs/PROPERTIES.md. */
  readonly props: Props;
  readonly model: ModelFacts;
  /** True when loading this file runs pickle (arbitrary code). */
  readonly pickle?: boolean;
  readonly chatTemplate?: EmbeddedTemplate;
  /** For index files: the shard files (root-relative POSIX paths) it names. */
  readonly shards?: readonly string[];
}

/** One file that is part of an asset. */
export interface AssetFile {
  /** Root-relative POSIX path. */
  readonly path: string;
  readonly size: number;
  /** Role inside a model folder: weights, config, tokenizer, card, index, other. */
  readonly role: FileRole;
  sha256?: string;
  readonly scan?: FileScan;
}

export type FileRole = 'weights' | 'index' | 'config' | 'tokenizer' | 'card' | 'template' | 'other';

export type AssetKind = 'model' | 'dataset' | 'prompt' | 'service' | 'package';

/** A thing found in the tree: one component (or service) in the BOM. */
export interface Asset {
  /** Stable identity; the BOM's bom-ref derives from it. */
  readonly id: string;
  readonly kind: AssetKind;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  description?: string;
  /** Scanner names that contributed. */
  readonly scanners: string[];
  readonly locations: Location[];
  readonly files: AssetFile[];
  readonly props: Props;
  readonly model: ModelFacts;
  /** Set when a weight file could not be parsed. */
  parsed: boolean;
}

/** The inventory of one scan: everything `bom/` needs, and nothing CycloneDX. */
export interface Inventory {
  readonly root: RootInfo;
  readonly assets: Asset[];
  readonly issues: Issue[];
}

export interface RootInfo {
  /** Display name of the scanned project. */
  readonly name: string;
  readonly version?: string;
  /** Absolute path, never written to the BOM. */
  readonly absPath: string;
}
