/**
 * Settings and workload of the scale benchmark: what to run (from env vars
 * and arguments), the weight files of lines (a) and (b), and the monorepo
 * trees of (c) and the scaling table. With MLBOM_BENCH_DIR the workload is
 * kept there and reused by the next run with the same settings.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync, copyFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildMonorepo, monorepoSpec, type TreeSummary } from './workload.js';
import { writeWeightFile, type WeightFormat } from './weights.js';

export const CASES = ['a', 'b', 'c', 'd', 'e', 'scale', 'tty'] as const;
export type CaseName = (typeof CASES)[number];

export interface BenchConfig {
  readonly scale: number;
  readonly quick: boolean;
  readonly reps: number;
  readonly cases: ReadonlySet<CaseName>;
  readonly strict: boolean;
  /** Keep (and reuse) the workload here instead of a temp dir that is removed at the end. */
  readonly keepDir?: string;
  readonly cdxgen?: string;
  readonly jobs: number;
  /** Size of the single weight file of (a). */
  readonly aBytes: number;
  /** Size of each of the 8 weight files of (b). */
  readonly bBytes: number;
  /** Source-file counts of the scaling trees; the middle one is the tree of (c). */
  readonly treeSizes: readonly [number, number, number];
}

const MiB = 1024 * 1024;
const USAGE = `usage: node dist/bench/scale-bench.js [case,...]
cases: ${CASES.join(', ')} (default: all)
env:   MLBOM_BENCH_QUICK=1        a tenth of every size, one repetition
       MLBOM_BENCH_SCALE=<x>      multiply every size by x (default 1: 2 GiB, 8 × 256 MiB, 10k/50k/200k files)
       MLBOM_BENCH_REPS=<n>       repetitions per measure, best kept (default 3, quick 1)
       MLBOM_BENCH_CASES=a,c,...  same as the argument
       MLBOM_BENCH_DIR=<dir>      keep the workload in <dir> and reuse it next time
       MLBOM_BENCH_STRICT=1       exit 1 when a target is missed
       MLBOM_BIN=<path>           the mlbom bin script to measure (default: this repo's bin/mlbom.js)
       CDXGEN=<path>              also time cdxgen -t ai on (a), (b) and (c)`;

export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = /^(1|true|yes)$/i.test(env['MLBOM_BENCH_QUICK'] ?? '');
  const scale = positive(env['MLBOM_BENCH_SCALE'], quick ? 0.1 : 1, 'MLBOM_BENCH_SCALE');
  const reps = Math.round(positive(env['MLBOM_BENCH_REPS'], quick ? 1 : 3, 'MLBOM_BENCH_REPS'));
  const list = (argv[0] ?? env['MLBOM_BENCH_CASES'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const c of list) if (!(CASES as readonly string[]).includes(c)) usage(`unknown case ${JSON.stringify(c)}`);
  const mib = (bytes: number): number => Math.max(4, Math.round((bytes * scale) / MiB)) * MiB;
  const files = (n: number): number => Math.max(200, Math.round(n * scale));
  return {
    scale,
    quick,
    reps,
    cases: new Set((list.length === 0 ? CASES : list) as CaseName[]),
    strict: /^(1|true|yes)$/i.test(env['MLBOM_BENCH_STRICT'] ?? ''),
    keepDir: env['MLBOM_BENCH_DIR'] || undefined,
    cdxgen: env['CDXGEN'] || undefined,
    jobs: availableParallelism(),
    aBytes: mib(2 * 1024 * MiB),
    bBytes: mib(256 * MiB),
    treeSizes: [files(10_000), files(50_000), files(200_000)],
  };
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) usage(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

function usage(message: string): never {
  process.stderr.write(`scale-bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Which pieces of workload the selected cases need. */
export function needs(cfg: BenchConfig): { a: boolean; b: boolean; trees: number[] } {
  const has = (c: CaseName): boolean => cfg.cases.has(c);
  const weights = has('d') || has('e');
  const [small, mid, big] = cfg.treeSizes;
  const trees = new Set<number>();
  if (has('c') || has('d') || has('e') || has('tty')) trees.add(mid);
  if (has('scale')) for (const n of [small, mid, big]) trees.add(n);
  return { a: has('a') || weights, b: has('b') || weights, trees: [...trees].sort((x, y) => x - y) };
}

/** Rough bytes on disk per tree file: small files take a block each, plus directories. */
const BYTES_PER_TREE_FILE = 8 * 1024;

/** Refuse to start when the workload would not fit, rather than fill the disk half way. */
export function checkDisk(dir: string, cfg: BenchConfig): void {
  const need = needs(cfg);
  const bytes = (need.a ? cfg.aBytes : 0) + (need.b ? 8 * cfg.bBytes : 0) + need.trees.reduce((n, t) => n + t * 1.1 * BYTES_PER_TREE_FILE, 0);
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  process.stderr.write(`scale-bench: workload needs about ${(bytes / 1024 ** 3).toFixed(1)} GiB; ${(free / 1024 ** 3).toFixed(1)} GiB free under ${dir}\n`);
  if (bytes * 1.1 > free) {
    process.stderr.write('scale-bench: not enough free disk; use MLBOM_BENCH_QUICK=1, a smaller MLBOM_BENCH_SCALE, or fewer cases\n');
    process.exit(2);
  }
}

export interface WeightSet {
  /** Folder to scan. */
  readonly dir: string;
  /** Absolute paths of the weight files (what openssl hashes). */
  readonly files: string[];
}

/** Build something once; with a kept dir, a marker holding `key` says it is already there. */
function once<T>(work: string, name: string, key: string, build: () => T): T {
  const marker = join(work, `${name}.done.json`);
  if (existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as { key: string; value: T };
    if (saved.key === key) return saved.value;
  }
  rmSync(join(work, name), { recursive: true, force: true });
  const value = build();
  writeFileSync(marker, JSON.stringify({ key, value }));
  return value;
}

function weightsIn(dir: string, layout: ReadonlyArray<[string, WeightFormat]>, size: number): string[] {
  return layout.map(([rel, format], i) => {
    const abs = join(dir, rel);
    mkdirSync(join(abs, '..'), { recursive: true });
    writeWeightFile(abs, size, format, { name: rel, firstLayer: 4 * i });
    return abs;
  });
}

/** (a): one safetensors file at the folder's root. */
export function weightsA(work: string, size: number): WeightSet {
  const dir = join(work, 'weights-a');
  const files = once(work, 'weights-a', String(size), () => weightsIn(dir, [['model.safetensors', 'safetensors']], size));
  return { dir, files };
}

/** (b): a 4-shard checkpoint with its index, two single safetensors and two GGUF files. */
export function weightsB(work: string, size: number): WeightSet {
  const dir = join(work, 'weights-b');
  const layout: Array<[string, WeightFormat]> = [
    ...[1, 2, 3, 4].map((i): [string, WeightFormat] => [`llm/model-0000${i}-of-00004.safetensors`, 'safetensors']),
    ['vision/model.safetensors', 'safetensors'],
    ['adapter/adapter_model.safetensors', 'safetensors'],
    ['gguf/llama-q4_k_m.gguf', 'gguf'],
    ['gguf/llama-q8_0.gguf', 'gguf'],
  ];
  const files = once(work, 'weights-b', String(size), () => {
    const abs = weightsIn(dir, layout, size);
    const weightMap: Record<string, string> = {};
    // Shard i holds layers 4(i-1)..4(i-1)+3 (weightsIn numbers layers by position in the layout).
    for (let i = 1; i <= 4; i++) for (let l = 0; l < 4; l++) weightMap[`model.layers.${4 * (i - 1) + l}.mlp.weight`] = `model-0000${i}-of-00004.safetensors`;
    writeFileSync(join(dir, 'llm/model.safetensors.index.json'), `${JSON.stringify({ metadata: { total_size: 4 * size }, weight_map: weightMap }, null, 2)}\n`);
    return abs;
  });
  return { dir, files };
}

/** A folder holding one (b)-sized file, to show RSS does not grow with weight size. */
export function weightsOne(work: string, from: string): WeightSet {
  const dir = join(work, 'weights-one');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'model.safetensors');
  linkOrCopy(from, file);
  return { dir, files: [file] };
}

/** Where line (d) hard-links the weights of (a) and (b) inside the tree of (c). */
export const BENCH_WEIGHTS = 'models/bench-weights';

export function tree(work: string, sourceFiles: number): { dir: string; summary: TreeSummary } {
  const name = `tree-${sourceFiles}`;
  const dir = join(work, name);
  const spec = monorepoSpec(sourceFiles);
  const summary = once(work, name, JSON.stringify(spec), () => {
    process.stderr.write(`scale-bench: writing the ${sourceFiles}-file monorepo\n`);
    return buildMonorepo(dir, spec);
  });
  // Line (d) links weights in here for a while; an interrupted run may have left them.
  rmSync(join(dir, BENCH_WEIGHTS), { recursive: true, force: true });
  return { dir, summary };
}

/** Hard links cost no disk and share the page cache; a copy is the fallback across devices. */
export function linkOrCopy(from: string, to: string): void {
  mkdirSync(join(to, '..'), { recursive: true });
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
