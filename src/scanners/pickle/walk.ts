/**
 * A bounded walk over one pickle: steps opcode by opcode to the STOP,
 * decoding only the arguments the symbolic machine needs (arguments.ts)
 * and skipping the rest by arithmetic, so large BINBYTES payloads are never
 * read. Budgets (bytes read, opcodes) make a huge or hostile stream
 * inconclusive instead of slow.
 *
 * Spec: CPython Lib/pickletools.py, https://github.com/python/cpython/blob/main/Lib/pickletools.py
 */
import type { ByteSource } from '../../util/byte-source.js';
import { Failed, readArgument } from './arguments.js';
import { Cursor, MAX_LINE, WalkBudget } from './cursor.js';
import type { ArrayPayload } from './joblib.js';
import { Machine, type Arg, type GlobalSink } from './machine.js';
import { OP_PROTO, opcodeInfo } from './opcodes.js';

export { MAX_WALK_OPCODES, MAX_WALK_READ_BYTES } from './cursor.js';

export type PickleWalk =
  /** `end` is the offset just past STOP. */
  | { readonly status: 'stop'; readonly end: number; readonly opcodes: number }
  | { readonly status: 'truncated'; readonly offset: number }
  | { readonly status: 'invalid'; readonly offset: number; readonly reason: string }
  /** A budget or cap ran out before STOP, or the rest cannot be stepped over; says nothing either way. */
  | { readonly status: 'limit'; readonly offset: number; readonly reason?: string };

/** What a walk reports besides its end: notes that make the analysis partial. */
export interface WalkContext {
  readonly sink: GlobalSink;
  readonly notes: string[];
}

/** Nested pickles (joblib object arrays) deeper than this are not followed. */
const MAX_NESTING = 4;
/** Opcodes a probe of joblib array bytes may take before it counts as a real opcode run. */
const PROBE_QUIET_OPCODES = 8;
const PROBE_MAX_OPCODES = 64;

const NO_SINK: GlobalSink = { add: () => true };

/** Walk one pickle starting at `start`, with a budget of its own. Never throws. */
export async function walkPickle(src: ByteSource, start = 0): Promise<PickleWalk> {
  const ctx: WalkContext = { sink: NO_SINK, notes: [] };
  return walkStream(new Cursor(src, start, new WalkBudget()), new Machine(NO_SINK), ctx);
}

/** Why a walk shows the stream is broken, or undefined when it reached STOP or ran out of budget. */
export function walkFailure(walk: PickleWalk): string | undefined {
  if (walk.status === 'truncated') return `truncated pickle: stream ends at byte ${walk.offset} before a STOP opcode`;
  if (walk.status === 'invalid') return `not a pickle stream: ${walk.reason} at offset ${walk.offset}`;
  return undefined;
}

interface StreamLimits {
  readonly depth: number;
  /** Probe walks: stop after this many opcodes, or on reaching `end`. */
  readonly maxOpcodes?: number;
  readonly end?: number;
}

/** Walk from the cursor to the STOP, feeding each opcode to `m`. Never throws. */
export async function walkStream(
  c: Cursor,
  m: Machine,
  ctx: WalkContext,
  limits: StreamLimits = { depth: 0 },
): Promise<PickleWalk> {
  const budget = c.budget;
  let count = 0;
  try {
    for (;;) {
      const at = c.pos;
      if (budget.opcodes >= budget.maxOpcodes) return { status: 'limit', offset: at, reason: `opcode budget (${budget.maxOpcodes}) exhausted` };
      if ((limits.maxOpcodes !== undefined && count >= limits.maxOpcodes) || (limits.end !== undefined && at >= limits.end)) {
        return { status: 'limit', offset: at };
      }
      if (!c.has(1)) {
        const s = await c.ensure(1);
        if (s === 'eof') return { status: 'truncated', offset: at };
        if (s === 'limit') return readLimit(c, at);
      }
      const op = c.byte();
      budget.opcodes++;
      count++;
      const info = opcodeInfo(op);
      if (info === undefined) return invalid(at, `invalid opcode 0x${op.toString(16).padStart(2, '0')}`);
      let arg: Arg;
      if (info.arg.kind !== 'none') {
        const pending = readArgument(c, op, info.arg);
        const got = pending instanceof Promise ? await pending : pending;
        if (got instanceof Failed) {
          if (got.why === 'eof') return { status: 'truncated', offset: at };
          if (got.why === 'limit') return readLimit(c, at);
          if (got.why === 'long') return { status: 'limit', offset: at, reason: `text argument longer than ${MAX_LINE} bytes` };
          return invalid(at, `${info.name}: ${got.why}`);
        }
        arg = got;
      }
      const action = m.step(op, arg, at);
      if (action === undefined) continue;
      if (action.kind === 'stop') return { status: 'stop', end: c.pos, opcodes: count };
      if (action.kind === 'halt') return { status: 'limit', offset: at, reason: action.reason };
      const skipped = await stepOverArray(c, m, ctx, action.payload, limits.depth);
      if (skipped !== undefined) return skipped;
    }
  } catch (err) {
    return invalid(c.pos, `read failed (${(err as Error).message})`);
  }
}

function invalid(offset: number, reason: string): PickleWalk {
  return { status: 'invalid', offset, reason };
}

function readLimit(c: Cursor, at: number): PickleWalk {
  return { status: 'limit', offset: at, reason: `read budget (${c.budget.maxReadBytes} bytes) exhausted` };
}

/**
 * Step over the bytes joblib wrote after an array wrapper's BUILD. A plain
 * `pickle.load` would instead run those bytes as opcodes, so they are first
 * probed as such: a run of real opcodes there is an attempt to hide them.
 */
async function stepOverArray(c: Cursor, m: Machine, ctx: WalkContext, payload: ArrayPayload, depth: number): Promise<PickleWalk | undefined> {
  const start = c.pos;
  if (payload.kind === 'unknown') {
    return { status: 'limit', offset: start, reason: `${payload.reason}: its array bytes cannot be stepped over` };
  }
  if (payload.kind === 'raw' && !(payload.structured && (await peek(c)) === OP_PROTO)) {
    await probeAsOpcodes(c, m, ctx, start + (payload.align === undefined ? 0 : 1) + payload.bytes);
    c.pos = start;
    return skipRaw(c, payload.bytes, payload.align);
  }
  // Object arrays (and structured ones holding objects) are a whole pickle of their own.
  if (depth >= MAX_NESTING) return { status: 'limit', offset: start, reason: `pickles nested deeper than ${MAX_NESTING}` };
  const inner = new Machine(ctx.sink);
  const end = await walkStream(c, inner, ctx, { depth: depth + 1 });
  m.imports += inner.imports;
  if (inner.malformed !== undefined) ctx.notes.push(`nested pickle: ${inner.malformed}`);
  return end.status === 'stop' ? undefined : end;
}

async function peek(c: Cursor): Promise<number | undefined> {
  if (!c.has(1) && (await c.ensure(1)) !== 'ok') return undefined;
  const b = c.byte();
  c.pos--;
  return b;
}

async function skipRaw(c: Cursor, bytes: number, align: number | undefined): Promise<PickleWalk | undefined> {
  const start = c.pos;
  if (align !== undefined) {
    const s = c.has(1) ? 'ok' : await c.ensure(1);
    if (s === 'eof') return { status: 'truncated', offset: start };
    if (s === 'limit') return readLimit(c, start);
    const pad = c.byte();
    if (pad < 1 || pad > align) {
      return { status: 'limit', offset: start, reason: `joblib array padding length ${pad} at offset ${start} is not in 1..${align}` };
    }
    const p = c.has(pad) ? 'ok' : await c.ensure(pad);
    if (p === 'eof') return { status: 'truncated', offset: start };
    if (p === 'limit') return readLimit(c, start);
    if (c.bytes(pad).some((b) => b !== 0xff)) {
      return { status: 'limit', offset: start, reason: `joblib array padding at offset ${start} is not 0xff bytes` };
    }
  }
  return c.skip(bytes) ? undefined : { status: 'truncated', offset: start };
}

/** Run the array bytes through a probe machine; resolved imports are recorded, a long run is noted. */
async function probeAsOpcodes(c: Cursor, m: Machine, ctx: WalkContext, end: number): Promise<void> {
  const start = c.pos;
  const before = c.budget.opcodes;
  const probe = new Machine(ctx.sink, { probe: true, outerMemo: m.memoView });
  const walk = await walkStream(c, probe, { sink: ctx.sink, notes: [] }, { depth: MAX_NESTING, maxOpcodes: PROBE_MAX_OPCODES, end });
  const ran = c.budget.opcodes - before;
  if (probe.imports > 0 || probe.unresolvedImport || (walk.status === 'limit' && ran >= PROBE_QUIET_OPCODES)) {
    ctx.notes.push(`joblib array bytes at offset ${start} also read as pickle opcodes (a plain pickle.load would run them)`);
  }
  m.imports += probe.imports;
}
