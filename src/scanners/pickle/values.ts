/**
 * The symbolic values the globals walker keeps on its stack and memo. It
 * models only what decides an import: strings (for STACK_GLOBAL), small
 * ints, tuples and dicts (for the joblib array wrapper), the globals
 * themselves and the calls made with them. Everything else collapses to one
 * of two markers, so memory stays proportional to the opcodes walked.
 *
 * Decoding rules follow CPython Lib/pickle.py (`load_string`,
 * `load_binunicode`, `load_unicode`, `load_int`, `decode_long`).
 */
import { decodeLatin1, decodeUtf8 } from '../../util/binary.js';

/** A global pushed by GLOBAL, INST or STACK_GLOBAL; `?` marks a part that could not be resolved. */
export interface GlobalRef {
  readonly t: 'global';
  readonly module: string;
  readonly name: string;
}

/** A tuple of at most MAX_TRACKED_ITEMS items; longer ones are `OTHER`. */
export interface TupleValue {
  readonly t: 'tuple';
  readonly items: readonly Value[];
  /** Nesting depth (see MAX_DEPTH). */
  readonly depth: number;
}

/** A dict's string-keyed entries (at most MAX_TRACKED_ITEMS); other keys are dropped. */
export interface DictValue {
  readonly t: 'dict';
  readonly entries: Map<string, Value>;
}

/** The result of calling `fn` with `args` (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ): its type is unknown. */
export interface CallValue {
  readonly t: 'call';
  readonly fn: Value;
  readonly args: Value;
  readonly depth: number;
}

/** Something whose runtime type is unknown: it may well be a str (a memo miss, a persistent id). */
export interface Opaque {
  readonly t: 'opaque';
}

/** Something known not to be a str: a float, bytes, a list, a set. */
export interface Other {
  readonly t: 'other';
}

export type Value = string | number | boolean | null | GlobalRef | TupleValue | DictValue | CallValue | Opaque | Other;

export const OPAQUE: Opaque = Object.freeze({ t: 'opaque' });
export const OTHER: Other = Object.freeze({ t: 'other' });
export const EMPTY_TUPLE: TupleValue = Object.freeze({ t: 'tuple', items: Object.freeze([]) as readonly Value[], depth: 1 });

/** Tuples and dicts longer than this are not tracked item by item (shapes, dtype args and wrapper state are tiny). */
export const MAX_TRACKED_ITEMS = 64;
/**
 * Tuples and calls nested deeper than this collapse to a marker: the
 * deepest thing the walk reads is a joblib wrapper's dtype call inside its
 * state, and a cap keeps a chain of a million nested tuples from being
 * retained.
 */
export const MAX_DEPTH = 4;

function depthOf(v: Value): number {
  return typeof v === 'object' && v !== null && (v.t === 'tuple' || v.t === 'call') ? v.depth : 0;
}
/** Strings longer than this are stepped over unread: no module or attribute name is this long. */
export const MAX_TRACKED_STRING = 1024;

export function tupleOf(items: readonly Value[]): TupleValue | Other {
  if (items.length === 0) return EMPTY_TUPLE;
  if (items.length > MAX_TRACKED_ITEMS) return OTHER;
  let depth = 1;
  for (const item of items) depth = Math.max(depth, depthOf(item) + 1);
  return depth > MAX_DEPTH ? OTHER : { t: 'tuple', items, depth };
}

/** The result of a call; too deep a chain is just an unknown value. */
export function callOf(fn: Value, args: Value): CallValue | Opaque {
  const depth = Math.max(depthOf(fn), depthOf(args)) + 1;
  return depth > MAX_DEPTH ? OPAQUE : { t: 'call', fn, args, depth };
}

export function newDict(): DictValue {
  return { t: 'dict', entries: new Map() };
}

/**
 * Set `key: value` on a tracked dict; non-dict targets and non-str keys are
 * ignored, and a dict value is kept only as a marker, so dicts never nest.
 */
export function dictSet(target: Value, key: Value, value: Value): void {
  if (typeof target !== 'object' || target === null || target.t !== 'dict' || typeof key !== 'string') return;
  const kept = typeof value === 'object' && value !== null && value.t === 'dict' ? OTHER : value;
  if (target.entries.size < MAX_TRACKED_ITEMS || target.entries.has(key)) target.entries.set(key, kept);
}

/** Could this be a str when the real unpickler runs? (Only literal strings are known; calls and globals may return one.) */
export function mayBeStr(v: Value): boolean {
  if (typeof v === 'string') return true;
  if (typeof v !== 'object' || v === null) return false;
  return v.t === 'opaque' || v.t === 'call' || v.t === 'global';
}

/** UTF-8 text of a BINUNICODE-family payload; undefined when invalid (CPython would fail to decode it). */
export function decodeUnicode(bytes: Uint8Array): string | undefined {
  // Most names are ASCII; fromCharCode on a short array beats TextDecoder.
  if (bytes.length <= 64) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...bytes);
  }
  return decodeUtf8(bytes);
}

/**
 * The text of a protocol-0 STRING argument (`'os'` or `"os"`). Escapes are
 * not decoded: a backslash makes the value unresolved, which is the
 * conservative answer (no real module name holds one).
 */
export function decodeQuoted(line: Uint8Array): string | undefined {
  const text = decodeLatin1(line);
  if (text.length < 2 || text[0] !== text[text.length - 1] || (text[0] !== "'" && text[0] !== '"')) return undefined;
  const inner = text.slice(1, -1);
  return inner.includes('\\') ? undefined : inner;
}

/** A protocol-0 UNICODE argument (raw-unicode-escape); a backslash escape makes it unresolved, as above. */
export function decodeRawUnicode(line: Uint8Array): string | undefined {
  if (line.includes(0x5c)) return undefined;
  return decodeLatin1(line);
}

/** INT's text argument: `I01`/`I00` are True/False, else a decimal int. */
export function decodeIntLine(line: Uint8Array): Value {
  const text = decodeLatin1(line);
  if (text === '01') return true;
  if (text === '00') return false;
  return safeInt(text);
}

/** LONG's text argument, with the Python 2 `L` suffix. */
export function decodeLongLine(line: Uint8Array): Value {
  return safeInt(decodeLatin1(line).replace(/L$/, ''));
}

function safeInt(text: string): Value {
  if (!/^[-+]?\d{1,16}$/.test(text)) return OTHER;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : OTHER;
}

/** LONG1's payload: little-endian two's complement; only small values are kept. */
export function decodeLong1(bytes: Uint8Array): Value {
  if (bytes.length === 0) return 0;
  if (bytes.length > 6) return OTHER;
  let n = 0;
  for (let i = bytes.length - 1; i >= 0; i--) n = n * 256 + bytes[i]!;
  if (bytes[bytes.length - 1]! >= 0x80) n -= 2 ** (8 * bytes.length);
  return n;
}

/** A GLOBAL/INST line: UTF-8 as CPython reads it, latin1 when that fails (it would not import either way). */
export function decodeNameLine(line: Uint8Array): string {
  return decodeUtf8(line) ?? decodeLatin1(line);
}
