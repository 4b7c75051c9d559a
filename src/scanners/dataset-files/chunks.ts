/**
 * Bounded reading of data files: every reader here reads at most a fixed
 * budget of bytes, in chunks, so a 100 GB file costs no more than a 64 MiB one.
 */
import type { ByteSource } from '../../util/byte-source.js';

/** How many bytes a row count may read before it stops and reports `rowsCapped`. */
export const MAX_SCAN_BYTES = 64 * 1024 * 1024;
/** Streaming chunk size for line counting: large enough to be fast, small enough to be cheap. */
export const CHUNK_BYTES = 1024 * 1024;

/** Yield the file's first `min(size, cap)` bytes in order, `chunk` bytes at a time. */
export async function* chunksOf(src: ByteSource, cap = MAX_SCAN_BYTES, chunk = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  const end = Math.min(src.size, cap);
  let offset = 0;
  while (offset < end) {
    const bytes = await src.read(offset, Math.min(chunk, end - offset));
    if (bytes.length === 0) return; // the file shrank under us
    offset += bytes.length;
    yield bytes;
  }
}

/** Why a `WindowReader.get` returned no bytes. */
export type Miss = 'eof' | 'budget';

/**
 * Random access for formats walked record by record (avro blocks, TFRecord
 * records): keeps one small window of the file and refills it at the asked
 * position, charging every byte read against a budget.
 */
export class WindowReader {
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private spent = 0;

  constructor(
    private readonly src: ByteSource,
    private readonly budget = MAX_SCAN_BYTES,
    /** Small, because walkers jump over record bodies they never look at. */
    private readonly window = 16 * 1024,
  ) {}

  get size(): number {
    return this.src.size;
  }

  /** The `length` bytes at `pos`, or why not: past the end of the file, or over budget. */
  async get(pos: number, length: number): Promise<Uint8Array | Miss> {
    if (!Number.isSafeInteger(pos) || pos < 0 || length < 0 || pos + length > this.src.size) return 'eof';
    if (pos >= this.start && pos + length <= this.start + this.buf.length) {
      return this.buf.subarray(pos - this.start, pos - this.start + length);
    }
    const want = Math.min(Math.max(length, this.window), this.src.size - pos);
    if (this.spent + want > this.budget) return 'budget';
    const got = await this.src.read(pos, want);
    this.spent += got.length;
    this.buf = got;
    this.start = pos;
    return got.length < length ? 'eof' : got.subarray(0, length);
  }
}
