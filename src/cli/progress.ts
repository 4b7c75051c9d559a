/**
 * One self-updating status line on stderr while a scan runs: files found,
 * source files scanned of those claimed (with weights hashing alongside),
 * then bytes hashed of the total, the current file and an ETA. Only on a
 * terminal: a pipe or a CI log gets nothing, so captured stderr stays plain
 * warnings. Redraws are throttled (a worker reports every chunk, far more
 * often than anyone can read) and the line is erased at the end.
 */
import type { ScanProgress } from '../hash/engine.js';
import { formatBytes } from '../util/binary.js';

export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** False for `--quiet` (and anything else that wants silence). */
  readonly enabled: boolean;
  /** Fewest milliseconds between two redraws; default 100 (≤ 10 a second). */
  readonly intervalMs?: number;
  /** Clock in ms; injectable for tests. */
  readonly now?: () => number;
}

export interface ProgressReporter {
  /** Pass as `ScanOptions.onProgress`. */
  readonly update: (p: ScanProgress) => void;
  /** False when nothing will be drawn (not a terminal, or quiet): callers can then skip reporting at all. */
  readonly enabled: boolean;
  /** Erase the line before printing something else (a warning); the next update redraws it. */
  clear(): void;
  /** Erase the line for good. */
  done(): void;
}

const CLEAR_LINE = '\r\x1b[K';

export function createProgress(stream: ProgressStream, options: ProgressOptions): ProgressReporter {
  if (!options.enabled || stream.isTTY !== true) return { enabled: false, update: () => undefined, clear: () => undefined, done: () => undefined };
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 100;
  let shown = false;
  let finished = false;
  let lastDraw = -Infinity;
  let lastText = '';
  let hashStart: number | undefined;

  const clear = (): void => {
    if (shown) stream.write(CLEAR_LINE);
    shown = false;
    lastText = '';
    lastDraw = -Infinity;
  };
  return {
    enabled: true,
    update: (p) => {
      if (finished) return;
      const t = now();
      const hashed = p.phase === 'hash' ? p : p.phase === 'parse' ? p.hash : undefined;
      if (hashed !== undefined && hashStart === undefined && hashed.bytesTotal > 0) hashStart = t;
      if (t - lastDraw < interval) return;
      // A pseudo-terminal without a size (script, some CI runners) reports 0 columns.
      const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
      const width = Math.max(20, columns - 1);
      const text = fit(render(p, hashStart === undefined ? 0 : t - hashStart), width);
      if (text === lastText) return;
      stream.write(`${CLEAR_LINE}${text}`);
      shown = true;
      lastText = text;
      lastDraw = t;
    },
    clear,
    done: () => {
      clear();
      finished = true;
    },
  };
}

/** The parts of the line, most important first, and the current file (shown in whatever room is left). */
function render(p: ScanProgress, elapsedMs: number): { parts: string[]; optional: string; path?: string } {
  const found = `${p.filesDiscovered} files found`;
  if (p.phase === 'discover') return { parts: [found], optional: '' };
  if (p.phase === 'parse') {
    const parts = [`scanning ${p.filesScanned}/${p.filesToScan} files`];
    if (p.hash !== undefined && p.hash.bytesTotal > 0) parts.push(`hashing ${Math.floor((100 * p.hash.bytesDone) / p.hash.bytesTotal)}% of ${formatBytes(p.hash.bytesTotal)}`);
    return { parts, optional: found, path: p.currentPath };
  }
  const parts: string[] = [];
  if (p.bytesTotal > 0) {
    const pct = Math.floor((100 * p.bytesDone) / p.bytesTotal);
    parts.push(`hashing ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} (${pct}%)`);
  } else {
    parts.push('hashing');
  }
  parts.push(`${p.filesDone}/${p.filesTotal} files${p.filesCached > 0 ? ` (${p.filesCached} cached)` : ''}`);
  // Too early a rate says more about start-up than about the disk.
  if (elapsedMs >= 1000 && p.bytesDone > 0 && p.bytesDone < p.bytesTotal) {
    parts.push(`ETA ${formatDuration(((p.bytesTotal - p.bytesDone) * elapsedMs) / p.bytesDone)}`);
  }
  return { parts, optional: found, path: p.currentPath };
}

/** Room the current file needs to be worth showing at all. */
const MIN_PATH = 12;

/**
 * Keep the line on one terminal row, so `\r` can redraw it: the discovered
 * count gives way to the current file when room is short, then a long path loses its start
 * (the file name is the useful end), then the rest is cut. Control
 * characters in a file name could move the cursor or recolour the terminal,
 * so they are shown as `?`.
 */
function fit(r: { parts: string[]; optional: string; path?: string }, width: number): string {
  const safe = (s: string): string[] => [...s.replace(/[\x00-\x1f\x7f-\x9f]/g, '?')];
  const withOptional = r.optional === '' ? r.parts : [r.optional, ...r.parts];
  const full = withOptional.join(' · ');
  const pathRoom = (head: string): number => width - head.length - 3;
  const head = r.path === undefined || pathRoom(full) >= safe(r.path).length ? full : r.parts.join(' · ');
  const chars = safe(head);
  if (chars.length > width) return `${chars.slice(0, width - 1).join('')}…`;
  if (r.path === undefined) return chars.join('');
  const room = pathRoom(head);
  const p = safe(r.path);
  if (room < Math.min(MIN_PATH, p.length)) return chars.join('');
  const shown = p.length <= room ? p.join('') : `…${p.slice(p.length - room + 1).join('')}`;
  return `${chars.join('')} · ${shown}`;
}

function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
