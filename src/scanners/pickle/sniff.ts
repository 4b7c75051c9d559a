/**
 * Recognising pickle streams and compressed joblib files from their first
 * bytes. Shared with the pytorch scanner (legacy checkpoints are pickles).
 *
 * Pickle: CPython Lib/pickletools.py. Compression magics: RFC 1950 (zlib),
 * RFC 1952 (gzip), xz file format 1.0.4, LZ4 frame format, bzip2 ('BZh').
 */
import { startsWith } from '../../util/binary.js';
import { OP_PROTO, PICKLE_PROTOCOL_MAX, opcodeInfo } from './opcodes.js';

/** The protocol in a `PROTO` header (`\x80` + byte), or undefined without one. */
export function pickleProtocol(head: Uint8Array): number | undefined {
  return head.length >= 2 && head[0] === OP_PROTO ? head[1] : undefined;
}

/**
 * `\x80` + protocol 2–5, then (when visible) a real opcode. Protocols 0 and
 * 1 have no header, so they cannot be sniffed; the extra opcode check keeps
 * random data that happens to start with `\x80\x02` from matching.
 */
export function sniffPickle(head: Uint8Array): boolean {
  const proto = pickleProtocol(head);
  if (proto === undefined || proto < 2 || proto > PICKLE_PROTOCOL_MAX) return false;
  return head.length < 3 || opcodeInfo(head[2]) !== undefined;
}

export type Compression = 'zlib' | 'gzip' | 'xz' | 'lz4' | 'bz2';

/** joblib's `compress=` codecs, by magic bytes. */
export function detectCompression(head: Uint8Array): Compression | undefined {
  // zlib: CMF 0x78 (deflate, 32K window) and an FLG whose check bits make
  // CMF*256+FLG a multiple of 31; these four cover levels 0–9.
  if (head[0] === 0x78 && (head[1] === 0x01 || head[1] === 0x5e || head[1] === 0x9c || head[1] === 0xda)) return 'zlib';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(head, [0x04, 0x22, 0x4d, 0x18])) return 'lz4';
  if (startsWith(head, 'BZh') && head[3] !== undefined && head[3] >= 0x31 && head[3] <= 0x39) return 'bz2';
  return undefined;
}

/**
 * Could this headerless stream be a protocol 0/1 pickle? Those are text-ish
 * (`(dp0`, `ccollections\nOrderedDict\n`, `I42\n`, `]q\x00`), so a text
 * file could pass a first-byte test; check the first opcode's argument shape.
 */
export function plausibleHeaderlessPickle(head: Uint8Array): boolean {
  const first = head[0];
  const next = head[1];
  switch (first) {
    case undefined:
      return false;
    case 0x28: // ( MARK
    case 0x5d: // ] EMPTY_LIST
    case 0x7d: // } EMPTY_DICT
    case 0x29: // ) EMPTY_TUPLE
    case 0x4e: // N NONE
      return next === undefined || opcodeInfo(next) !== undefined;
    case 0x49: // I INT, incl. I00/I01 booleans
    case 0x4c: // L LONG
    case 0x46: // F FLOAT
      return next !== undefined && /[-+0-9.]/.test(String.fromCharCode(next));
    case 0x53: // S STRING: a quoted repr
      return next === 0x27 || next === 0x22;
    case 0x56: // V UNICODE: raw-unicode-escape text up to newline
      return head.includes(0x0a);
    case 0x63: // c GLOBAL: module\nname\n
    case 0x69: // i INST
      return /^[\p{L}_][\p{L}\p{N}_.]*\n/u.test(String.fromCharCode(...head.subarray(1)));
    case 0x4b: // K BININT1
    case 0x4d: // M BININT2
    case 0x4a: // J BININT
    case 0x47: // G BINFLOAT
    case 0x55: // U SHORT_BINSTRING
    case 0x54: // T BINSTRING
    case 0x58: // X BINUNICODE
      return true;
    default:
      return false;
  }
}
