/**
 * Reading one opcode's argument: the short strings, small ints, memo keys
 * and GLOBAL names the machine needs are decoded; everything else (large
 * strings, bytes payloads) is stepped over by arithmetic and never read.
 * Synchronous when the bytes are already in the cursor's window.
 *
 * Spec: CPython Lib/pickletools.py (argument descriptors) and Lib/pickle.py.
 */
import { decodeLatin1 } from '../../util/binary.js';
import { lineText, type Cursor } from './cursor.js';
import type { Arg } from './machine.js';
import { OP_PROTO, PICKLE_PROTOCOL_MAX, type ArgKind, type LineText } from './opcodes.js';
import {
  MAX_TRACKED_STRING,
  OPAQUE,
  decodeIntLine,
  decodeLong1,
  decodeLongLine,
  decodeNameLine,
  decodeQuoted,
  decodeRawUnicode,
  decodeUnicode,
} from './values.js';

/** Why an argument could not be read: `eof`, `limit`, or a message. */
export class Failed {
  constructor(readonly why: string) {}
}
const EOF = new Failed('eof');
const LIMIT = new Failed('limit');
const LONG = new Failed('long');

const fromStatus = (s: 'eof' | 'limit' | 'long'): Failed => (s === 'eof' ? EOF : s === 'limit' ? LIMIT : LONG);

export type ArgResult = Arg | Failed;

/**
 * Read or step over an opcode's argument. Synchronous when the bytes are
 * already in the window: an await per opcode would dominate the walk's cost.
 */
export function readArgument(c: Cursor, op: number, arg: ArgKind): ArgResult | Promise<ArgResult> {
  switch (arg.kind) {
    case 'none':
      return undefined;
    case 'line':
      return readLine(c, op, arg.text);
    case 'lines2':
      return readNames(c);
    case 'fixed':
      return c.has(arg.size) ? fixedValue(c, op, arg.size) : withBytes(c, arg.size, () => fixedValue(c, op, arg.size));
    default: {
      const width = arg.kind === 'len1' ? 1 : arg.kind === 'len4' ? 4 : 8;
      return withBytes(c, width, () => {
        const len = readLength(c.bytes(width), arg.kind === 'len4' && arg.signed);
        if (len === undefined) return new Failed('negative or oversized length');
        if (c.pos + len > c.size) return EOF;
        if (!wantsPayload(op, len)) {
          c.pos += len;
          return OPAQUE;
        }
        return withBytes(c, len, () => payloadValue(op, c.bytes(len)));
      });
    }
  }
}

function withBytes(c: Cursor, n: number, then: () => ArgResult | Promise<ArgResult>): ArgResult | Promise<ArgResult> {
  if (c.has(n)) return then();
  return c.ensure(n).then((s) => (s === 'ok' ? then() : s === 'eof' ? EOF : LIMIT));
}

/** A fixed-size argument, read straight from the window (this runs for most opcodes of a real pickle). */
function fixedValue(c: Cursor, op: number, size: number): ArgResult {
  switch (op) {
    case OP_PROTO: {
      const v = c.byte();
      return v > PICKLE_PROTOCOL_MAX ? new Failed(`unsupported protocol ${v}`) : v;
    }
    case 0x4a: // BININT
      return c.i32();
    case 0x4b: // BININT1
    case 0x68: // BINGET
    case 0x71: // BINPUT
      return c.byte();
    case 0x4d: // BININT2
      return c.u16();
    case 0x6a: // LONG_BINGET
    case 0x72: // LONG_BINPUT
      return c.u32();
    default:
      // BINFLOAT, FRAME, EXT*: the machine does not need the value.
      c.pos += size;
      return undefined;
  }
}

/** String payloads short enough to be a name, and LONG1's few bytes; everything else is stepped over. */
function wantsPayload(op: number, len: number): boolean {
  switch (op) {
    case 0x54: // BINSTRING
    case 0x55: // SHORT_BINSTRING
    case 0x58: // BINUNICODE
    case 0x8c: // SHORT_BINUNICODE
    case 0x8d: // BINUNICODE8
      return len <= MAX_TRACKED_STRING;
    case 0x8a: // LONG1
      return true;
    default:
      return false;
  }
}

function payloadValue(op: number, b: Uint8Array): ArgResult {
  if (op === 0x8a) return decodeLong1(b);
  // Python 2 str (BINSTRING): CPython 3 decodes it as ASCII by default; latin1 keeps every byte.
  if (op === 0x54 || op === 0x55) return decodeLatin1(b);
  return decodeUnicode(b) ?? OPAQUE;
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

function readLine(c: Cursor, op: number, kind: LineText): ArgResult | Promise<ArgResult> {
  const bytes = c.lineInWindow();
  if (bytes !== undefined) return lineValue(op, kind, bytes);
  return c.line().then((b) => (typeof b === 'string' ? fromStatus(b) : lineValue(op, kind, b)));
}

function lineValue(op: number, kind: LineText, bytes: Uint8Array): ArgResult {
  const text = lineText(bytes);
  if (!LINE_CHECKS[kind].test(text)) return new Failed(`malformed argument ${JSON.stringify(text.slice(0, 40))}`);
  switch (op) {
    case 0x49: // INT
      return decodeIntLine(bytes);
    case 0x4c: // LONG
      return decodeLongLine(bytes);
    case 0x53: // STRING
      return bytes.length > MAX_TRACKED_STRING + 2 ? OPAQUE : (decodeQuoted(bytes) ?? OPAQUE);
    case 0x56: // UNICODE
      return bytes.length > MAX_TRACKED_STRING ? OPAQUE : (decodeRawUnicode(bytes) ?? OPAQUE);
    case 0x67: // GET
    case 0x70: // PUT
      return text.length <= 15 ? Number(text) : Number.NaN;
    default:
      // FLOAT, PERSID
      return undefined;
  }
}

/** GLOBAL and INST: `module\n` then `name\n`. */
function readNames(c: Cursor): ArgResult | Promise<ArgResult> {
  const first = c.lineInWindow();
  const second = first === undefined ? undefined : c.lineInWindow();
  if (first !== undefined && second !== undefined) return names(first, second);
  return slowNames(c, first);
}

async function slowNames(c: Cursor, first: Uint8Array | undefined): Promise<ArgResult> {
  const a = first ?? (await c.line());
  if (typeof a === 'string') return fromStatus(a);
  const b = await c.line();
  if (typeof b === 'string') return fromStatus(b);
  return names(a, b);
}

function names(a: Uint8Array, b: Uint8Array): ArgResult {
  const module = decodeNameLine(a);
  const name = decodeNameLine(b);
  for (const text of [module, name]) {
    if (!DOTTED_NAME.test(text)) return new Failed(`malformed name ${JSON.stringify(text.slice(0, 40))}`);
  }
  return [module, name] as const;
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
