import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, withTempDir } from './helpers.js';

const TWO_GIB = 2 * 1024 * 1024 * 1024;

describe('memory stays bounded', () => {
  it('scans a 2 GiB sparse weight file with peak RSS under 200 MB', async () => {
    await withTempDir(async (dir) => {
      // A valid safetensors header that claims the whole 2 GiB, then a sparse hole.
      const headerLen = 80;
      const dataLen = TWO_GIB - 8 - headerLen;
      const header = JSON.stringify({ w: { dtype: 'U8', shape: [dataLen], data_offsets: [0, dataLen] } }).padEnd(headerLen, ' ');
      assert.equal(header.length, headerLen);
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(headerLen));
      const h = await open(join(dir, 'big.safetensors'), 'w');
      await h.write(Buffer.concat([len, Buffer.from(header)]));
      await h.truncate(TWO_GIB);
      await h.close();
      // A child process, so the test runner's own memory does not count.
      const script = `
        const { scan } = await import(${JSON.stringify(join(repoRoot, 'dist/src/scan.js'))});
        const inv = await scan(${JSON.stringify(dir)});
        const f = inv.assets[0].files[0];
        console.log(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, sha256: f.sha256, params: inv.assets[0].model.parameterCount }));
      `;
      const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
      const expected = execFileSync('sha256sum', [join(dir, 'big.safetensors')], { encoding: 'utf8' }).split(' ')[0];
      assert.equal(out.sha256, expected);
      assert.equal(out.params, dataLen);
      const peakMB = (out.maxRssKiB * 1024) / 1e6;
      assert.ok(peakMB < 200, `peak RSS ${peakMB.toFixed(1)} MB`);
    });
  });

  it('collects garbage after a large scan without leaving a global gc behind', () => {
    // A child process: the collection sets V8 flags, which are process-wide.
    const script = `
      const { runInNewContext } = await import('node:vm');
      const { Worker } = await import('node:worker_threads');
      const { collectScanGarbage } = await import(${JSON.stringify(join(repoRoot, 'dist/src/cli/scan.js'))});
      const skipped = collectScanGarbage(Number.MAX_SAFE_INTEGER);
      let garbage = Array.from({ length: 200000 }, (_, i) => ({ i, s: String(i) }));
      garbage = undefined;
      const before = process.memoryUsage().heapUsed;
      const collected = collectScanGarbage(0);
      const after = process.memoryUsage().heapUsed;
      const inWorker = await new Promise((resolve) => {
        const w = new Worker('require("node:worker_threads").parentPort.postMessage(typeof gc)', { eval: true, execArgv: [] });
        w.once('message', (m) => { resolve(m); void w.terminate(); });
      });
      console.log(JSON.stringify({ skipped, collected, freed: before - after, global: typeof gc, newContext: runInNewContext('typeof gc'), inWorker }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    assert.equal(out.skipped, false, 'a heap under the threshold is left alone');
    assert.equal(out.collected, true);
    assert.ok(out.freed > 5_000_000, `freed ${out.freed} bytes`);
    assert.deepEqual([out.global, out.newContext, out.inWorker], ['undefined', 'undefined', 'undefined']);
  });
});
