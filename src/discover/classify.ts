/**
 * Decide which walked files a model scanner should read, by name and by
 * their first bytes. Content beats the name: a GGUF saved as `.bin` is a
 * GGUF, and a text file saved as `.safetensors` is recorded as an unparsed
 * artifact with a warning.
 */
import { open } from 'node:fs/promises';
import type { FileScanner } from '../scanners/types.js';
import { SNIFF_BYTES } from '../scanners/types.js';
import type { Issue } from '../types.js';
import { mapLimit } from '../util/pool.js';
import type { WalkedFile } from './walk.js';

export interface Candidate {
  readonly file: WalkedFile;
  readonly size: number;
  readonly scanner: FileScanner;
  /** Set when the head could not be read; the scanner is not run. */
  readonly unreadable?: string;
}

/**
 * Sniffers whose magic is a generic container (zip, pickle): when a file's
 * name already claims a format built on that container (`.keras`, `.npz`),
 * the name's scanner looks inside instead.
 */
const CONTAINER_SNIFFERS = new Set(['pytorch', 'pickle']);

/** Names with no extension, or one of these, are sniffed even though no scanner claims them. */
const SNIFF_ALSO = new Set(['.dat', '.model', '.weights', '.params', '.mar', '.engine', '.plan']);

/** Content-addressed blobs of a Hub cache; their snapshot links are scanned instead. */
const HUB_BLOBS = /(^|\/)(models|datasets|spaces)--[^/]+\/blobs\//;

export async function classify(files: readonly WalkedFile[], scanners: readonly FileScanner[], issues: Issue[]): Promise<Candidate[]> {
  const todo = files.filter((f) => !HUB_BLOBS.test(f.path) && shouldSniff(f.path, scanners));
  const results = await mapLimit(todo, 16, (f) => classifyOne(f, scanners, issues));
  return results.filter((c): c is Candidate => c !== undefined);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).toLowerCase();
}

function extOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

/** The scanner whose strong extension is the longest suffix of the name. */
function byExtension(name: string, scanners: readonly FileScanner[], weak: boolean): FileScanner | undefined {
  let best: FileScanner | undefined;
  let bestLen = 0;
  for (const s of scanners) {
    for (const ext of (weak ? s.weakExtensions : s.extensions) ?? []) {
      if (name.endsWith(ext) && ext.length > bestLen) {
        best = s;
        bestLen = ext.length;
      }
    }
  }
  return best;
}

function shouldSniff(path: string, scanners: readonly FileScanner[]): boolean {
  const name = basename(path);
  const ext = extOf(name);
  return ext === '' || SNIFF_ALSO.has(ext) || byExtension(name, scanners, false) !== undefined || byExtension(name, scanners, true) !== undefined;
}

async function readHead(absPath: string): Promise<{ head: Uint8Array; size: number }> {
  const handle = await open(absPath, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const { bytesRead } = buf.length === 0 ? { bytesRead: 0 } : await handle.read(buf, 0, buf.length, 0);
    return { head: buf.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

async function classifyOne(file: WalkedFile, scanners: readonly FileScanner[], issues: Issue[]): Promise<Candidate | undefined> {
  const name = basename(file.path);
  const strong = byExtension(name, scanners, false);
  let head: Uint8Array;
  let size: number;
  try {
    ({ head, size } = await readHead(file.absPath));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      issues.push({ path: file.path, scanner: 'discover', message: 'file vanished during the scan' });
      return undefined;
    }
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot read (${code ?? (err as Error).message})`;
    if (strong === undefined) {
      // Not claimed by name: say so once and move on.
      issues.push({ path: file.path, scanner: 'discover', message: why });
      return undefined;
    }
    return { file, size: 0, scanner: strong, unreadable: why };
  }
  const sniffed = scanners.find((s) => s.sniff?.(head) === true);
  if (strong !== undefined) {
    if (sniffed === undefined || sniffed === strong || strong.sniff?.(head) === true || CONTAINER_SNIFFERS.has(sniffed.name)) {
      return { file, size, scanner: strong };
    }
    issues.push({ path: file.path, scanner: 'discover', message: `content is ${sniffed.name}, not the ${strong.name} its name suggests; read as ${sniffed.name}` });
    return { file, size, scanner: sniffed };
  }
  return sniffed === undefined ? undefined : { file, size, scanner: sniffed };
}
