import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgress, type ProgressStream } from '../src/cli/progress.js';
import type { ScanProgress } from '../src/hash/engine.js';

const MiB = 1024 * 1024;

function fakeStream(isTTY: boolean, columns = 80): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (s: string) => writes.push(s) };
}

function hashing(bytesDone: number, extra: Partial<ScanProgress & { phase: 'hash' }> = {}): ScanProgress {
  return { phase: 'hash', filesDiscovered: 120, filesDone: 1, filesTotal: 4, filesCached: 1, bytesDone, bytesTotal: 100 * MiB, currentPath: 'models/llama/model.safetensors', ...extra };
}

/** Feed updates at the given clock times. */
function feed(reporter: ReturnType<typeof createProgress>, clock: { t: number }, steps: [number, ScanProgress][]): void {
  for (const [t, p] of steps) {
    clock.t = t;
    reporter.update(p);
  }
}

describe('createProgress', () => {
  it('writes nothing when disabled, even on a terminal', () => {
    const s = fakeStream(true);
    const r = createProgress(s, { enabled: false });
    r.update({ phase: 'discover', filesDiscovered: 3 });
    r.update(hashing(MiB));
    r.clear();
    r.done();
    assert.deepEqual(s.writes, []);
  });

  it('writes nothing when stderr is not a terminal', () => {
    const s = fakeStream(false);
    const r = createProgress(s, { enabled: true });
    r.update({ phase: 'discover', filesDiscovered: 3 });
    r.update(hashing(MiB));
    r.done();
    assert.deepEqual(s.writes, []);
    const noFlag: ProgressStream & { writes: string[] } = { writes: [], write(c: string) { this.writes.push(c); } };
    createProgress(noFlag, { enabled: true }).update(hashing(1));
    assert.deepEqual(noFlag.writes, []);
  });

  it('redraws one line at most every 100 ms and erases it at the end', () => {
    const s = fakeStream(true, 160);
    const clock = { t: 0 };
    const r = createProgress(s, { enabled: true, now: () => clock.t });
    feed(r, clock, [
      [0, { phase: 'discover', filesDiscovered: 120 }],
      [10, hashing(0)],
      [50, hashing(MiB)],
      [120, hashing(10 * MiB)],
      [150, hashing(20 * MiB)],
      [190, hashing(30 * MiB)],
      [230, hashing(40 * MiB)],
      [1500, hashing(50 * MiB)],
    ]);
    r.done();
    r.update(hashing(60 * MiB));
    assert.deepEqual(s.writes, [
      '\r\x1b[K120 files found',
      '\r\x1b[K120 files found · hashing 10.0 MiB/100.0 MiB (10%) · 1/4 files (1 cached) · models/llama/model.safetensors',
      '\r\x1b[K120 files found · hashing 40.0 MiB/100.0 MiB (40%) · 1/4 files (1 cached) · models/llama/model.safetensors',
      // 50 MiB in the 1.49 s since hashing began: 50 MiB to go takes as long again.
      '\r\x1b[K120 files found · hashing 50.0 MiB/100.0 MiB (50%) · 1/4 files (1 cached) · ETA 2s · models/llama/model.safetensors',
      '\r\x1b[K',
    ]);
  });

  it('fits a narrow terminal: the found count goes, the path loses its start, control characters are masked', () => {
    const s = fakeStream(true, 100);
    const r = createProgress(s, { enabled: true, now: () => 0 });
    r.update(hashing(MiB, { currentPath: 'a/very/long/folder/name/that/goes/on/\u001b[31mmodel-00001-of-00009.safetensors' }));
    const line = (s.writes[0] ?? '').slice('\r\x1b[K'.length);
    assert.equal(line, 'hashing 1.0 MiB/100.0 MiB (1%) · 1/4 files (1 cached) · …s/on/?[31mmodel-00001-of-00009.safetensors');
    assert.equal([...line].length, 99);
    // Narrower still: no room for a useful path, and a tiny terminal cuts the line itself.
    for (const [columns, expected] of [
      [60, 'hashing 1.0 MiB/100.0 MiB (1%) · 1/4 files (1 cached)'],
      [30, 'hashing 1.0 MiB/100.0 MiB (1…'],
    ] as const) {
      const narrow = fakeStream(true, columns);
      createProgress(narrow, { enabled: true, now: () => 0 }).update(hashing(MiB));
      assert.equal(narrow.writes[0], `\r\x1b[K${expected}`);
    }
  });

  it('clear() erases the line so a warning prints cleanly, and the next update redraws at once', () => {
    const s = fakeStream(true);
    const clock = { t: 0 };
    const r = createProgress(s, { enabled: true, now: () => clock.t });
    r.update({ phase: 'discover', filesDiscovered: 2 });
    r.clear();
    r.clear();
    clock.t = 5;
    r.update({ phase: 'discover', filesDiscovered: 2 });
    r.done();
    assert.deepEqual(s.writes, ['\r\x1b[K2 files found', '\r\x1b[K', '\r\x1b[K2 files found', '\r\x1b[K']);
  });
});

describe('createProgress: the parse stage', () => {
  it('shows source files scanned of those claimed, with weights hashing alongside, and the current file', () => {
    const s = fakeStream(true, 160);
    const r = createProgress(s, { enabled: true, now: () => 0 });
    r.update({
      phase: 'parse',
      filesDiscovered: 53757,
      filesScanned: 1200,
      filesToScan: 48778,
      currentPath: 'src/app/model.py',
      hash: { filesDone: 0, filesTotal: 8, filesCached: 0, bytesDone: 512 * MiB, bytesTotal: 2048 * MiB },
    });
    assert.deepEqual(s.writes, ['\r\x1b[K53757 files found · scanning 1200/48778 files · hashing 25% of 2.0 GiB · src/app/model.py']);
  });
});
