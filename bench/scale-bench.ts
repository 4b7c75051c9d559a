/**
 * `npm run bench:scale` (GitHub issue 8): mlbom's wall time and peak RSS on
 * big workloads it generates itself, each against a reference measured in
 * the same run, so the ratios compare across machines:
 *
 *   (a) one 2 GiB weight file          vs `openssl dgst -sha256`
 *   (b) 8 weight files of 256 MiB      vs openssl run by `xargs -P <cores>`
 *   (c) a 50k-file monorepo            vs `find DIR -type f | wc -l`
 *   (d) (c) again, warm (hash cache reused); and (c) holding the weights of (a)+(b)
 *   (e) peak RSS of (a) and (c), and its growth with weight size
 *   scaling of (c) at 10k / 50k / 200k files, and progress on a TTY vs not
 *
 * Every scan runs the real CLI in a child process (`node bin/mlbom.js scan
 * DIR --offline --reproducible -o FILE`), so time and memory are what a
 * user gets, node start-up included. The page cache is warm for both tools
 * (a first untimed run reads everything; dropping caches needs root), runs
 * alternate mlbom / reference, and the best of N is kept.
 * Settings: `node dist/bench/scale-bench.js --help`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fmtBytes, table } from './measure.js';
import { Bench, caseA, caseB, caseC, caseD, caseE, caseScale, caseTty, cdxgenRows, coldTrees, type Best, type TreeRun } from './scale-cases.js';
import { checkDisk, needs, readConfig, tree, weightsA, weightsB, weightsOne, type CaseName } from './scale-setup.js';

async function main(): Promise<void> {
  const cfg = readConfig(process.argv.slice(2), process.env);
  const work = cfg.keepDir !== undefined ? resolve(cfg.keepDir) : mkdtempSync(join(tmpdir(), 'mlbom-scale-'));
  mkdirSync(work, { recursive: true });
  checkDisk(work, cfg);
  const b = new Bench(cfg, work);
  const cleanup = (): void => {
    if (cfg.keepDir === undefined) rmSync(work, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    b.runner.killAll();
    cleanup();
    process.stderr.write(`scale-bench: ${sig}, workload removed\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await run(b);
  } finally {
    cleanup();
  }
  if (cfg.strict && b.failed > 0) process.exitCode = 1;
}

async function run(b: Bench): Promise<void> {
  const { cfg, work } = b;
  const need = needs(cfg);
  const has = (c: CaseName): boolean => cfg.cases.has(c);
  const log = (s: string): void => {
    process.stderr.write(`scale-bench: ${s}\n`);
  };
  log(`workload in ${work}`);
  const loadAtStart = loadavg()[0] ?? 0;
  if (need.a) log(`writing ${fmtBytes(cfg.aBytes)} of weights for (a)`);
  const a = need.a ? weightsA(work, cfg.aBytes) : undefined;
  if (need.b) log(`writing 8 × ${fmtBytes(cfg.bBytes)} of weights for (b)`);
  const bw = need.b ? weightsB(work, cfg.bBytes) : undefined;
  const trees = new Map(need.trees.map((n) => [n, tree(work, n)]));

  let bestA: Best | undefined;
  let bestB: Best | undefined;
  if (has('a') && a !== undefined) {
    log('(a)');
    bestA = await caseA(b, a);
  }
  if (has('b') && bw !== undefined) {
    log('(b)');
    bestB = await caseB(b, bw);
  }
  const mid = cfg.treeSizes[1];
  const runs = trees.size > 0 ? await coldTrees(b, trees, log) : new Map<number, TreeRun>();
  const c = trees.get(mid);
  const cold = runs.get(mid);
  if (has('c') && c !== undefined && cold !== undefined) caseC(b, c, cold);
  if (has('d') && c !== undefined && a !== undefined && bw !== undefined) {
    log('(d)');
    await caseD(b, c, runs.get(mid) as TreeRun, a, bw);
  }
  if (has('e')) {
    log('(e)');
    const bigA = bestA ?? (a !== undefined ? await b.best(() => b.mlbom(a.dir, b.freshCache())) : undefined);
    const one = bw !== undefined ? weightsOne(work, bw.files[4] as string) : undefined;
    const small = one !== undefined ? await b.best(() => b.mlbom(one.dir, b.freshCache())) : undefined;
    caseE(b, bigA, runs.get(mid)?.cold, small);
  }
  if (has('tty') && c !== undefined) {
    log('TTY');
    await caseTty(b, c);
  }
  let scaling: string | undefined;
  if (has('scale')) {
    log('scaling');
    scaling = await caseScale(b, runs, cfg.treeSizes);
  }
  await cdxgenRows(b, [['(a)', a?.dir, bestA], ['(b)', bw?.dir, bestB], ['(c)', c?.dir, runs.get(mid)?.cold]]);

  const out: string[] = [];
  out.push(`mlbom scale benchmark: node ${process.version}, ${cfg.jobs} CPUs, ${platform()}; best of ${cfg.reps}${b.closeReps !== cfg.reps ? ` (${b.closeReps} for (a), (b) and the TTY pair)` : ''}${cfg.scale !== 1 ? `; sizes × ${cfg.scale}` : ''}; page cache warm for mlbom and the reference alike`);
  out.push('');
  const load = Math.max(loadAtStart, loadavg()[0] ?? 0);
  if (load > cfg.jobs / 2) out.push(`NOTE: the machine was busy (1-minute load average up to ${load.toFixed(1)} on ${cfg.jobs} CPUs); wall times are noisy; the CPU seconds in the scaling table less so.`, '');
  out.push(table(['case', 'mlbom', 'reference', 'ratio', 'target', 'result'], b.rows));
  out.push('ratio: throughput ratio (reference time / mlbom time) for (a)-(c); cost ratio (mlbom time / reference time) where the target says "cost".');
  if (scaling !== undefined) out.push('', 'scaling of (c), cold scans:', scaling);
  if (cfg.scale < 1 || cfg.reps < 3) out.push('', `NOTE: ${cfg.scale < 1 ? `sizes × ${cfg.scale}` : `best of ${cfg.reps}`}: a smoke run; at small sizes the fixed costs and noise swamp the per-file ones, so read the verdicts as indicative only.`);
  if (b.notes.length > 0) out.push('', ...b.notes);
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
