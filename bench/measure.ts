/**
 * Timing and peak-RSS measurement of child processes, for benchmarks that
 * run the real CLI as a user would.
 *
 * Peak RSS comes from the child itself: node is started with a tiny
 * `--import` preload that writes `process.resourceUsage().maxRSS` (the
 * kernel's ru_maxrss for the whole process, every thread included) to a
 * file on exit. That works the same under `script` and needs no
 * `/usr/bin/time`, whose flags differ between GNU and BSD. It records the
 * process's CPU seconds too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export interface RunResult {
  /** Seconds from spawn to exit, node start-up included. */
  readonly wall: number;
  /** Peak resident set size in bytes, when the child is a probed node. */
  readonly maxRss?: number;
  /** User + system CPU seconds of a probed node: steadier than wall time on a busy machine. */
  readonly cpu?: number;
  readonly code: number | null;
  /** The last few KiB of stderr, for error messages. */
  readonly stderrTail: string;
  /** Bytes the child wrote to stdout (through `script`: everything it wrote to the terminal). */
  readonly stdoutBytes: number;
  /** The first 16 KiB of stdout. */
  readonly stdoutHead: string;
}

export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Text written to the child's stdin, then closed; otherwise stdin is /dev/null. */
  readonly input?: string;
  /** Read the peak RSS written by the preload to this file. */
  readonly rssFile?: string;
}

const TAIL = 8 * 1024;
const HEAD = 16 * 1024;

const PROBE = `import { writeFileSync } from 'node:fs';
const out = process.env.MLBOM_BENCH_RSS_FILE;
if (out) process.on('exit', () => {
  const u = process.resourceUsage();
  try { writeFileSync(out, JSON.stringify({ maxRss: u.maxRSS * 1024, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 })); } catch {}
});
`;

export class Runner {
  readonly #active = new Set<ChildProcess>();
  readonly probe: string;
  #seq = 0;
  readonly #dir: string;

  constructor(workDir: string) {
    this.#dir = workDir;
    this.probe = join(workDir, 'rss-probe.mjs');
    writeFileSync(this.probe, PROBE);
  }

  /** Node arguments that load the RSS probe; its file comes from `MLBOM_BENCH_RSS_FILE`. */
  nodeArgs(): string[] {
    return ['--import', pathToFileURL(this.probe).href];
  }

  /** A fresh file for one run's RSS figure, and the env var that names it. */
  rssSlot(): { file: string; env: Record<string, string> } {
    const file = join(this.#dir, `rss-${process.pid}-${this.#seq++}.txt`);
    rmSync(file, { force: true });
    return { file, env: { MLBOM_BENCH_RSS_FILE: file } };
  }

  run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(cmd, args, {
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env },
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      this.#active.add(child);
      let stderrTail = '';
      let stdoutBytes = 0;
      let stdoutHead = '';
      child.stdout?.on('data', (b: Buffer) => {
        if (stdoutHead.length < HEAD) stdoutHead += b.toString('latin1').slice(0, HEAD - stdoutHead.length);
        stdoutBytes += b.length;
      });
      child.stderr?.on('data', (b: Buffer) => {
        stderrTail = (stderrTail + b.toString('utf8')).slice(-TAIL);
      });
      if (opts.input !== undefined) child.stdin?.end(opts.input);
      child.on('error', (err) => {
        this.#active.delete(child);
        reject(err);
      });
      child.on('close', (code) => {
        const wall = (performance.now() - started) / 1000;
        this.#active.delete(child);
        let probed: { maxRss?: number; cpu?: number } = {};
        if (opts.rssFile !== undefined && existsSync(opts.rssFile)) {
          probed = JSON.parse(readFileSync(opts.rssFile, 'utf8')) as typeof probed;
          rmSync(opts.rssFile, { force: true });
        }
        resolve({ wall, maxRss: probed.maxRss, cpu: probed.cpu, code, stderrTail, stdoutBytes, stdoutHead });
      });
    });
  }

  /** Stop every child this runner started (on Ctrl-C), and nothing else. */
  killAll(): void {
    for (const c of this.#active) c.kill('SIGTERM');
  }
}

/** Single-quote for `sh -c`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command on PATH (or an absolute path) that can be run. */
export function haveCommand(name: string): boolean {
  if (name.includes('/')) return existsSync(name);
  return (process.env['PATH'] ?? '').split(':').some((d) => d !== '' && existsSync(join(d, name)));
}

export function fmtSeconds(s: number): string {
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

export function fmtMB(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1e6).toFixed(0)} MB`;
}

export function fmtBytes(bytes: number): string {
  const GiB = 1024 ** 3;
  return bytes >= GiB ? `${(bytes / GiB).toFixed(2)} GiB` : `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/** A markdown table, columns padded so it reads in a terminal too. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(width[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
