/**
 * A bounded structural walk over one pickle: steps opcode by opcode to the
 * STOP, skipping length-prefixed arguments by arithmetic (large BINBYTES
 * payloads are never read). It executes nothing and keeps no stack; it only
 * tells a well-formed stream from a truncated or foreign one. A later
 * `listPickleGlobals` walker can build on the same opcode table.
 *
 * Spec: CPython Lib/pickletools.py, https://github.com/python/cpython/blob/main/Lib/pickletools.py
 */
import type { ByteSource } from '../../util/byte-source.js';
import { decodeLatin1 } from '../../util/binary.js';
import { OP_PROTO, OP_STOP, PICKLE_PROTOCOL_MAX, opcodeInfo, type ArgKind, type LineText } from './opcodes.js';

/** Bytes fetched per read; protocol-0 lines longer than this are read in steps. */
const WINDOW = 1024 * 1024;
/** Total bytes the walk may read before giving up as inconclusive (skipped payloads do not count). */
export const MAX_WALK_READ_BYTES = 32 * 1024 * 1024;
/** Opcode budget: a huge object graph is inconclusive, not a failure. */
export const MAX_WALK_OPCODES = 5_000_000;
/** Longest protocol-0 text argument we check; longer is inconclusive. */
const MAX_LINE = 4 * 1024 * 1024;

export type PickleWalk =
  /** `end` is the offset just past STOP. */
  | { readonly status: 'stop'; readonly end: number; readonly opcodes: number }
  | { readonly status: 'truncated'; readonly offset: number }
  | { readonly status: 'invalid'; readonly offset: number; readonly reason: string }
  /** A budget ran out before STOP; says nothing either way. */
  | { readonly status: 'limit'; readonly offset: number };

class Cursor {
  private win: Uint8Array = new Uint8Array(0);
  private winStart = 0;
  readBytes = 0;
  constructor(
    private readonly src: ByteSource,
    public pos: number,
  ) {}

  srcSize(): number {
    return this.src.size;
  }

  /** Are `n` bytes at pos already in the window? The synchronous fast path. */
  has(n: number): boolean {
    return this.pos + n <= this.winStart + this.win.length;
  }

  /** Make `n` bytes at pos available, reading when needed. */
  async ensure(n: number): Promise<'ok' | 'eof' | 'limit'> {
    if (this.has(n)) return 'ok';
    if (this.pos + n > this.src.size) return 'eof';
    if (this.readBytes >= MAX_WALK_READ_BYTES) return 'limit';
    this.win = await this.src.read(this.pos, Math.max(n, WINDOW));
    this.winStart = this.pos;
    this.readBytes += this.win.length;
    return this.has(n) ? 'ok' : 'eof';
  }

  byte(): number {
    return this.win[this.pos++ - this.winStart]!;
  }

  bytes(n: number): Uint8Array {
    const at = this.pos - this.winStart;
    this.pos += n;
    return this.win.subarray(at, at + n);
  }

  /** The next line when its `\n` is already in the window (the usual case), else undefined. */
  lineInWindow(): string | undefined {
    const at = this.pos - this.winStart;
    const nl = this.win.indexOf(0x0a, at);
    if (nl < 0 || nl - at > MAX_LINE) return undefined;
    this.pos += nl - at + 1;
    return decodeLatin1(this.win.subarray(at, nl));
  }

  /** Read through the next `\n`; the text without it, or a status. */
  async line(): Promise<string | 'eof' | 'limit'> {
    const parts: Uint8Array[] = [];
    let len = 0;
    for (;;) {
      if (!this.has(1)) {
        const s = await this.ensure(1);
        if (s !== 'ok') return s;
      }
      const at = this.pos - this.winStart;
      const nl = this.win.indexOf(0x0a, at);
      const stop = nl < 0 ? this.win.length : nl;
      parts.push(this.win.subarray(at, stop));
      len += stop - at;
      this.pos += stop - at;
      if (len > MAX_LINE) return 'limit';
      if (nl >= 0) {
        this.pos++;
        return parts.map(decodeLatin1).join('');
      }
    }
  }
}

const LINE_CHECKS: Record<LineText, RegExp> = {
  int: /^[-+]?\d+$/,
  long: /^[-+]?\d+L?$/,
  float: /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf|nan)$/i,
  quoted: /^(?:'[^]*'|"[^]*")$/,
  decimal: /^\d+$/,
  any: /^/,
};
const DOTTED_NAME = /^[\p{L}\p{N}_.]+$/u;

/** Walk one pickle starting at `start`. Never throws. */
export async function walkPickle(src: ByteSource, start = 0): Promise<PickleWalk> {
  const c = new Cursor(src, start);
  try {
    for (let count = 0; count < MAX_WALK_OPCODES; count++) {
      const at = c.pos;
      const s = c.has(1) ? 'ok' : await c.ensure(1);
      if (s === 'eof') return { status: 'truncated', offset: at };
      if (s === 'limit') return { status: 'limit', offset: at };
      const op = c.byte();
      const info = opcodeInfo(op);
      if (info === undefined) return invalid(at, `invalid opcode 0x${op.toString(16).padStart(2, '0')}`);
      if (op === OP_STOP) return { status: 'stop', end: c.pos, opcodes: count + 1 };
      const pending = skipArgument(c, op, info.arg);
      const step = typeof pending === 'string' ? pending : await pending;
      if (step === 'eof') return { status: 'truncated', offset: at };
      if (step === 'limit') return { status: 'limit', offset: at };
      if (step !== 'ok') return invalid(at, `${info.name}: ${step}`);
    }
    return { status: 'limit', offset: c.pos };
  } catch (err) {
    return invalid(c.pos, `read failed (${(err as Error).message})`);
  }
}

/** Why a walk shows the stream is broken, or undefined when it reached STOP or ran out of budget. */
export function walkFailure(walk: PickleWalk): string | undefined {
  if (walk.status === 'truncated') return `truncated pickle: stream ends at byte ${walk.offset} before a STOP opcode`;
  if (walk.status === 'invalid') return `not a pickle stream: ${walk.reason} at offset ${walk.offset}`;
  return undefined;
}

function invalid(offset: number, reason: string): PickleWalk {
  return { status: 'invalid', offset, reason };
}

type Step = 'ok' | 'eof' | 'limit' | string;

/**
 * Step over an opcode's argument. Synchronous when the bytes are already
 * in the window: an await per opcode would dominate the walk's cost.
 */
function skipArgument(c: Cursor, op: number, arg: ArgKind): Step | Promise<Step> {
  switch (arg.kind) {
    case 'none':
      return 'ok';
    case 'line':
      return skipLine(c, arg.text);
    case 'lines2':
      return skipNames(c);
    case 'fixed':
      return withBytes(c, arg.size, () => {
        const bytes = c.bytes(arg.size);
        return op === OP_PROTO && bytes[0]! > PICKLE_PROTOCOL_MAX ? `unsupported protocol ${bytes[0]}` : 'ok';
      });
    default: {
      const width = arg.kind === 'len1' ? 1 : arg.kind === 'len4' ? 4 : 8;
      return withBytes(c, width, () => {
        const len = readLength(c.bytes(width), arg.kind === 'len4' && arg.signed);
        if (len === undefined) return 'negative or oversized length';
        if (c.pos + len > c.srcSize()) return 'eof';
        c.pos += len;
        return 'ok';
      });
    }
  }
}

function withBytes(c: Cursor, n: number, then: () => Step): Step | Promise<Step> {
  if (c.has(n)) return then();
  return c.ensure(n).then((s) => (s === 'ok' ? then() : s));
}

function skipLine(c: Cursor, kind: LineText): Step | Promise<Step> {
  const check = (text: string): Step =>
    LINE_CHECKS[kind].test(text) ? 'ok' : `malformed argument ${JSON.stringify(text.slice(0, 40))}`;
  const text = c.lineInWindow();
  if (text !== undefined) return check(text);
  return c.line().then((t) => (t === 'eof' || t === 'limit' ? t : check(t)));
}

const checkName = (text: string): Step => (DOTTED_NAME.test(text) ? 'ok' : `malformed name ${JSON.stringify(text.slice(0, 40))}`);

/** GLOBAL and INST: `module\n` then `name\n`. */
function skipNames(c: Cursor): Step | Promise<Step> {
  for (let i = 0; i < 2; i++) {
    const text = c.lineInWindow();
    if (text === undefined) return slowNames(c, 2 - i);
    const step = checkName(text);
    if (step !== 'ok') return step;
  }
  return 'ok';
}

async function slowNames(c: Cursor, count: number): Promise<Step> {
  for (let i = 0; i < count; i++) {
    const text = await c.line();
    if (text === 'eof' || text === 'limit') return text;
    const step = checkName(text);
    if (step !== 'ok') return step;
  }
  return 'ok';
}

function readLength(b: Uint8Array, signed: boolean): number | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length === 1) return b[0];
  if (b.length === 4) return signed ? nonNegative(dv.getInt32(0, true)) : dv.getUint32(0, true);
  const v = dv.getBigUint64(0, true);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

function nonNegative(n: number): number | undefined {
  return n >= 0 ? n : undefined;
}
