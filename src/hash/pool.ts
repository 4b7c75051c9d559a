/**
 * A lazily started pool of hashing worker threads.
 *
 * - Workers start on the first task, up to `size` (default: the core count).
 * - An idle worker is unref'ed at once, so it never keeps a CLI process
 *   alive, and is terminated after `idleMs`, so a long-lived library user
 *   does not keep idle threads.
 * - A worker that dies mid-task fails that task (an error outcome, never a
 *   hang); the next task gets a fresh worker. A worker that dies before it
 *   said `ready` means the script cannot run here (e.g. the sources are run
 *   without being compiled): the pool then answers `unavailable` and the
 *   caller hashes on its own thread instead.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EntryRange } from '../util/entry-list.js';

export type WorkerTask =
  | { readonly kind: 'hash'; readonly id: number; readonly path: string; readonly chunkSize: number; readonly expectKey?: string | undefined }
  /** `keyDigests` of many files (listed, or a range of an entry list): a scan snapshot's check, spread over threads. */
  | { readonly kind: 'digests'; readonly id: number; readonly paths: readonly string[] | EntryRange; readonly chunk: number };

type DoneReply =
  | { readonly type: 'done'; readonly id: number; readonly ok: true; readonly sha256: string; readonly size: number; readonly stable: boolean }
  | { readonly type: 'done'; readonly id: number; readonly ok: false; readonly code: string; readonly message: string };
type DigestsReply = { readonly type: 'digests'; readonly id: number; readonly digests: string[] };

export type WorkerReply = { readonly type: 'ready' } | { readonly type: 'bytes'; readonly id: number; readonly bytes: number } | DoneReply | DigestsReply;

/** How a task ends: its worker's last reply, or why there is none. */
type Final = DoneReply | DigestsReply | { readonly type: 'failed'; readonly message: string } | { readonly type: 'unavailable' };

export type PoolOutcome =
  | { readonly ok: true; readonly sha256: string; readonly size: number; readonly stable: boolean }
  | { readonly ok: false; readonly code: string; readonly message: string }
  | { readonly ok: 'unavailable' };

export interface PoolOptions {
  /** Most threads at once; default `availableParallelism()`. */
  readonly size?: number;
  /** The worker script; default the compiled `worker.js` beside this module. */
  readonly script?: URL;
  /** Terminate a worker idle this long (ms); default 2000. */
  readonly idleMs?: number;
}

export interface PoolStats {
  readonly started: number;
  readonly crashed: number;
  readonly tasks: number;
}

interface Pending {
  readonly task: WorkerTask;
  readonly onBytes: ((bytes: number) => void) | undefined;
  readonly settle: (f: Final) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  current: Pending | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

export class HashWorkerPool {
  readonly size: number;
  private readonly script: URL;
  private readonly idleMs: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private unavailable = false;
  private counts = { started: 0, crashed: 0, tasks: 0 };
  private bootWaiters: Array<() => void> = [];

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.script = options.script ?? new URL('./worker.js', import.meta.url);
    this.idleMs = options.idleMs ?? 2000;
  }

  get stats(): PoolStats {
    return { ...this.counts };
  }

  /** Hash one file on a worker thread. Never rejects. */
  hash(path: string, opts: { chunkSize: number; expectKey?: string | undefined; onBytes?: (bytes: number) => void }): Promise<PoolOutcome> {
    if (this.unavailable) return Promise.resolve({ ok: 'unavailable' });
    return new Promise((resolve) => {
      const settle = (f: Final): void =>
        resolve(
          f.type === 'done'
            ? f.ok
              ? { ok: true, sha256: f.sha256, size: f.size, stable: f.stable }
              : { ok: false, code: f.code, message: f.message }
            : f.type === 'unavailable'
              ? { ok: 'unavailable' }
              : { ok: false, code: 'ERROR', message: f.type === 'failed' ? f.message : 'hash worker gave a wrong answer' },
        );
      this.queue.push({ task: { kind: 'hash', id: this.nextId++, path, chunkSize: opts.chunkSize, expectKey: opts.expectKey }, onBytes: opts.onBytes, settle });
      this.dispatch();
    });
  }

  /**
   * `keyDigests(paths, chunk)` (util/cache-file.ts) on a worker thread, for
   * these paths or this range of an entry list (util/entry-list.ts);
   * undefined when no worker could do it. Never rejects.
   */
  digests(paths: readonly string[] | EntryRange, chunk: number): Promise<string[] | undefined> {
    if (this.unavailable) return Promise.resolve(undefined);
    const count = 'list' in paths ? paths.to - paths.from : paths.length;
    return new Promise((resolve) => {
      const settle = (f: Final): void => resolve(f.type === 'digests' && f.digests.length === Math.ceil(count / chunk) ? f.digests : undefined);
      this.queue.push({ task: { kind: 'digests', id: this.nextId++, paths, chunk }, onBytes: undefined, settle });
      this.dispatch();
    });
  }

  /**
   * Start idle workers ahead of the first task, up to `count` (and the pool
   * size). A worker takes about 0.1 CPU-s to boot, more when it competes
   * with the main thread: a CLI that starts them first thing boots them on
   * cores its own start-up leaves idle. Each stays unref'ed and stops after
   * `idleMs` unless a task comes.
   */
  prestart(count = this.size): void {
    while (!this.unavailable && this.slots.size < Math.min(count, this.size)) {
      const slot = this.spawn();
      if (slot === undefined) return;
      this.idle(slot);
    }
  }

  /**
   * Resolves once every worker started so far has booted (or died trying).
   * Booting workers keep the process alive meanwhile, so the promise always settles.
   */
  booted(): Promise<void> {
    return new Promise((resolve) => {
      this.bootWaiters.push(resolve);
      for (const s of this.slots) if (!s.ready) s.worker.ref();
      this.checkBooted();
    });
  }

  private checkBooted(): void {
    if (this.bootWaiters.length === 0 || [...this.slots].some((s) => !s.ready)) return;
    for (const resolve of this.bootWaiters.splice(0)) resolve();
  }

  /** Stop every worker now; queued and running tasks resolve as errors. */
  async close(): Promise<void> {
    const slots = [...this.slots];
    this.slots.clear();
    this.checkBooted();
    for (const p of this.queue.splice(0)) p.settle({ type: 'failed', message: 'hash worker pool closed' });
    await Promise.all(
      slots.map(async (s) => {
        if (s.idleTimer !== undefined) clearTimeout(s.idleTimer);
        s.current?.settle({ type: 'failed', message: 'hash worker pool closed' });
        s.current = undefined;
        await s.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => s.current === undefined);
      if (slot === undefined) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
        if (slot === undefined) return;
      }
      this.assign(slot, this.queue.shift() as Pending);
    }
  }

  private assign(slot: Slot, p: Pending): void {
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    slot.current = p;
    this.counts.tasks++;
    // Busy workers keep the process alive until their answer arrives.
    slot.worker.ref();
    slot.worker.postMessage(p.task);
  }

  private spawn(): Slot | undefined {
    let worker: Worker;
    try {
      // The parent's flags are not the worker's business, and some break it: under
      // `node --input-type=module -e`, an inherited --input-type stops any worker from loading.
      // A small young generation: a worker allocates little but stats objects in digests tasks, and
      // left to grow on those (tens of MB of short-lived BigInts) it kept 50-60 MB more resident.
      worker = new Worker(this.script, { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    } catch {
      this.giveUp();
      return undefined;
    }
    this.counts.started++;
    const slot: Slot = { worker, ready: false, current: undefined, idleTimer: undefined };
    this.slots.add(slot);
    worker.on('message', (m: WorkerReply) => this.onMessage(slot, m));
    worker.on('error', (err) => this.onDeath(slot, `hash worker failed: ${err.message}`));
    worker.on('messageerror', (err) => this.onDeath(slot, `hash worker sent a bad message: ${err.message}`));
    worker.on('exit', (code) => this.onDeath(slot, `hash worker exited with code ${code}`));
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerReply): void {
    if (m.type === 'ready') {
      slot.ready = true;
      if (slot.current === undefined) slot.worker.unref();
      this.checkBooted();
      return;
    }
    const p = slot.current;
    if (p === undefined || m.id !== p.task.id) return;
    if (m.type === 'bytes') {
      p.onBytes?.(m.bytes);
      return;
    }
    slot.current = undefined;
    p.settle(m);
    if (this.queue.length > 0) {
      this.assign(slot, this.queue.shift() as Pending);
      return;
    }
    this.idle(slot);
  }

  /** Let an idle worker neither keep the process alive nor outlive `idleMs`. */
  private idle(slot: Slot): void {
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      this.slots.delete(slot);
      this.checkBooted();
      stop(slot.worker);
    }, this.idleMs);
    slot.idleTimer.unref();
  }

  private onDeath(slot: Slot, reason: string): void {
    if (!this.slots.delete(slot)) return;
    this.checkBooted();
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    const p = slot.current;
    slot.current = undefined;
    if (!slot.ready) {
      // The script never ran: no worker will do better, so the caller hashes on its own thread.
      stop(slot.worker);
      this.giveUp(p);
      return;
    }
    this.counts.crashed++;
    stop(slot.worker);
    p?.settle({ type: 'failed', message: reason });
    this.dispatch();
  }

  private giveUp(inFlight?: Pending): void {
    this.unavailable = true;
    inFlight?.settle({ type: 'unavailable' });
    for (const p of this.queue.splice(0)) p.settle({ type: 'unavailable' });
  }
}

/** Terminate without waiting; a failed terminate means the thread is gone already. */
function stop(worker: Worker): void {
  worker.terminate().catch(() => undefined);
}

let shared: HashWorkerPool | undefined;

/** The process-wide pool, created on first use. */
export function sharedPool(): HashWorkerPool {
  shared ??= new HashWorkerPool();
  return shared;
}
