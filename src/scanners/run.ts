/**
 * Run the source scanners (code, config, manifests, prompts, cards) over the
 * walked files. Each file is read once, as text, however many scanners
 * claim it, and never past the largest cap among them.
 */
import { readFileSync, statSync } from 'node:fs';
import type { WalkedFile } from '../discover/walk.js';
import type { Asset, Issue, Relationship, SourceScan } from '../types.js';
import { formatBytes } from '../util/binary.js';
import { mapLimit } from '../util/pool.js';
import type { SourceScanner } from './types.js';

/** Default cap on text a source scanner reads. */
export const DEFAULT_TEXT_CAP = 4 * 1024 * 1024;

export interface SourceRun {
  readonly assets: Asset[];
  readonly relationships: Relationship[];
  readonly issues: Issue[];
}

export async function runSourceScanners(
  files: readonly WalkedFile[],
  scanners: readonly SourceScanner[],
  exists: (path: string) => boolean,
): Promise<SourceRun> {
  const work = files
    .map((file) => ({ file, claimed: scanners.filter((s) => s.claims(file.path)) }))
    .filter((w) => w.claimed.length > 0);
  const results = await mapLimit(work, 16, async ({ file, claimed }) => scanOne(file, claimed, exists));
  return {
    assets: results.flatMap((r) => r.assets),
    relationships: results.flatMap((r) => r.relationships),
    issues: results.flatMap((r) => r.issues),
  };
}

async function scanOne(file: WalkedFile, claimed: readonly SourceScanner[], exists: (path: string) => boolean): Promise<SourceScan> {
  const out: SourceScan = { assets: [], relationships: [], issues: [] };
  let size: number;
  try {
    // Synchronous on purpose: these are small text files, and the promise
    // round trip through the thread pool cost about 4× the CPU per file
    // (measured on 50k files), which dominated a large tree's scan.
    size = statSync(file.absPath).size;
  } catch (err) {
    out.issues.push({ path: file.path, scanner: claimed[0]?.name ?? 'discover', message: readError(err) });
    return out;
  }
  const fits = claimed.filter((s) => size <= (s.maxBytes ?? DEFAULT_TEXT_CAP));
  // One warning per file, not per scanner that passed on it: the reader needs to hear it once.
  const skipped = claimed.filter((x) => !fits.includes(x));
  if (skipped.length > 0) {
    const cap = Math.min(...skipped.map((s) => s.maxBytes ?? DEFAULT_TEXT_CAP));
    const names = skipped.map((s) => s.name).join(', ');
    out.issues.push({ path: file.path, scanner: skipped[0]!.name, message: `larger than ${formatBytes(cap)} (${formatBytes(size)}); not scanned${skipped.length > 1 ? ` by ${names}` : ''}` });
  }
  if (fits.length === 0) return out;
  let text: string;
  try {
    text = readFileSync(file.absPath, 'utf8');
  } catch (err) {
    out.issues.push({ path: file.path, scanner: fits[0]?.name ?? 'discover', message: readError(err) });
    return out;
  }
  // A NUL in a text file means it is not text: a binary saved under a source name.
  if (text.slice(0, 8192).includes('\u0000')) {
    out.issues.push({ path: file.path, scanner: fits[0]?.name ?? 'discover', message: 'binary content in a text file; not scanned' });
    return out;
  }
  for (const s of fits) {
    try {
      const r = await s.scan(text, { path: file.path, exists });
      out.assets.push(...r.assets);
      out.relationships.push(...r.relationships);
      out.issues.push(...r.issues);
    } catch (err) {
      // Scanners do not throw on bad content; a throw is a scanner bug that must not stop the scan.
      out.issues.push({ path: file.path, scanner: s.name, message: `scanner failed: ${(err as Error).message}` });
    }
  }
  return out;
}

function readError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'file vanished during the scan';
  return `cannot read (${code ?? (err as Error).message})`;
}
