/**
 * A hashing worker thread. SHA-256 runs synchronously on whichever thread
 * calls `update`, so hashing two files at once needs two threads; each worker
 * hashes one file at a time and reports bytes as it goes. It also stats
 * lists of files for a scan snapshot's check (`digests` tasks).
 */
import { parentPort } from 'node:worker_threads';
import { keyDigests } from '../util/cache-file.js';
import { expandEntries } from '../util/entry-list.js';
import { digestFileSync } from './digest.js';
import type { WorkerReply, WorkerTask } from './pool.js';

/** Report progress every this many bytes, not every chunk: each message costs the main thread a wake-up. */
const PROGRESS_EVERY = 16 * 1024 * 1024;

const port = parentPort;
if (port === null) throw new Error('hash worker must run in a worker thread');

/** This thread's read buffer, kept across files of the same chunk size. */
let buffer: Buffer | undefined;

// Tasks block this thread, so they run one at a time, in order, even if the pool ever sends ahead.
port.on('message', (task: WorkerTask) => port.postMessage(task.kind === 'digests' ? digestsOf(task) : hashOne(task)));
port.postMessage({ type: 'ready' } satisfies WorkerReply);

function digestsOf(task: Extract<WorkerTask, { kind: 'digests' }>): WorkerReply {
  const { paths, chunk, id } = task;
  try {
    return { type: 'digests', id, digests: keyDigests('list' in paths ? expandEntries(paths.list, paths.from, paths.to).paths : paths, chunk) };
  } catch {
    // A malformed list: no digests, and the caller's check fails.
    return { type: 'digests', id, digests: [] };
  }
}

function hashOne(task: Extract<WorkerTask, { kind: 'hash' }>): WorkerReply {
  let unreported = 0;
  if (buffer?.length !== task.chunkSize) buffer = Buffer.allocUnsafeSlow(task.chunkSize);
  try {
    // Blocking reads: this thread has nothing else to do meanwhile (digest.ts says why they are faster).
    const r = digestFileSync(task.path, {
      chunkSize: task.chunkSize,
      buffers: [buffer],
      expectKey: task.expectKey,
      onBytes: (bytes) => {
        unreported += bytes;
        if (unreported < PROGRESS_EVERY) return;
        port?.postMessage({ type: 'bytes', id: task.id, bytes: unreported } satisfies WorkerReply);
        unreported = 0;
      },
    });
    // The caller counts the rest from the final size.
    return { type: 'done', id: task.id, ok: true, sha256: r.sha256, size: r.size, stable: r.stable };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { type: 'done', id: task.id, ok: false, code: e.code ?? 'ERROR', message: e.message };
  }
}
