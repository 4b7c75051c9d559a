/**
 * A forward-only, buffered little-endian reader over a ByteSource. GGUF
 * headers are walked value by value; reading them in 1 MiB chunks keeps the
 * number of I/O calls low without ever holding the whole file.
 */
import { readUpTo, type ByteSource } from '../../util/byte-source.js';
import { view } from '../../util/binary.js';

/** Read-ahead size: large enough for most headers in one go, small enough to be cheap. */
const CHUNK_BYTES = 1024 * 1024;

/** The header does not follow the format, or breaks a cap. */
export class GgufFormatError extends Error {}

/** The file ended before the header did. */
export class GgufEofError extends GgufFormatError {}

export class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private offset = 0;

  /** `limit`: the furthest byte offset the parser may examine. */
  constructor(
    private readonly src: ByteSource,
    private readonly limit: number,
  ) {}

  get position(): number {
    return this.offset;
  }

  /** Throws when `n` more bytes would pass the end of the file or the examination cap. */
  private claim(n: number): void {
    const end = this.offset + n;
    if (end > this.src.size) {
      throw new GgufEofError(`unexpected end of file at offset ${this.offset} reading ${n} bytes (file size ${this.src.size})`);
    }
    if (end > this.limit) throw new GgufFormatError(`header exceeds cap of ${this.limit} bytes`);
  }

  async bytes(n: number): Promise<Uint8Array> {
    this.claim(n);
    const at = this.offset - this.bufStart;
    if (at >= 0 && at + n <= this.buf.length) {
      this.offset += n;
      return this.buf.subarray(at, at + n);
    }
    const length = Math.max(n, Math.min(CHUNK_BYTES, this.src.size - this.offset));
    const chunk = await readUpTo(this.src, this.offset, length);
    if (chunk.length < n) throw new GgufEofError(`file shrank while reading at offset ${this.offset}`);
    this.buf = chunk;
    this.bufStart = this.offset;
    this.offset += n;
    return chunk.subarray(0, n);
  }

  /** Move past `n` bytes without reading them (still bounded by file size and cap). */
  skip(n: number): void {
    this.claim(n);
    this.offset += n;
  }

  async u8(): Promise<number> {
    return (await this.bytes(1))[0] as number;
  }

  async u32(): Promise<number> {
    return view(await this.bytes(4)).getUint32(0, true);
  }

  async u64(): Promise<bigint> {
    return view(await this.bytes(8)).getBigUint64(0, true);
  }
}
