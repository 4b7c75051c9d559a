/**
 * `npm run bench`: mlbom's SHA-256 throughput against `openssl dgst -sha256`
 * on the same 1 GiB file, in the same run. Ratios, not absolute times, are
 * what to compare across machines.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sha256File } from '../src/hash/sha256.js';
import { scan } from '../src/scan.js';

const GiB = 1024 * 1024 * 1024;
const SIZE = Number(process.env['MLBOM_BENCH_BYTES'] ?? GiB);

/** A valid safetensors header followed by pseudo-random data, so the scan both parses and hashes it. */
async function makeWeights(path: string, size: number): Promise<void> {
  const headerLen = 80;
  const dataLen = size - 8 - headerLen;
  const header = JSON.stringify({ w: { dtype: 'U8', shape: [dataLen], data_offsets: [0, dataLen] } }).padEnd(headerLen, ' ');
  if (header.length !== headerLen) throw new Error('bench header does not fit');
  const h = await open(path, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(headerLen));
    await h.write(Buffer.concat([len, Buffer.from(header)]));
    const block = Buffer.alloc(8 * 1024 * 1024);
    let x = 12345;
    for (let i = 0; i < block.length; i += 4) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      block.writeUInt32LE(x, i);
    }
    let left = dataLen;
    while (left > 0) {
      const n = Math.min(left, block.length);
      await h.write(block.subarray(0, n));
      left -= n;
    }
  } finally {
    await h.close();
  }
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Best of `n` runs: the least disturbed by whatever else the machine does. */
async function best(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < n; i++) min = Math.min(min, await time(fn));
  return min;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mlbom-bench-'));
  try {
    const file = join(dir, 'model.safetensors');
    process.stderr.write(`bench: writing ${SIZE} bytes to ${file}\n`);
    await makeWeights(file, SIZE);
    execFileSync('openssl', ['dgst', '-sha256', file]); // warm the page cache
    const openssl = await best(3, () => execFileSync('openssl', ['dgst', '-sha256', file]));
    const hash = await best(3, () => sha256File(file));
    const scanned = await best(3, () => scan(dir));
    const mb = SIZE / (1024 * 1024);
    const rows = [
      ['openssl dgst -sha256', openssl],
      ['mlbom sha256File', hash],
      ['mlbom scan (parse + hash)', scanned],
    ] as const;
    process.stdout.write(`| measure (${(SIZE / GiB).toFixed(2)} GiB file, best of 3) | seconds | MiB/s | throughput vs openssl |\n|---|---|---|---|\n`);
    for (const [name, s] of rows) {
      process.stdout.write(`| ${name} | ${s.toFixed(3)} | ${(mb / s).toFixed(0)} | ${(openssl / s).toFixed(2)}x |\n`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
