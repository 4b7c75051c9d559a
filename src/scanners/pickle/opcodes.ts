/**
 * The pickle opcode table: for each opcode byte, how its argument is laid
 * out, so a walker can step over a stream without unpickling it.
 *
 * Spec: CPython Lib/pickletools.py (the `opcodes` list) and Lib/pickle.py,
 * https://github.com/python/cpython/blob/main/Lib/pickletools.py
 */

/** The highest protocol CPython writes (3.8+). */
export const PICKLE_PROTOCOL_MAX = 5;

/**
 * How an opcode's argument is encoded:
 * - `none`: no argument; `fixed`: `size` bytes;
 * - `line`: text up to `\n` (protocol 0), checked by `text`;
 * - `lines2`: two such lines (module and name of GLOBAL/INST);
 * - `len1`/`len4`/`len8`: a little-endian length of that many bytes, then that many bytes.
 */
export type ArgKind =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed'; readonly size: number }
  | { readonly kind: 'line'; readonly text: LineText }
  | { readonly kind: 'lines2' }
  | { readonly kind: 'len1' }
  | { readonly kind: 'len4'; readonly signed: boolean }
  | { readonly kind: 'len8' };

/** What a protocol-0 text argument must look like. */
export type LineText = 'int' | 'long' | 'float' | 'quoted' | 'decimal' | 'any';

export interface OpcodeInfo {
  readonly name: string;
  readonly arg: ArgKind;
}

const none = { kind: 'none' } as const;
const fixed = (size: number): ArgKind => ({ kind: 'fixed', size });
const line = (text: LineText): ArgKind => ({ kind: 'line', text });

const TABLE: ReadonlyArray<readonly [string, string, ArgKind]> = [
  ['(', 'MARK', none],
  ['.', 'STOP', none],
  ['0', 'POP', none],
  ['1', 'POP_MARK', none],
  ['2', 'DUP', none],
  ['F', 'FLOAT', line('float')],
  ['I', 'INT', line('int')],
  ['J', 'BININT', fixed(4)],
  ['K', 'BININT1', fixed(1)],
  ['L', 'LONG', line('long')],
  ['M', 'BININT2', fixed(2)],
  ['N', 'NONE', none],
  ['P', 'PERSID', line('any')],
  ['Q', 'BINPERSID', none],
  ['R', 'REDUCE', none],
  ['S', 'STRING', line('quoted')],
  ['T', 'BINSTRING', { kind: 'len4', signed: true }],
  ['U', 'SHORT_BINSTRING', { kind: 'len1' }],
  ['V', 'UNICODE', line('any')],
  ['X', 'BINUNICODE', { kind: 'len4', signed: false }],
  ['a', 'APPEND', none],
  ['b', 'BUILD', none],
  ['c', 'GLOBAL', { kind: 'lines2' }],
  ['d', 'DICT', none],
  ['}', 'EMPTY_DICT', none],
  ['e', 'APPENDS', none],
  ['g', 'GET', line('decimal')],
  ['h', 'BINGET', fixed(1)],
  ['i', 'INST', { kind: 'lines2' }],
  ['j', 'LONG_BINGET', fixed(4)],
  ['l', 'LIST', none],
  [']', 'EMPTY_LIST', none],
  ['o', 'OBJ', none],
  ['p', 'PUT', line('decimal')],
  ['q', 'BINPUT', fixed(1)],
  ['r', 'LONG_BINPUT', fixed(4)],
  ['s', 'SETITEM', none],
  ['t', 'TUPLE', none],
  [')', 'EMPTY_TUPLE', none],
  ['u', 'SETITEMS', none],
  ['G', 'BINFLOAT', fixed(8)],
  ['\x80', 'PROTO', fixed(1)],
  ['\x81', 'NEWOBJ', none],
  ['\x82', 'EXT1', fixed(1)],
  ['\x83', 'EXT2', fixed(2)],
  ['\x84', 'EXT4', fixed(4)],
  ['\x85', 'TUPLE1', none],
  ['\x86', 'TUPLE2', none],
  ['\x87', 'TUPLE3', none],
  ['\x88', 'NEWTRUE', none],
  ['\x89', 'NEWFALSE', none],
  ['\x8a', 'LONG1', { kind: 'len1' }],
  ['\x8b', 'LONG4', { kind: 'len4', signed: true }],
  ['B', 'BINBYTES', { kind: 'len4', signed: false }],
  ['C', 'SHORT_BINBYTES', { kind: 'len1' }],
  ['\x8c', 'SHORT_BINUNICODE', { kind: 'len1' }],
  ['\x8d', 'BINUNICODE8', { kind: 'len8' }],
  ['\x8e', 'BINBYTES8', { kind: 'len8' }],
  ['\x8f', 'EMPTY_SET', none],
  ['\x90', 'ADDITEMS', none],
  ['\x91', 'FROZENSET', none],
  ['\x92', 'NEWOBJ_EX', none],
  ['\x93', 'STACK_GLOBAL', none],
  ['\x94', 'MEMOIZE', none],
  ['\x95', 'FRAME', fixed(8)],
  ['\x96', 'BYTEARRAY8', { kind: 'len8' }],
  ['\x97', 'NEXT_BUFFER', none],
  ['\x98', 'READONLY_BUFFER', none],
];

const BY_BYTE: ReadonlyArray<OpcodeInfo | undefined> = (() => {
  const out: Array<OpcodeInfo | undefined> = new Array(256).fill(undefined);
  for (const [ch, name, arg] of TABLE) out[ch.charCodeAt(0)] = { name, arg };
  return out;
})();

export function opcodeInfo(byte: number | undefined): OpcodeInfo | undefined {
  return byte === undefined ? undefined : BY_BYTE[byte];
}

export const OP_STOP = 0x2e;
export const OP_PROTO = 0x80;
