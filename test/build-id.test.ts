import assert from 'node:assert/strict';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildId, readBuildId, writeBuildId } from '../src/build-id.js';
import { withTempDir } from './helpers.js';

describe('build id', () => {
  it('fingerprints the compiled modules, and is withheld once a module is newer than it', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'scanners'));
      await writeFile(join(dir, 'a.js'), 'export const a = 1;\n');
      await writeFile(join(dir, 'scanners', 'b.js'), 'export const b = 2;\n');
      await writeFile(join(dir, 'notes.txt'), 'not a module');
      const past = new Date(Date.now() - 60_000);
      for (const f of ['a.js', 'scanners/b.js']) await utimes(join(dir, f), past, past);
      const first = writeBuildId(dir);
      assert.match(first, /^[0-9a-f]{64}$/);
      assert.equal(readBuildId(dir), `${first}:${process.version}`);

      // A rebuilt module (plain tsc after a full build): the id no longer vouches for the code.
      await writeFile(join(dir, 'scanners', 'b.js'), 'export const b = 3;\n');
      const future = new Date(Date.now() + 60_000);
      await utimes(join(dir, 'scanners', 'b.js'), future, future);
      assert.equal(readBuildId(dir), undefined);

      // The next full build writes a new id for the new code.
      await utimes(join(dir, 'scanners', 'b.js'), past, past);
      const second = writeBuildId(dir);
      assert.notEqual(second, first);
      assert.equal(readBuildId(dir), `${second}:${process.version}`);
      // Files that are not modules do not count.
      await writeFile(join(dir, 'notes.txt'), 'changed');
      assert.equal(writeBuildId(dir), second);

      // A listed module that is gone: the id is withheld too.
      await rm(join(dir, 'a.js'));
      assert.equal(readBuildId(dir), undefined);
    });
  });

  it('has one for this build (npm run build writes it)', () => {
    assert.match(buildId() ?? '', /^[0-9a-f]{64}:v\d+/);
  });

  it('is undefined without an id file or with a damaged one', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.js'), '1');
      assert.equal(readBuildId(dir), undefined);
      await writeFile(join(dir, 'build-id.json'), '{"id": "nope"}');
      assert.equal(readBuildId(dir), undefined);
      // An id without the list of modules it vouches for (an id file from an older build).
      await writeFile(join(dir, 'build-id.json'), `{"id": "${'a'.repeat(64)}"}`);
      assert.equal(readBuildId(dir), undefined);
      await writeFile(join(dir, 'build-id.json'), `{"id": "${'a'.repeat(64)}", "modules": ["a.js", 7]}`);
      assert.equal(readBuildId(dir), undefined);
      await writeFile(join(dir, 'build-id.json'), `{"id": "${'a'.repeat(64)}", "modules": ["a.js"]}`);
      assert.equal(readBuildId(dir), `${'a'.repeat(64)}:${process.version}`);
    });
  });
});
