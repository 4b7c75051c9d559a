import assert from 'node:assert/strict';
import { appendFileSync, truncateSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { walk } from '../src/discover/walk.js';
import { pathExists } from '../src/parse.js';
import { runSourceScanners } from '../src/scanners/run.js';
import type { SourceScanner } from '../src/scanners/types.js';
import { withTempDir } from './helpers.js';

describe('source scanner runner: reading', () => {
  it('reads what a file holds when scanned, though it grew or shrank after its stat', async () => {
    await withTempDir(async (root) => {
      // Every file is stat'ed before any is read; a.py's scan then changes the other two.
      await writeFile(join(root, 'a.py'), 'a = 1\n');
      await writeFile(join(root, 'b.py'), 'b = 1\n');
      await writeFile(join(root, 'c.py'), 'c = 1\n'.repeat(100));
      const seen = new Map<string, string>();
      const scanner: SourceScanner = {
        name: 'record',
        claims: (p) => p.endsWith('.py'),
        scan: (text, ctx) => {
          seen.set(ctx.path, text);
          if (ctx.path === 'a.py') {
            appendFileSync(join(root, 'b.py'), 'x'.repeat(5000) + '\nMODEL = "org/grown"\n');
            truncateSync(join(root, 'c.py'), 12);
          }
          return { assets: [], relationships: [], issues: [] };
        },
      };
      const w = await walk(root);
      await runSourceScanners(w.files, [scanner], pathExists(w.files));
      assert.equal(seen.get('a.py'), 'a = 1\n');
      assert.equal(seen.get('b.py')?.length, 6 + 5000 + 21);
      assert.ok(seen.get('b.py')?.endsWith('MODEL = "org/grown"\n'));
      assert.equal(seen.get('c.py'), 'c = 1\nc = 1\n');
    });
  });
});
