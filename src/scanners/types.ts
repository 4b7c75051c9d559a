/**
 * The contract every per-file model scanner meets. One scanner per folder
 * under `src/scanners/`, listed in `registry.ts`.
 */
import type { ByteSource } from '../util/byte-source.js';
import type { FileScan, SourceScan } from '../types.js';

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

/**
 * A scanner over small text files: source code, notebooks, config,
 * manifests, prompts, data files. Discovery hands it every file whose path
 * it claims, already read as text (capped; see `maxBytes`).
 */
export interface SourceScanner {
  /** The folder name; also the `scanner` of its assets and issues. */
  readonly name: string;
  /**
   * Does this scanner want the file at this root-relative POSIX path? Pure
   * and cheap: it may depend on the path only (the source result cache
   * reuses its answer).
   */
  claims(path: string): boolean;
  /** Largest file it reads; bigger files are passed over with an issue (default 4 MiB). */
  readonly maxBytes?: number;
  /**
   * Find assets in the file's text. Never throws: bad input yields what
   * could be read plus issues. `ctx.exists` tells whether a root-relative
   * path exists in the scanned tree (for linking relative paths). The
   * result may depend only on the path, the text and `ctx.exists` answers:
   * the source result cache (result-cache.ts) replays it when those match.
   */
  scan(text: string, ctx: SourceScanContext): SourceScan | Promise<SourceScan>;
}

export interface SourceScanContext {
  /** Root-relative POSIX path of the file. */
  readonly path: string;
  /** Is this root-relative POSIX path a file or folder in the scanned tree? */
  exists(path: string): boolean;
}
