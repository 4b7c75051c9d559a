/**
 * Hub enrichment throughput: 200 distinct model look-ups through HubClient
 * (concurrency 8) against a loopback server that answers each after 50 ms.
 * The ideal wall time is 200 × 0.05 s / 8 = 1.25 s; the target is a ratio
 * wall / ideal ≤ 1.5, i.e. the pool, semaphore and parsing add little.
 *
 * Prints one markdown table row:
 * | benchmark | requests | wall s | ideal s | ratio |
 * Run: `node dist/bench/enrich-bench.js` (after `npm run build`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HttpClient } from '../src/enrich/http.js';
import { HubClient } from '../src/enrich/huggingface/hub.js';
import { TOOL_NAME, TOOL_VERSION } from '../src/version.js';

const REFS = 200;
const LATENCY_MS = 50;
const CONCURRENCY = 8;

function body(n: number): string {
  return JSON.stringify({
    id: `org/model-${n}`,
    sha: n.toString(16).padStart(40, '0'),
    author: 'org',
    pipeline_tag: 'text-classification',
    tags: ['transformers'],
    cardData: { license: 'apache-2.0' },
    siblings: [{ rfilename: 'model.safetensors', size: 4, blobId: 'b'.repeat(40), lfs: { sha256: 'a'.repeat(64), size: 4, pointerSize: 128 } }],
  });
}

async function main(): Promise<void> {
  let served = 0;
  const server = createServer((req, res) => {
    const m = /^\/api\/models\/org\/model-(\d+)\?blobs=true$/.exec(req.url ?? '');
    setTimeout(() => {
      if (m === null) {
        res.writeHead(404).end();
        return;
      }
      served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body(Number(m[1])));
    }, LATENCY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const http = new HttpClient({ concurrency: CONCURRENCY, userAgent: `${TOOL_NAME}/${TOOL_VERSION} (+https://github.com/mlbom/mlbom)` });
  const hub = new HubClient({ endpoint, offline: false, http });
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: REFS }, (_, i) => hub.modelInfo(`org/model-${i}`)));
  const wall = (performance.now() - started) / 1000;
  await http.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));

  const failed = results.filter((r) => !r.ok).length;
  const ideal = (REFS * LATENCY_MS) / 1000 / CONCURRENCY;
  const name = `hub enrich (${REFS} refs, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY})`;
  process.stdout.write(`| ${name} | ${served} | ${wall.toFixed(2)} | ${ideal.toFixed(2)} | ${(wall / ideal).toFixed(2)} |\n`);
  if (failed > 0 || served !== REFS) {
    process.stderr.write(`enrich-bench: ${failed} look-ups failed, ${served} requests served\n`);
    process.exitCode = 1;
  }
}

await main();
