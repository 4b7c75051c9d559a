/**
 * `mlbom diff` at scale: two generated BOMs of N components (about 2% changed,
 * 1% added, 1% removed, NEW reordered), timing parse+normalize+diff+render.
 * Run: npx tsc -p tsconfig.json && node dist/bench/diff-bench.js [sizes…]
 */
import { diffBoms, parseBomText, renderJson } from '../src/diff/index.js';

function makeBom(n: number, variant: 0 | 1): string {
  const components: unknown[] = [];
  for (let i = 0; i < n; i++) {
    if (variant === 0 && i % 100 === 1) continue; // added in NEW
    if (variant === 1 && i % 100 === 2) continue; // removed in NEW
    const bumped = variant === 1 && i % 50 === 3;
    const kind = i % 10 === 0 ? 'model' : 'package';
    const version = `1.${i % 7}.${bumped ? 1 : 0}`;
    components.push({
      type: kind === 'model' ? 'machine-learning-model' : 'library',
      name: `pkg-${i}`,
      version,
      purl: `pkg:pypi/pkg-${i}@${version}`,
      'bom-ref': `ref-${variant}-${i}`,
      hashes: [{ alg: 'SHA-256', content: `${(variant === 1 && i % 97 === 5 ? 'f' : 'a').repeat(32)}${i.toString(16).padStart(32, '0')}` }],
      licenses: [{ license: { id: 'MIT' } }],
      properties: [{ name: 'mlbom:asset_kind', value: kind }, { name: 'mlbom:scanner', value: 'pip' }],
    });
  }
  if (variant === 1) components.reverse();
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components });
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
for (const n of sizes.length > 0 ? sizes : [1000, 10000, 100000]) {
  const a = makeBom(n, 0);
  const b = makeBom(n, 1);
  const t0 = performance.now();
  const r = diffBoms(parseBomText(a, 'old'), parseBomText(b, 'new'));
  const out = renderJson(r);
  const ms = performance.now() - t0;
  console.log(`${String(n).padStart(7)} components: ${ms.toFixed(0).padStart(6)} ms  (${((ms * 1000) / n).toFixed(1)} µs/component, ${r.changes.length} changes, ${(out.length / 1024).toFixed(0)} KiB json)`);
}
