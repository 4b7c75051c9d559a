/**
 * The parse half of the scan: classify walked files, run the model and
 * source scanners, group files into models, find datasets, prompts and
 * chat templates, and merge it all into assets (still without digests).
 *
 * It is its own module so that `scan.ts` can load it (every scanner and
 * their parsers: about a third of start-up) while the worker pool is
 * already hashing the weight files the walk found.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { buildId } from './build-id.js';
import { classify, type Candidate } from './discover/classify.js';
import type { WalkedFile } from './discover/walk.js';
import { chatTemplatePrompts } from './resolve/chat-templates.js';
import { dataFileAssets } from './resolve/data-files.js';
import { groupModels, type ScannedFile } from './resolve/group.js';
import { mergeAssets, resolveLocalPath } from './resolve/merge.js';
import { SourceResultCache } from './scanners/result-cache.js';
import { runSourceScanners } from './scanners/run.js';
import { huggingfacePurl } from './scanners/hf-model-dir/index.js';
import { CLAIMED_FORMAT, FILE_SCANNERS, SOURCE_SCANNERS } from './scanners/registry.js';
import type { Asset, FileScan, Issue, Relationship, RootInfo } from './types.js';
import { openFileSource } from './util/byte-source.js';
import { mapLimit } from './util/pool.js';
import { compareCodePoints } from './util/sort.js';

/** Small text files (configs, cards) are read whole up to this size. */
const MAX_TEXT_FILE = 4 * 1024 * 1024;

export interface Parsed {
  readonly assets: Asset[];
  readonly relationships: Relationship[];
  /** Files whose header could not even be read: reported already, not to be hashed. */
  readonly unreadable: ReadonlySet<string>;
}

export interface ParseOptions {
  readonly absRoot: string;
  /** Source-scanner results are cached in `<cacheDir>/sources/`; false or undefined for no cache. */
  readonly cacheDir?: string | false;
  /** Source files done of those claimed, as runSourceScanners goes. */
  readonly onProgress?: (done: number, total: number, path: string) => void;
}

/** Everything the scan finds in the walked files, with issues streamed to `report`. */
export async function parseTree(files: readonly WalkedFile[], report: (issues: readonly Issue[]) => void, options: ParseOptions): Promise<Parsed> {
  const classifyIssues: Issue[] = [];
  const candidates = await classify(files, FILE_SCANNERS, classifyIssues);
  report(classifyIssues);

  const scanned = await mapLimit(candidates, 8, runScanner);
  report(scanned.filter((s) => !s.scan.parsed).map((s) => ({ path: s.file.path, scanner: s.scanner, message: s.scan.reason ?? 'could not be parsed' })));

  const byPath = new Map(files.map((f) => [f.path, f]));
  const exists = pathExists(files);
  const cache = await openSourceCache(options, report);
  const sources = await runSourceScanners(files, SOURCE_SCANNERS, exists, { cache, onProgress: options.onProgress });
  await cache?.save();
  report(sources.issues);

  const grouped = await groupModels({
    files,
    scanned,
    sizeOf: async (p) => fileSize(byPath.get(p)),
    readText: async (p) => readSmallText(byPath.get(p)),
  });
  report(grouped.issues);
  const templates = chatTemplatePrompts(grouped.templates);

  const dataIssues: Issue[] = [];
  const referenced = referencedPaths(sources.assets, exists);
  const dataFiles = await dataFileAssets(files, referenced, sources.assets, dataIssues);
  report(dataIssues);

  const merged = mergeAssets(
    [...grouped.assets, ...cardDatasets(grouped.assets), ...sources.assets, ...templates.assets, ...dataFiles],
    [...sources.relationships, ...templates.relationships, ...promptModelLinks(sources.assets)],
  );
  const unreadable = new Set(candidates.filter((c) => c.unreadable !== undefined).map((c) => c.file.path));
  return { assets: merged.assets, relationships: merged.relationships, unreadable };
}

/** The cache of source-scanner results, when there is a cache folder and the build has an id (build-id.ts). */
async function openSourceCache(options: ParseOptions, report: (issues: readonly Issue[]) => void): Promise<SourceResultCache | undefined> {
  const fingerprint = buildId();
  if (options.cacheDir === undefined || options.cacheDir === false || fingerprint === undefined) return undefined;
  return SourceResultCache.open({
    dir: join(options.cacheDir, 'sources'),
    rootRealPath: await realpath(options.absRoot).catch(() => options.absRoot),
    fingerprint,
    // The cache is not a scanned file: its warnings name the scan root.
    onWarning: (message) => report([{ path: '.', scanner: 'source-cache', message }]),
  });
}

/** A set of every file and folder path in the walk, for scanners that link relative paths. */
export function pathExists(files: readonly WalkedFile[]): (path: string) => boolean {
  // Built on the first question: a rescan answered from the source cache may ask none.
  let all: Set<string> | undefined;
  return (p) => {
    if (all === undefined) {
      all = new Set<string>(['.']);
      for (const f of files) {
        all.add(f.path);
        for (let i = f.path.indexOf('/'); i !== -1; i = f.path.indexOf('/', i + 1)) all.add(f.path.slice(0, i));
      }
    }
    return all.has(p.replace(/^\.\//, '').replace(/\/+$/, ''));
  };
}

/** Data files that code or config names by path; they are datasets wherever they sit. */
function referencedPaths(assets: readonly Asset[], exists: (p: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const a of assets) {
    if (a.kind !== 'dataset' || a.localPath === undefined) continue;
    for (const p of resolveLocalPath(a.localPath, a.locations[0]?.path ?? '')) if (exists(p)) out.add(p);
  }
  return out;
}

/** A chat_template.jinja beside a model folder targets that model (prompt-files records the folder). */
function promptModelLinks(assets: readonly Asset[]): Relationship[] {
  return assets
    .filter((a) => a.kind === 'prompt' && typeof a.props['model_dir'] === 'string')
    .map((a) => ({ from: a.id, to: `model:${a.props['model_dir'] as string}`, type: 'targets' as const }));
}

async function runScanner(c: Candidate): Promise<ScannedFile> {
  const base = { file: c.file, size: c.size, scanner: c.scanner.name };
  if (c.unreadable !== undefined) return { ...base, scan: failed(c, c.unreadable) };
  try {
    const src = await openFileSource(c.file.absPath);
    try {
      return { ...base, size: src.size, scan: await c.scanner.scan(src, { path: c.file.path }) };
    } finally {
      await src.close();
    }
  } catch (err) {
    // Scanners do not throw on bad content; this is I/O, or a scanner bug that must not stop the scan.
    const code = (err as NodeJS.ErrnoException).code;
    return { ...base, scan: failed(c, code !== undefined ? `cannot read (${code})` : `scanner failed: ${(err as Error).message}`) };
  }
}

function failed(c: Candidate, reason: string): FileScan {
  // The format the name claims; the scanner could not confirm it.
  return { format: CLAIMED_FORMAT[c.scanner.name] ?? 'pickle', parsed: false, reason, props: {}, model: {} };
}

async function fileSize(f: WalkedFile | undefined): Promise<number> {
  if (f === undefined) return 0;
  try {
    return (await stat(f.absPath)).size;
  } catch {
    return 0;
  }
}

async function readSmallText(f: WalkedFile | undefined): Promise<string | undefined> {
  if (f === undefined) return undefined;
  try {
    if ((await stat(f.absPath)).size > MAX_TEXT_FILE) return undefined;
    return await readFile(f.absPath, 'utf8');
  } catch {
    return undefined;
  }
}

/** Datasets named in model cards become dataset assets the models link to. */
function cardDatasets(models: readonly Asset[]): Asset[] {
  const out = new Map<string, Asset>();
  for (const m of models) {
    for (const id of m.model.datasets ?? []) {
      const key = `dataset:hf:${id}`;
      const location = m.files.find((f) => f.role === 'card')?.path ?? m.locations[0]?.path ?? '.';
      const existing = out.get(key);
      if (existing !== undefined) {
        if (!existing.locations.some((l) => l.path === location)) existing.locations.push({ path: location });
        continue;
      }
      const slash = id.indexOf('/');
      out.set(key, {
        id: key,
        kind: 'dataset',
        name: slash > 0 ? id.slice(slash + 1) : id,
        group: slash > 0 ? id.slice(0, slash) : undefined,
        purl: /^[\w.-]+(\/[\w.-]+)?$/.test(id) ? huggingfacePurl(id, undefined, 'dataset') : undefined,
        scanners: ['hf-model-dir'],
        locations: [{ path: location }],
        files: [],
        props: { source: 'model-card' },
        confidence: 0.9,
        model: {},
        parsed: true,
      });
    }
  }
  for (const a of out.values()) a.locations.sort((x, y) => compareCodePoints(x.path, y.path));
  return [...out.values()];
}

/** The scanned project's name and version: flags, then manifests, then the folder name. */
export async function rootInfo(absRoot: string, options: { readonly name?: string; readonly version?: string }): Promise<RootInfo> {
  const fromManifest = await manifestIdentity(absRoot);
  const real = await realpath(absRoot).catch(() => absRoot);
  return {
    name: options.name ?? fromManifest.name ?? (basename(real) || 'project'),
    version: options.version ?? fromManifest.version,
    absPath: absRoot,
  };
}

async function manifestIdentity(absRoot: string): Promise<{ name?: string; version?: string }> {
  try {
    const pkg = JSON.parse(await readFile(join(absRoot, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (typeof pkg.name === 'string' && pkg.name !== '') {
      return { name: pkg.name, version: typeof pkg.version === 'string' ? pkg.version : undefined };
    }
  } catch {
    // No or unreadable package.json: try the next manifest.
  }
  try {
    const text = await readFile(join(absRoot, 'pyproject.toml'), 'utf8');
    const { parse: parseToml } = await import('smol-toml');
    const doc = parseToml(text) as {
      project?: { name?: unknown; version?: unknown };
      tool?: { poetry?: { name?: unknown; version?: unknown } };
    };
    const p = doc.project ?? doc.tool?.poetry;
    if (p !== undefined && typeof p.name === 'string') {
      return { name: p.name, version: typeof p.version === 'string' ? p.version : undefined };
    }
  } catch {
    // No or invalid pyproject.toml.
  }
  return {};
}
