/**
 * The contract every per-file model scanner meets. One scanner per folder
 * under `src/scanners/`, listed in `registry.ts`.
 */
import type { ByteSource } from '../util/byte-source.js';
import type { FileScan } from '../types.js';

export interface FileScanContext {
  /** Root-relative POSIX path, for messages. */
  readonly path: string;
}

export interface FileScanner {
  /** The folder name; also the `scanner` of issues it raises. */
  readonly name: string;
  /**
   * Lower-case name endings this scanner claims whatever the content says,
   * e.g. `.safetensors`, `.safetensors.index.json`. A claimed file whose
   * content does not match is still recorded, as an unparsed artifact.
   */
  readonly extensions: readonly string[];
  /**
   * Endings claimed only when `sniff` recognises the content, e.g. `.bin`:
   * a random `.bin` is not a model.
   */
  readonly weakExtensions?: readonly string[];
  /** Recognise the format from the first bytes of a file (at most SNIFF_BYTES). */
  sniff?(head: Uint8Array): boolean;
  /**
   * Read the header and return what it says. Never throws on bad input:
   * unreadable content gives `parsed: false` with a reason. Reads only what
   * the format needs, with explicit caps.
   */
  scan(src: ByteSource, ctx: FileScanContext): Promise<FileScan>;
}

/** How many leading bytes discovery reads to sniff a file's format. */
export const SNIFF_BYTES = 64;
