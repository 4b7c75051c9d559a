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
  /** What the pickle opcode walk found; set for every file that holds pickle data. */
  readonly pickleAnalysis?: PickleAnalysis;
}

/** How a global a pickle imports is judged (see docs/PICKLE.md). */
export type PickleGlobalClass = 'safe' | 'suspicious' | 'dangerous';

/** One `module.name` a pickle imports on load. */
export interface PickleGlobal {
  /** `?` when the string could not be resolved statically (always dangerous). */
  readonly module: string;
  readonly name: string;
  readonly class: PickleGlobalClass;
  readonly opcode: 'GLOBAL' | 'INST' | 'STACK_GLOBAL';
  /** The archive member (PyTorch zip, npz) the pickle sits in; absent for a plain pickle file. */
  readonly member?: string;
}

/**
 * The result of walking every pickle in a file without unpickling it.
 * - `complete`: every stream was walked to its STOP;
 * - `partial`: globals were collected, but some stream was truncated,
 *   malformed or over budget, so more imports may hide after that point;
 * - `not-analyzed`: no opcode could be read (e.g. compressed joblib).
 * Only `complete` with no dangerous or suspicious global is clean.
 */
export interface PickleAnalysis {
  readonly status: 'complete' | 'partial' | 'not-analyzed';
  /** Why it is not complete. */
  readonly reason?: string;
  /** Distinct globals, sorted by member, module, name. */
  readonly globals: readonly PickleGlobal[];
  /** Pickle streams walked (a stream may hold several pickles back to back). */
  readonly streams: number;
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

/** External AI API providers mlbom recognises. */
export type ProviderId =
  | 'openai'
  | 'azure-openai'
  | 'anthropic'
  | 'google-gemini'
  | 'google-vertex'
  | 'aws-bedrock'
  | 'mistral'
  | 'cohere'
  | 'groq'
  | 'together'
  | 'ollama'
  | 'huggingface-inference';

/** An external AI API the code calls. */
export interface ServiceFacts {
  readonly provider: ProviderId;
  /** Base URLs, e.g. `https://api.openai.com/v1`. */
  readonly endpoints: string[];
  /** Whether the API needs credentials (Ollama on localhost does not). */
  readonly authenticated: boolean;
  /** Names (never values) of the environment variables that carry credentials or config. */
  readonly envVars: string[];
  /** SDKs or wrappers seen, e.g. `openai`, `langchain-openai`. */
  readonly sdks: string[];
}

/** A prompt or template kept as a file (or inside a model file). */
export interface PromptFacts {
  /** e.g. `dotprompt`, `prompty`, `prompt-yaml`, `langchain`, `template`, `chat-template`. */
  readonly format: string;
  /** Template variable names, sorted. */
  readonly variables: string[];
  /** The model the prompt declares, as written. */
  readonly model?: string;
  /** SHA-256 of the prompt content. */
  readonly sha256: string;
}

export type DependencyScope = 'required' | 'optional' | 'dev';

/** A package from a dependency manifest or lock file. */
export interface PackageFacts {
  readonly ecosystem: 'pypi' | 'npm' | 'conda';
  /** The range as written when it is not an exact pin (never used as the version). */
  readonly versionRange?: string;
  readonly scope: DependencyScope;
  /** An AI framework or SDK (torch, transformers, openai, langchain…). */
  readonly ai: boolean;
  /** Hashes from lock files or `--hash=`, as `alg:hex` (e.g. `sha256:ab…`). */
  readonly hashes?: string[];
}

/** A local data file or dataset folder. */
export interface DatasetFacts {
  /** File formats present, e.g. `csv`, `parquet`. */
  readonly formats?: string[];
  /** Row count for line formats, when counted (capped; see `rowsCapped`). */
  readonly rows?: number;
  readonly rowsCapped?: boolean;
  /** Free-text description of the contents. */
  readonly contents?: string;
  /** e.g. `public`, `internal` when the card or config says. */
  readonly classification?: string;
}

/** How an asset relates to another. The BOM's dependency graph is built from these. */
export type RelationshipType = 'uses' | 'trained-on' | 'targets' | 'serves';

export interface Relationship {
  /** Asset ids. */
  readonly from: string;
  readonly to: string;
  readonly type: RelationshipType;
}

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
  /**
   * How sure the scanner is that this is a real asset, 0..1: 1 for a parsed
   * header, lower for a string that merely looks like a model id.
   */
  confidence?: number;
  /**
   * For a reference found in code or config: the local path it names, as
   * written. Resolve links it to the local model or dataset found there
   * instead of keeping a second component.
   */
  localPath?: string;
  /** A reference not pinned to an immutable revision (Hub branch, tag, or nothing). */
  unpinned?: boolean;
  /** `trust_remote_code=True` was passed when loading it. */
  trustRemoteCode?: boolean;
  /** Who publishes it (a Hub author or organization). */
  supplier?: string;
  /** Registry facts were applied (so a missing licence is really missing, not merely unlooked-up). Not written to the BOM. */
  enriched?: boolean;
  /** Links for the reader: the Hub page, the source repository. */
  externalReferences?: ExternalRef[];
  /**
   * Files of the published revision, from the registry, with their
   * SHA-256: hashes for weights that are not on disk.
   */
  upstreamFiles?: UpstreamFile[];
  service?: ServiceFacts;
  prompt?: PromptFacts;
  pkg?: PackageFacts;
  dataset?: DatasetFacts;
}

export interface ExternalRef {
  readonly url: string;
  readonly type: 'website' | 'distribution' | 'vcs' | 'documentation';
}

export interface UpstreamFile {
  /** Path inside the repository. */
  readonly name: string;
  readonly size?: number;
  readonly sha256: string;
}

/** What a source scanner (code, config, manifests, prompts, data) returns for one file. */
export interface SourceScan {
  readonly assets: Asset[];
  readonly relationships: Relationship[];
  readonly issues: Issue[];
}

/** The inventory of one scan: everything `bom/` needs, and nothing CycloneDX. */
export interface Inventory {
  readonly root: RootInfo;
  readonly assets: Asset[];
  /** Links between assets (project → asset links are implied). */
  readonly relationships: Relationship[];
  readonly issues: Issue[];
  /** Risks found by `findRisks` (after enrichment); absent until then. */
  readonly findings?: readonly Finding[];
}

/** How bad a finding is (ordered in `findings/rules.ts`: info < low < medium < high < critical). */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** A supply-chain or integrity risk found in the inventory (rules in `findings/rules.ts`). */
export interface Finding {
  /** Stable across runs on the same tree: the rule id and a short hash of component, evidence and details. */
  readonly id: string;
  /** The rule that raised it, e.g. `unsafe-pickle`. */
  readonly rule: string;
  readonly severity: Severity;
  /** The asset it is about (an `Asset.id`). */
  readonly assetId: string;
  /** One sentence naming what is wrong, for people. */
  readonly message: string;
  /** Where it shows: files with a line when known. Sorted. */
  readonly evidence: readonly Location[];
  /** What to do about it. */
  readonly remediation: string;
  /** Specifics, e.g. the offending globals `os.system`. Sorted. */
  readonly details?: readonly string[];
}

export interface RootInfo {
  /** Display name of the scanned project. */
  readonly name: string;
  readonly version?: string;
  /** Absolute path, never written to the BOM. */
  readonly absPath: string;
}
