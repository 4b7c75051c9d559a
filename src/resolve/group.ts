/**
 * Cross-file work after the per-file scanners: decide which files make one
 * model. A Hugging Face folder (config + weights + tokenizer + card), a
 * TensorFlow SavedModel, a Core ML package, or shards plus their index are
 * each ONE model; every other scanned weight file is a model of its own.
 */
import type { Asset, AssetFile, FileRole, FileScan, Issue, Location, ModelFacts, Props } from '../types.js';
import type { WalkedFile } from '../discover/walk.js';
import { compareCodePoints, sortedUnique } from '../util/sort.js';
import { HF_SCANNER, scanHfModelDir, type HfDirScan } from '../scanners/hf-model-dir/index.js';
import { detectSavedModelDirs } from '../scanners/tf-savedmodel/index.js';
import { detectMlPackages } from '../scanners/coreml/index.js';

export interface ScannedFile {
  readonly file: WalkedFile;
  readonly size: number;
  readonly scanner: string;
  readonly scan: FileScan;
}

export interface GroupInput {
  readonly files: readonly WalkedFile[];
  readonly scanned: readonly ScannedFile[];
  readonly sizeOf: (path: string) => Promise<number>;
  readonly readText: (path: string) => Promise<string | undefined>;
}

/** A chat template found inside a model (GGUF metadata, tokenizer_config.json, chat_template.jinja). */
export interface FoundTemplate {
  readonly modelId: string;
  /** Root-relative path of the file the template sits in. */
  readonly path: string;
  readonly source: string;
  readonly sha256: string;
}

export interface GroupResult {
  readonly assets: Asset[];
  readonly templates: FoundTemplate[];
  readonly issues: Issue[];
}

/** Files that make a folder worth asking the HF reader about. */
const HF_MARKERS = new Set(['config.json', 'adapter_config.json', 'model_index.json', 'readme.md']);

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function isUnder(path: string, dir: string): boolean {
  return dir === '' || path.startsWith(`${dir}/`);
}

/**
 * The paths under a folder, in input order, without a pass over every
 * path per folder: a tree with thousands of READMEs would make that
 * quadratic. Paths sharing a prefix are contiguous in sorted order, so a
 * binary search finds the block.
 */
class PathIndex {
  private readonly sorted: { readonly path: string; readonly at: number }[];

  constructor(private readonly paths: readonly string[]) {
    // Plain `<` (UTF-16 code units): any consistent lexicographic order keeps a prefix's block contiguous.
    this.sorted = paths.map((path, at) => ({ path, at })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  under(dir: string): string[] {
    if (dir === '') return [...this.paths];
    const prefix = `${dir}/`;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] as { path: string }).path < prefix) lo = mid + 1;
      else hi = mid;
    }
    const hits: { path: string; at: number }[] = [];
    for (let i = lo; i < this.sorted.length && (this.sorted[i] as { path: string }).path.startsWith(prefix); i++) hits.push(this.sorted[i] as { path: string; at: number });
    return hits.sort((a, b) => a.at - b.at).map((h) => h.path);
  }
}

export async function groupModels(input: GroupInput): Promise<GroupResult> {
  const issues: Issue[] = [];
  const assets: Asset[] = [];
  const scannedByPath = new Map(input.scanned.map((s) => [s.file.path, s]));
  const claimed = new Set<string>();
  const claimedDirs: string[] = [];
  const underClaimed = (dir: string): boolean => claimedDirs.some((d) => d === dir || isUnder(dir, d));

  // 1. Folder formats, outermost first so a diffusers pipeline's subfolders stay inside it.
  const index = new PathIndex(input.files.map((f) => f.path));
  const byPath = new Map(input.files.map((f) => [f.path, f]));
  const folders = await folderModels(input, index, scannedByPath, issues);
  for (const folder of folders.sort((a, b) => a.dir.length - b.dir.length || compareCodePoints(a.dir, b.dir))) {
    if (underClaimed(folder.dir)) continue;
    const files = index.under(folder.dir).map((p) => byPath.get(p) as WalkedFile);
    if (files.length === 0) continue;
    claimedDirs.push(folder.dir);
    for (const f of files) claimed.add(f.path);
    issues.push(...folder.issues);
    assets.push(await folderAsset(folder, files, scannedByPath, input.sizeOf));
  }

  // 2. Shards plus their index.
  for (const s of input.scanned) {
    if (claimed.has(s.file.path) || s.scan.shards === undefined || !s.scan.parsed) continue;
    const shards = s.scan.shards.filter((p) => scannedByPath.has(p) && !claimed.has(p));
    const members = [s, ...shards.map((p) => scannedByPath.get(p) as ScannedFile)];
    for (const m of members) claimed.add(m.file.path);
    const dir = dirOf(s.file.path);
    const name = dir === '' ? baseOf(s.file.path).replace(/\.index\.json$/i, '') : baseOf(dir);
    const missing = s.scan.shards.filter((p) => !scannedByPath.has(p));
    if (missing.length > 0) {
      issues.push({ path: s.file.path, scanner: s.scanner, message: `index names ${missing.length} shard(s) not found: ${missing.slice(0, 3).join(', ')}` });
    }
    assets.push(makeAsset({
      id: `model:${s.file.path}`,
      name,
      scanners: members.map((m) => m.scanner),
      files: members.map((m) => fileOf(m, m === s ? 'index' : 'weights')),
      model: mergeWeightFacts(members.map((m) => m.scan)),
      props: missing.length > 0 ? { missing_shards: missing } : {},
      parsed: true,
    }));
  }

  // 3. Everything else scanned is a model (or an unparsed artifact) of its own.
  for (const s of input.scanned) {
    if (claimed.has(s.file.path)) continue;
    claimed.add(s.file.path);
    assets.push(makeAsset({
      id: `model:${s.file.path}`,
      name: baseOf(s.file.path),
      version: s.scan.model.version,
      description: s.scan.model.description,
      scanners: [s.scanner],
      files: [fileOf(s, 'weights')],
      model: { ...s.scan.model },
      props: {},
      parsed: s.scan.parsed,
    }));
  }
  return { assets, templates: templatesOf(assets, folders), issues };
}

function templatesOf(assets: readonly Asset[], folders: readonly FolderModel[]): FoundTemplate[] {
  const out: FoundTemplate[] = [];
  for (const a of assets) {
    for (const f of a.files) {
      const t = f.scan?.chatTemplate;
      if (t !== undefined) out.push({ modelId: a.id, path: f.path, source: t.source, sha256: t.sha256 });
    }
    const folder = folders.find((d) => a.id === `model:${d.dir === '' ? '.' : d.dir}`);
    const t = folder?.hf?.chatTemplate;
    const from = folder?.hf?.props['chat_template_path'];
    if (t !== undefined && typeof from === 'string') out.push({ modelId: a.id, path: from, source: t.source, sha256: t.sha256 });
  }
  return out;
}

interface FolderModel {
  readonly dir: string;
  readonly kind: 'hf' | 'savedmodel' | 'mlpackage';
  readonly hf?: HfDirScan;
  readonly issues: Issue[];
}

async function folderModels(input: GroupInput, index: PathIndex, scanned: Map<string, ScannedFile>, issues: Issue[]): Promise<FolderModel[]> {
  const out: FolderModel[] = [];
  const paths = input.files.map((f) => f.path);
  for (const d of detectSavedModelDirs(paths)) out.push({ dir: d.dir, kind: 'savedmodel', issues: [] });
  for (const p of detectMlPackages(paths)) out.push({ dir: p.dir, kind: 'mlpackage', issues: [] });
  const hfDirs = sortedUnique(paths.filter((p) => HF_MARKERS.has(baseOf(p).toLowerCase())).map(dirOf));
  for (const dir of hfDirs) {
    const files = index.under(dir);
    const markers = files.filter((p) => dirOf(p) === dir && baseOf(p).toLowerCase() !== 'readme.md' && HF_MARKERS.has(baseOf(p).toLowerCase()));
    // A README alone makes a model folder only when weights sit beside it, not
    // anywhere below (a repository's root README over a models/ folder).
    if (markers.length === 0 && !files.some((p) => dirOf(p) === dir && scanned.has(p))) continue;
    const hasWeights = files.some((p) => scanned.has(p));
    const hf = await scanHfModelDir({ dir, files, readText: input.readText });
    if (hf.isModelDir) out.push({ dir, kind: 'hf', hf, issues: hf.issues });
    // A broken config.json beside weights is worth a warning; in an app folder it is not ours.
    else if (hasWeights) issues.push(...hf.issues);
  }
  return out;
}

async function folderAsset(
  folder: FolderModel,
  files: readonly WalkedFile[],
  scanned: Map<string, ScannedFile>,
  sizeOf: (path: string) => Promise<number>,
): Promise<Asset> {
  const assetFiles: AssetFile[] = [];
  for (const f of files) {
    const s = scanned.get(f.path);
    const role: FileRole = folder.hf?.roles[f.path] ?? (s !== undefined ? 'weights' : 'other');
    assetFiles.push(s !== undefined ? fileOf(s, role) : { path: f.path, size: await sizeOf(f.path), role });
  }
  const weights = files.map((f) => scanned.get(f.path)).filter((s): s is ScannedFile => s !== undefined);
  const weightFacts = mergeWeightFacts(weights.map((w) => w.scan));
  const hf = folder.hf;
  const model: ModelFacts = { ...weightFacts, ...definedOnly(hf?.model ?? {}) };
  const props: Props = { ...(hf?.props ?? {}), model_layout: folder.kind };
  const dirName = folder.dir === '' ? '.' : baseOf(folder.dir);
  const hub = hf?.hub;
  return makeAsset({
    id: `model:${folder.dir === '' ? '.' : folder.dir}`,
    name: hub !== undefined ? hub.repoId.slice(hub.repoId.indexOf('/') + 1) : dirName,
    group: hub !== undefined && hub.repoId.includes('/') ? hub.repoId.slice(0, hub.repoId.indexOf('/')) : undefined,
    version: hub?.revision,
    purl: hub?.purl,
    description: model.description,
    scanners: [...(hf !== undefined ? [HF_SCANNER] : []), ...weights.map((w) => w.scanner)],
    files: assetFiles,
    model,
    props: hf?.chatTemplate !== undefined ? { ...props, chat_template_sha256: hf.chatTemplate.sha256 } : props,
    parsed: true,
    location: folder.dir === '' ? '.' : folder.dir,
  });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Facts of a model made of several weight files. Parameters are counted
 * from one format only: a folder holding both `model.safetensors` and
 * `pytorch_model.bin` has the same weights twice.
 */
export function mergeWeightFacts(scans: readonly FileScan[]): ModelFacts {
  const parsed = scans.filter((s) => s.parsed && s.format !== 'safetensors-index');
  const preferred = ['safetensors', 'gguf', 'onnx', 'pytorch-zip', 'pytorch-legacy', 'keras', 'tflite', 'numpy', 'numpy-zip'];
  const format = preferred.find((f) => parsed.some((s) => s.format === f && s.model.parameterCount !== undefined));
  const counted = parsed.filter((s) => s.format === format);
  const total = counted.reduce((n, s) => n + (s.model.parameterCount ?? 0), 0);
  const merged: ModelFacts = {};
  for (const s of parsed) Object.assign(merged, definedOnly(s.model));
  if (format !== undefined) merged.parameterCount = total;
  else delete merged.parameterCount;
  return merged;
}

function fileOf(s: ScannedFile, role: FileRole): AssetFile {
  return { path: s.file.path, size: s.size, role, scan: s.scan };
}

interface AssetSpec {
  id: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  description?: string;
  scanners: string[];
  files: AssetFile[];
  model: ModelFacts;
  props: Props;
  parsed: boolean;
  location?: string;
}

function makeAsset(spec: AssetSpec): Asset {
  const locations: Location[] = spec.location !== undefined
    ? [{ path: spec.location }]
    : spec.files.map((f) => ({ path: f.path }));
  return {
    id: spec.id,
    kind: 'model',
    name: spec.name,
    group: spec.group,
    version: spec.version,
    purl: spec.purl,
    description: spec.description,
    scanners: sortedUnique(spec.scanners),
    locations,
    files: spec.files,
    props: spec.props,
    model: spec.model,
    parsed: spec.parsed,
  };
}
