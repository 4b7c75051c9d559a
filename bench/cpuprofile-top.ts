/**
 * Summarise a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with
 * the most self time, the most inclusive time, and self time per source
 * file or package. For finding where a scan spends its time:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/mlbom.js scan DIR --offline -o /dev/null
 *   node dist/bench/cpuprofile-top.js /tmp/prof/CPU.*.cpuprofile [rows]
 */
import { readFileSync } from 'node:fs';
import { table } from './measure.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** `src/scan.ts`-like names for our code, the package name for dependencies, `node:x` for node's. */
export function where(url: string): string {
  if (url === '') return '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const dist = url.indexOf('/dist/');
  if (dist !== -1) return url.slice(dist + '/dist/'.length).replace(/\.js$/, '.ts');
  return url.replace(/^file:\/\//, '');
}

function keyOf(n: ProfileNode): string {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'} ${where(f.url)}${f.url === '' ? '' : `:${f.lineNumber + 1}`}`;
}

export function summarise(p: Profile, rows: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const file = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const node = byId.get(p.samples[i] as number);
    if (node === undefined) continue;
    all += dt;
    self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + dt);
    file.set(where(node.callFrame.url), (file.get(where(node.callFrame.url)) ?? 0) + dt);
    // Inclusive: each function once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id) as ProfileNode);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  }
  const top = (m: Map<string, number>): string[][] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([k, us]) => [k, (us / 1e3).toFixed(0), `${((100 * us) / all).toFixed(1)}%`]);
  return [
    `sampled ${(all / 1e6).toFixed(2)} s of ${((p.endTime - p.startTime) / 1e6).toFixed(2)} s`,
    '', 'self time by function:', table(['function', 'ms', 'share'], top(self)),
    '', 'inclusive time by function:', table(['function', 'ms', 'share'], top(total).filter((r) => !/^\((root|program|garbage collector|idle)\)/.test(r[0] as string))),
    '', 'self time by file or package:', table(['file', 'ms', 'share'], top(file)),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/dist\//, '/dist/'))) {
  const [path, rows] = process.argv.slice(2);
  if (path === undefined) {
    process.stderr.write('usage: node dist/bench/cpuprofile-top.js FILE.cpuprofile [rows]\n');
    process.exit(2);
  }
  process.stdout.write(`${summarise(JSON.parse(readFileSync(path, 'utf8')) as Profile, Number(rows ?? 25))}\n`);
}
