import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bufferSource, withFileSource } from '../../src/util/byte-source.js';
import type { FileScan } from '../../src/types.js';
import { detectSavedModelDirs, scanner } from '../../src/scanners/tf-savedmodel/index.js';
import { fixturePath } from '../helpers.js';
import { unparsedAsserter } from '../util/assert-scan.js';
import { int, msg, str } from '../util/protobuf-writer.js';
import { garbage } from '../util/pseudo-random.js';

const fixture = fixturePath('scanners', 'tf-savedmodel', 'model', 'saved_model.pb');
const scan = (b: Uint8Array): Promise<FileScan> => scanner.scan(bufferSource(b), { path: 'saved_model.pb' });

const assertUnparsed = unparsedAsserter('tf-savedmodel');

describe('tf-savedmodel scanner', () => {
  it('claims saved_model.pb by basename ending', () => {
    assert.equal(scanner.name, 'tf-savedmodel');
    assert.deepEqual(scanner.extensions, ['saved_model.pb']);
  });

  it('reads the fixture saved_model.pb', async () => {
    const s = await withFileSource(fixture, (src) => scanner.scan(src, { path: 'model/saved_model.pb' }));
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, {
      saved_model_schema_version: 1,
      meta_graph_count: 1,
      saved_model_tags: ['serve'],
      tensorflow_version: '2.15.0',
      tensorflow_git_version: 'v2.15.0-rc1-8-g6887368d6d4',
      signature_keys: ['__saved_model_init_op', 'serving_default'],
    });
    assert.deepEqual(s.model, {});
  });

  it('merges tags and versions across meta graphs, skipping a large graph_def', async () => {
    const graphDef = msg(2, Buffer.alloc(300_000, 0x41));
    const mg1 = msg(2, msg(1, str(4, 'train'), str(4, 'serve'), str(5, '2.12.0')), graphDef);
    const mg2 = msg(2, msg(1, str(4, 'gpu'), str(4, 'serve'), str(5, '2.13.1')));
    const s = await scan(Buffer.concat([int(1, 1), mg1, mg2]));
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, {
      saved_model_schema_version: 1,
      meta_graph_count: 2,
      saved_model_tags: ['gpu', 'serve', 'train'],
      tensorflow_version: '2.12.0, 2.13.1',
    });
  });

  it('rejects a garbage saved_model.pb', async () => {
    assertUnparsed(await scan(garbage(4096, 42)), 'not a savedmodel protobuf: ');
    for (let seed = 1; seed <= 200; seed++) {
      const s = await scan(garbage(1 + ((seed * 97) % 3000), seed));
      assert.equal(s.parsed, false, `seed ${seed} parsed`);
    }
  });

  it('rejects a zero-byte saved_model.pb', async () => {
    assertUnparsed(await scan(new Uint8Array(0)), 'empty file');
  });

  it('rejects a truncated saved_model.pb', async () => {
    const whole = await readFile(fixture);
    assertUnparsed(await scan(whole.subarray(0, 30)), 'not a savedmodel protobuf: at byte 2: field 2 length');
  });

  it('rejects a text saved_model.pb (a pbtxt renamed)', async () => {
    assertUnparsed(await scan(Buffer.from('saved_model_schema_version: 1\n')), 'not a savedmodel protobuf');
  });

  it('rejects a protobuf that is not a SavedModel', async () => {
    assertUnparsed(await scan(str(3, 'something else')), 'not a savedmodel: no schema version or meta graphs');
  });
});

describe('detectSavedModelDirs', () => {
  it('finds SavedModel folders and the files that belong to each', () => {
    const paths = [
      'README.md',
      'export/1/assets/vocab.txt',
      'export/1/saved_model.pb',
      'export/1/variables/variables.data-00000-of-00001',
      'export/1/variables/variables.index',
      'export/1/nested/saved_model.pb',
      'export/1/nested/variables/variables.index',
      'other/saved_model.pbtxt',
      'other/not_saved_model.pb.txt',
    ];
    assert.deepEqual(detectSavedModelDirs(paths), [
      {
        dir: 'export/1',
        files: [
          'export/1/assets/vocab.txt',
          'export/1/saved_model.pb',
          'export/1/variables/variables.data-00000-of-00001',
          'export/1/variables/variables.index',
        ],
      },
      {
        dir: 'export/1/nested',
        files: ['export/1/nested/saved_model.pb', 'export/1/nested/variables/variables.index'],
      },
    ]);
  });

  it('uses the empty string for a SavedModel at the scan root', () => {
    assert.deepEqual(detectSavedModelDirs(['variables/variables.index', 'saved_model.pb', 'fingerprint.pb']), [
      { dir: '', files: ['fingerprint.pb', 'saved_model.pb', 'variables/variables.index'] },
    ]);
  });

  it('returns nothing without a saved_model.pb', () => {
    assert.deepEqual(detectSavedModelDirs(['model.pb', 'variables/variables.index']), []);
  });
});
