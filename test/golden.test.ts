import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath, runCli, schemaErrors } from './helpers.js';

/** Golden BOMs of the demo project. `UPDATE_GOLDEN=1 npm test` rewrites them; review the diff like code. */
const cases = [
  { file: 'demo-project.cdx.json', argv: ['--format', 'json'] },
  { file: 'demo-project.cdx.xml', argv: ['--format', 'xml'] },
  { file: 'demo-project.cdx-1.5.json', argv: ['--format', 'json', '--spec-version', '1.5'] },
];

describe('golden BOMs of the demo project', () => {
  for (const c of cases) {
    it(`matches fixtures/golden/${c.file} byte for byte`, async () => {
      // Scan with a relative path from the repo root, as a user would.
      const { code, stdout, stderr } = await runCli(['scan', 'fixtures/demo-project', ...c.argv], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
      assert.equal(code, 0, stderr);
      // The demo is meant to show findings; it must not warn about anything it failed to read.
      assert.deepEqual(stderr.split('\n').filter((l) => l !== '' && !l.startsWith('mlbom: finding:')), [], 'the demo project scans without warnings');
      assert.deepEqual(await schemaErrors(stdout), []);
      const path = fixturePath('golden', c.file);
      if (process.env['UPDATE_GOLDEN'] === '1') {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, stdout);
      }
      assert.equal(stdout, await readFile(path, 'utf8'));
    });
  }
});
