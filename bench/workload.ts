/**
 * The scale benchmark's synthetic monorepo (GitHub issue 8, line (c)):
 * nested TS and Python packages with a few model references, prompts,
 * notebooks, manifests, Hugging Face model folders, a `.gitignore`d build
 * folder and vendored `node_modules` / `.git` trees (which `find` walks and
 * mlbom prunes). One seed gives one byte-identical tree.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeWeightFile } from './weights.js';
import {
  HUB_MODELS, PROMPT_KINDS, Rng, jsonConfig, manifests, markdownDoc, modelFolderTexts, notebook, promptFile, pythonFile, tsFile, yamlConfig,
  type CodeRefs, type PromptKindName,
} from './workload-content.js';

export interface TreeSpec {
  /** The project's own small files: code (most), docs and config. */
  readonly sourceFiles: number;
  readonly prompts: number;
  readonly notebooks: number;
  /** Up to 10 (requirements.txt, pyproject.toml, package.json + lock). */
  readonly manifests: number;
  readonly modelFolders: number;
  /** Bytes of each model folder's model.safetensors. */
  readonly modelWeightBytes: number;
  /** Files under node_modules/ and .git/: walked by `find`, pruned by mlbom. */
  readonly vendoredFiles: number;
  /** Files under the .gitignored build/ and logs. */
  readonly ignoredFiles: number;
  readonly seed: number;
}

/** The issue's tree for `sourceFiles` source files: 200 prompts, 20 notebooks, 10 manifests, 5 model folders. */
export function monorepoSpec(sourceFiles: number, overrides: Partial<TreeSpec> = {}): TreeSpec {
  return {
    sourceFiles,
    prompts: 200,
    notebooks: 20,
    manifests: 10,
    modelFolders: 5,
    modelWeightBytes: 256 * 1024,
    vendoredFiles: Math.round(sourceFiles / 20),
    ignoredFiles: Math.round(sourceFiles / 50),
    seed: 8,
    ...overrides,
  };
}

export interface TreeSummary {
  /** Every regular file written (what `find -type f` counts). */
  readonly files: number;
  readonly bytes: number;
  readonly counts: {
    source: number; prompts: number; notebooks: number; manifests: number; modelFolderFiles: number; vendored: number; ignored: number; meta: number;
  };
  readonly sourceByExt: Record<string, number>;
  readonly promptsByKind: Record<PromptKindName, number>;
  readonly modelFolders: string[];
  /** Distinct Hub model ids loaded by code (notebooks included). */
  readonly hubModels: string[];
  readonly openaiFiles: number;
  readonly anthropicFiles: number;
  readonly localModelRefs: number;
}

/** Files per package folder: about what a real package holds. */
const PACKAGE_FILES = 100;
const GROUPS = ['core', 'web', 'data', 'infra', 'tools', 'ml', 'billing', 'search'];
const MODEL_NAMES = ['sentiment-small', 'intent-router', 'toxicity-filter', 'ner-tagger', 'rerank-mini'];

class TreeWriter {
  readonly #root: string;
  readonly #dirs = new Set<string>();
  files = 0;
  bytes = 0;

  constructor(root: string) {
    this.#root = root;
  }

  write(rel: string, text: string | Buffer): void {
    const abs = join(this.#root, rel);
    const dir = dirname(abs);
    if (!this.#dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.#dirs.add(dir);
    }
    writeFileSync(abs, text);
    this.files++;
    this.bytes += typeof text === 'string' ? Buffer.byteLength(text) : text.length;
  }

  weights(rel: string, size: number, seed: number): void {
    const abs = join(this.#root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeWeightFile(abs, size, 'safetensors', { seed });
    this.files++;
    this.bytes += size;
  }
}

interface Pkg {
  readonly dir: string;
  readonly lang: 'ts' | 'py';
}

function packages(count: number): Pkg[] {
  return Array.from({ length: count }, (_, p) => {
    const group = GROUPS[p % GROUPS.length] as string;
    // Three TypeScript packages to two Python services, as in a web-plus-ML monorepo.
    return p % 5 < 3 ? { dir: `packages/${group}/${group}-${p}`, lang: 'ts' as const } : { dir: `services/svc-${p % 4}/${group}_${p}`, lang: 'py' as const };
  });
}

/** Write the tree under `root` (which may exist) and say what is in it. */
export function buildMonorepo(root: string, spec: TreeSpec): TreeSummary {
  const rng = new Rng(spec.seed);
  const w = new TreeWriter(root);
  const s = {
    sourceByExt: {} as Record<string, number>, hub: new Set<string>(), openai: 0, anthropic: 0, local: 0,
    promptsByKind: Object.fromEntries(PROMPT_KINDS.map((k) => [k, 0])) as Record<PromptKindName, number>,
  };
  const models = Array.from({ length: spec.modelFolders }, (_, i) => `models/${MODEL_NAMES[i % MODEL_NAMES.length]}${i < MODEL_NAMES.length ? '' : `-${i}`}`);
  const pkgs = packages(Math.ceil(spec.sourceFiles / PACKAGE_FILES));

  w.write('.gitignore', 'build/\n*.log\n.cache/\ncoverage/\n');
  w.write('README.md', '# acme monorepo\n\nWeb apps, services and the models behind them.\n');
  const meta = 2;

  // Source files, package by package.
  let left = spec.sourceFiles;
  for (const pkg of pkgs) {
    const n = Math.min(PACKAGE_FILES, left);
    left -= n;
    for (let i = 0; i < n; i++) {
      const [rel, text] = sourceFile(rng, pkg, i, models, s);
      w.write(`${pkg.dir}/${rel}`, text);
      const ext = rel.slice(rel.lastIndexOf('.'));
      s.sourceByExt[ext] = (s.sourceByExt[ext] ?? 0) + 1;
    }
  }

  // Prompts: declared formats beside the code, templates in prompts/ folders, spread over the first 20 packages.
  for (let i = 0; i < spec.prompts; i++) {
    const kind = PROMPT_KINDS[i % PROMPT_KINDS.length] as PromptKindName;
    const p = promptFile(rng, kind, i);
    const base = pkgs.length === 0 ? '' : `${(pkgs[i % Math.min(20, pkgs.length)] as Pkg).dir}/`;
    w.write(`${base}${p.inPromptsDir ? 'prompts' : 'ai'}/${p.name}`, p.text);
    s.promptsByKind[kind]++;
  }

  for (let i = 0; i < spec.notebooks; i++) {
    const text = notebook(rng, i);
    for (const m of text.matchAll(/from_pretrained\(\\"([^\\]+)\\"\)/g)) s.hub.add(m[1] as string);
    w.write(`notebooks/team-${i % 4}/exp-${String(i).padStart(3, '0')}.ipynb`, text);
  }

  const manifestList = manifests().slice(0, spec.manifests);
  for (const [rel, text] of manifestList) w.write(rel, text);

  for (const [i, dir] of models.entries()) {
    for (const [name, text] of modelFolderTexts(dir.slice(dir.lastIndexOf('/') + 1), HUB_MODELS[i % 3] as string)) w.write(`${dir}/${name}`, text);
    w.weights(`${dir}/model.safetensors`, spec.modelWeightBytes, spec.seed * 1000 + i + 1);
  }

  writeVendored(w, rng, spec.vendoredFiles);
  writeIgnored(w, rng, spec.ignoredFiles);

  return {
    files: w.files,
    bytes: w.bytes,
    counts: {
      source: spec.sourceFiles, prompts: spec.prompts, notebooks: spec.notebooks, manifests: manifestList.length,
      modelFolderFiles: models.length * 5, vendored: spec.vendoredFiles, ignored: spec.ignoredFiles, meta,
    },
    sourceByExt: s.sourceByExt,
    promptsByKind: s.promptsByKind,
    modelFolders: models,
    hubModels: [...s.hub].sort(),
    openaiFiles: s.openai,
    anthropicFiles: s.anthropic,
    localModelRefs: s.local,
  };
}

interface Tally {
  hub: Set<string>;
  openai: number;
  anthropic: number;
  local: number;
}

/** One file of a package: its README first, then code with some docs and config mixed in. */
function sourceFile(rng: Rng, pkg: Pkg, i: number, models: readonly string[], s: Tally): [string, string] {
  const name = pkg.dir.slice(pkg.dir.lastIndexOf('/') + 1);
  if (i === 0) return ['README.md', markdownDoc(rng, name)];
  const r = rng.next();
  const word = `${['api', 'model', 'store', 'view', 'util', 'job'][i % 6]}_${i}`;
  if (r < 0.03) return [`docs/${word}.md`, markdownDoc(rng, word)];
  if (r < 0.06) return [`config/${word}.json`, jsonConfig(rng)];
  if (r < 0.08) return [`config/${word}.yaml`, yamlConfig(rng)];
  const refs: CodeRefs = {};
  if (pkg.lang === 'py' && rng.chance(1 / 40)) refs.hubModel = rng.pick(HUB_MODELS);
  if (pkg.lang === 'py' && models.length > 0 && rng.chance(1 / 200)) refs.localModel = rng.pick(models);
  if (rng.chance(1 / 80)) refs.openai = true;
  if (rng.chance(1 / 200)) refs.anthropic = true;
  if (refs.hubModel !== undefined) s.hub.add(refs.hubModel);
  if (refs.localModel !== undefined) s.local++;
  if (refs.openai === true) s.openai++;
  if (refs.anthropic === true) s.anthropic++;
  const area = `a${i % 5}/s${Math.floor(i / 5) % 4}`;
  return pkg.lang === 'ts' ? [`src/${area}/${word}.ts`, tsFile(rng, refs)] : [`${name}/${area}/${word}.py`, pythonFile(rng, refs)];
}

/** node_modules packages (80%) and loose .git objects (20%). */
function writeVendored(w: TreeWriter, rng: Rng, count: number): void {
  const git = Math.round(count * 0.2);
  for (let i = 0; i < count - git; i++) {
    const dep = `dep-${Math.floor(i / 20)}`;
    const j = i % 20;
    if (j === 0) w.write(`node_modules/${dep}/package.json`, `${JSON.stringify({ name: dep, version: `1.${rng.int(20)}.0`, main: 'index.js' })}\n`);
    else w.write(`node_modules/${dep}/lib/m${j}.js`, `'use strict';\nmodule.exports = function m${j}(x) { return x * ${rng.int(100)}; };\n`);
  }
  for (let i = 0; i < git; i++) {
    const hex = (rng.int(0x1000000) * 0x1000000 + rng.int(0x1000000)).toString(16).padStart(12, '0') + i.toString(16).padStart(28, '0');
    const blob = Buffer.alloc(64 + rng.int(512));
    for (let b = 0; b < blob.length; b++) blob[b] = rng.int(256);
    w.write(`.git/objects/${hex.slice(0, 2)}/${hex.slice(2)}`, blob);
  }
}

/** A gitignored bundle folder (90%) and log files (10%). */
function writeIgnored(w: TreeWriter, rng: Rng, count: number): void {
  const logs = Math.round(count * 0.1);
  for (let i = 0; i < count - logs; i++) w.write(`build/chunks/c${Math.floor(i / 50)}/chunk-${i}.js`, `export const v${i}=${rng.int(1e6)};\n`);
  for (let i = 0; i < logs; i++) w.write(`logs/run-${i}.log`, `INFO started worker ${i}\n`);
}
