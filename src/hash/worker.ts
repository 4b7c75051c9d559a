/**
 * A hashing worker thread. SHA-256 runs synchronously on whichever thread
 * calls `update`, so hashing two files at once needs two threads; each worker
 * hashes one file at a time and reports bytes as it goes.
 */
import { parentPort } from 'node:worker_threads';
import { digestFile } from './digest.js';
import type { WorkerReply, WorkerTask } from './pool.js';

/** Report progress every this many bytes, not every chunk: each message costs the main thread a wake-up. */
const PROGRESS_EVERY = 16 * 1024 * 1024;

const port = parentPort;
if (port === null) throw new Error('hash worker must run in a worker thread');

/** This thread's read buffers, kept across files of the same chunk size. */
let buffers: [Buffer, Buffer] | undefined;

// One file at a time, in order, even if the pool ever sends ahead: the read buffers are shared.
let queue: Promise<void> = Promise.resolve();
port.on('message', (task: WorkerTask) => {
  queue = queue.then(async () => port.postMessage(await hashOne(task)));
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);

async function hashOne(task: WorkerTask): Promise<WorkerReply> {
  let unreported = 0;
  if (buffers?.[0].length !== task.chunkSize) buffers = [Buffer.allocUnsafeSlow(task.chunkSize), Buffer.allocUnsafeSlow(task.chunkSize)];
  try {
    const r = await digestFile(task.path, {
      chunkSize: task.chunkSize,
      buffers,
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
