/**
 * Windowed, budgeted reads over a pickle stream. The walker asks for a few
 * bytes at a time; the cursor serves them from a 1 MiB window and refills
 * it only when needed, so one pread usually covers thousands of opcodes.
 */
import type { ByteSource } from '../../util/byte-source.js';
import { decodeLatin1 } from '../../util/binary.js';

/** Most bytes fetched per read; protocol-0 lines longer than this are read in steps. */
const WINDOW = 1024 * 1024;
/**
 * First read after a jump over a large payload. Windows grow 4x while the
 * walk reads on (or skips less than READ_THROUGH), so a stream of opcodes
 * and small payloads costs few reads, while a pickle of many large inline
 * arrays costs one small read per array instead of a full window each.
 */
const FIRST_WINDOW = 512;
const READ_THROUGH = 64 * 1024;
/** Each read is charged this much on top of its bytes, so a stream of tiny reads also meets the budget. */
const READ_COST = 4096;
/** Total bytes the walks over one file may read (skipped payloads do not count). */
export const MAX_WALK_READ_BYTES = 32 * 1024 * 1024;
/** Opcode budget for one file: a huge object graph is inconclusive, not a failure. */
export const MAX_WALK_OPCODES = 5_000_000;
/** Longest protocol-0 text argument we check; longer is inconclusive. */
export const MAX_LINE = 4 * 1024 * 1024;

/**
 * What every walk over one file may spend. Shared by all the streams and
 * archive members of the file, so a zip of a thousand pickles costs no
 * more than one big pickle.
 */
export class WalkBudget {
  readBytes = 0;
  opcodes = 0;
  constructor(
    readonly maxReadBytes = MAX_WALK_READ_BYTES,
    readonly maxOpcodes = MAX_WALK_OPCODES,
  ) {}

  get readExhausted(): boolean {
    return this.readBytes >= this.maxReadBytes;
  }

  /** What the budget allows, for messages. */
  describe(): string {
    return `${this.maxReadBytes / (1024 * 1024)} MiB read, ${this.maxOpcodes} opcodes`;
  }
}

export type Need = 'ok' | 'eof' | 'limit';

export class Cursor {
  private win: Uint8Array = new Uint8Array(0);
  private winStart = 0;
  private nextWindow = FIRST_WINDOW / 4;
  constructor(
    private readonly src: ByteSource,
    public pos: number,
    readonly budget: WalkBudget,
  ) {}

  get size(): number {
    return this.src.size;
  }

  /** Are `n` bytes at pos already in the window? The synchronous fast path. */
  has(n: number): boolean {
    return this.pos + n <= this.winStart + this.win.length && this.pos >= this.winStart;
  }

  /** Make `n` bytes at pos available, reading when needed. */
  async ensure(n: number): Promise<Need> {
    if (this.has(n)) return 'ok';
    if (this.pos + n > this.src.size) return 'eof';
    if (this.budget.readExhausted) return 'limit';
    const sequential = this.pos >= this.winStart && this.pos < this.winStart + this.win.length + READ_THROUGH;
    this.nextWindow = sequential ? Math.min(this.nextWindow * 4, WINDOW) : FIRST_WINDOW;
    this.win = await this.src.read(this.pos, Math.max(n, this.nextWindow));
    this.winStart = this.pos;
    this.budget.readBytes += this.win.length + READ_COST;
    return this.has(n) ? 'ok' : 'eof';
  }

  byte(): number {
    return this.win[this.pos++ - this.winStart]!;
  }

  /** Little-endian integers at pos; callers check `has` first. */
  u16(): number {
    const at = this.pos - this.winStart;
    this.pos += 2;
    return this.win[at]! | (this.win[at + 1]! << 8);
  }

  u32(): number {
    return this.i32() >>> 0;
  }

  i32(): number {
    const w = this.win;
    const at = this.pos - this.winStart;
    this.pos += 4;
    return w[at]! | (w[at + 1]! << 8) | (w[at + 2]! << 16) | (w[at + 3]! << 24);
  }

  bytes(n: number): Uint8Array {
    const at = this.pos - this.winStart;
    this.pos += n;
    return this.win.subarray(at, at + n);
  }

  /** Step over `n` bytes without reading them; false when they run past the end. */
  skip(n: number): boolean {
    if (this.pos + n > this.src.size) return false;
    this.pos += n;
    return true;
  }

  /** The next line's bytes when its `\n` is already in the window (the usual case), else undefined. */
  lineInWindow(): Uint8Array | undefined {
    if (this.pos < this.winStart) return undefined;
    const at = this.pos - this.winStart;
    const nl = this.win.indexOf(0x0a, at);
    if (nl < 0 || nl - at > MAX_LINE) return undefined;
    this.pos += nl - at + 1;
    return this.win.subarray(at, nl);
  }

  /** Read through the next `\n`; the bytes without it, or a status (`long`: past MAX_LINE). */
  async line(): Promise<Uint8Array | 'eof' | 'limit' | 'long'> {
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
      parts.push(this.win.slice(at, stop));
      len += stop - at;
      this.pos += stop - at;
      if (len > MAX_LINE) return 'long';
      if (nl >= 0) {
        this.pos++;
        return concat(parts, len);
      }
    }
  }
}

function concat(parts: readonly Uint8Array[], len: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Text of a protocol-0 line, for checks and messages. */
export function lineText(bytes: Uint8Array): string {
  return decodeLatin1(bytes);
}
