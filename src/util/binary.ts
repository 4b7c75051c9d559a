/** Little helpers for reading binary headers without throwing. */

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Decode UTF-8, or return undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

export function decodeLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

export function startsWith(bytes: Uint8Array, prefix: readonly number[] | string, at = 0): boolean {
  const p = typeof prefix === 'string' ? [...prefix].map((c) => c.charCodeAt(0)) : prefix;
  if (bytes.length < at + p.length) return false;
  for (let i = 0; i < p.length; i++) if (bytes[at + i] !== p[i]) return false;
  return true;
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Read a u64 little-endian as a bigint, or undefined when out of bounds. */
export function u64le(bytes: Uint8Array, at: number): bigint | undefined {
  if (at + 8 > bytes.length) return undefined;
  return view(bytes).getBigUint64(at, true);
}

export function u32le(bytes: Uint8Array, at: number): number | undefined {
  if (at + 4 > bytes.length) return undefined;
  return view(bytes).getUint32(at, true);
}

export function u16le(bytes: Uint8Array, at: number): number | undefined {
  if (at + 2 > bytes.length) return undefined;
  return view(bytes).getUint16(at, true);
}

/** Human-readable byte count for messages, e.g. `2.0 GiB`. */
export function formatBytes(n: number | bigint): string {
  const v = Number(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${x.toFixed(1)} ${units[i]}`;
}
