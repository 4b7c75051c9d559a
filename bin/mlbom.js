#!/usr/bin/env node
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

// `npm run build` bundles the CLI into dist/cli/ (scripts/bundle.mjs): the
// same code as dist/src/, loaded in a fraction of the start-up time. A bundle
// older than tsc's output is from an earlier build, so it is not used.
const bundle = new URL('../dist/cli/mlbom.js', import.meta.url);
const compiled = new URL('../dist/src/cli/index.js', import.meta.url);
// tsc is not incremental here: it rewrites every output, so index.js dates the last compile.
const mtime = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const useBundle = mtime(bundle) >= mtime(compiled);

// scan and verify hash on worker threads, and a worker takes about 0.1 CPU-s
// to boot. Started now, they boot on a core that the CLI's own start-up
// (about 0.2 s on one core) leaves idle; started when the walk finds weights,
// they competed with the scanners and the first hash began 0.15-0.2 s later.
// One per core the start-up leaves idle, at most 4: they are only a head
// start, the pool adds workers on demand (on 2 cores, one worker booted
// sooner than two sharing that core: a warm 50k-file rescan took 0.96-1.00 s
// against 1.00-1.03 s, hashing 8 × 256 MiB the same). Unused ones are
// unref'ed and stop after 2 s idle.
const command = process.argv[2];
const cores = availableParallelism();
if ((command === 'scan' || command === 'verify') && cores > 1) {
  const pool = useBundle ? new URL('../dist/cli/pool.js', import.meta.url) : new URL('../dist/src/hash/pool.js', import.meta.url);
  const { sharedPool } = await import(pool.href);
  sharedPool().prestart(Math.min(cores - 1, 4));
}

const { run } = await import(useBundle ? bundle.href : compiled.href);

// `mlbom scan | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  // Allocation-site pretenuring makes V8 allocate objects from a site straight
  // into the old generation once enough of them survived a young-generation
  // collection. A scan of a large tree creates millions of short-lived tokens,
  // and a large source file at the wrong moment tipped their site over: in
  // about one cold scan in three of a 50k-file tree, every later token went to
  // the old generation, doubling CPU time and peak RSS (9 s / 190 MB against
  // 15 s / 420 MB). The flag is read at each collection, so it takes effect for
  // the rest of the run.
  // Only for large trees (cli/scan.ts says when): a changed V8 flag makes V8
  // refuse every code cache made without it, Node's own for its built-in
  // modules (a worker booted after it took about 22 ms more CPU) and the
  // schema validator's (util/code-cache.ts; 20 ms more).
  tuneForLargeScan: () => setFlagsFromString('--no-allocation-site-pretenuring'),
});

// Everything is written and awaited by now. Left to end by itself, Node
// would first tear down the heap, which took 10-15 ms after a scan. Exit
// instead, once both streams have flushed what they hold (a pipe is
// asynchronous on some platforms).
await Promise.all([process.stdout, process.stderr].map(flushed));
process.exit();

function flushed(stream) {
  if (stream.destroyed || stream.writableEnded) return undefined;
  return new Promise((resolve) => stream.write('', () => resolve()));
}
