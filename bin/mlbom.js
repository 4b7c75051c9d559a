#!/usr/bin/env node
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Allocation-site pretenuring makes V8 allocate objects from a site straight
// into the old generation once enough of them survived a young-generation
// collection. A scan creates millions of short-lived tokens, and a large
// source file at the wrong moment tipped their site over: in about one cold
// scan in three of a 50k-file tree, every later token went to the old
// generation, doubling CPU time and peak RSS (9 s / 190 MB against
// 15 s / 420 MB). The flag is read at each collection, so setting it here,
// before any scanning, takes effect for the whole run.
setFlagsFromString('--no-allocation-site-pretenuring');

// `npm run build` bundles the CLI into dist/cli/ (scripts/bundle.mjs): the
// same code as dist/src/, loaded in a fraction of the start-up time. A bundle
// older than tsc's output is from an earlier build, so it is not used.
const bundle = new URL('../dist/cli/mlbom.js', import.meta.url);
const compiled = new URL('../dist/src/cli/index.js', import.meta.url);
// tsc is not incremental here: it rewrites every output, so index.js dates the last compile.
const mtime = (url) => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const { run } = await import(mtime(bundle) >= mtime(compiled) ? bundle.href : compiled.href);

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
});
