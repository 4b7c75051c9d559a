import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bufferSource, withFileSource } from '../../src/util/byte-source.js';
import type { FileScan } from '../../src/types.js';
import { scanner } from '../../src/scanners/tflite/index.js';
import { fixturePath } from '../helpers.js';
import { unparsedAsserter } from '../util/assert-scan.js';

const fixture = fixturePath('scanners', 'tflite', 'tiny.tflite');
const scan = (b: Uint8Array): Promise<FileScan> => scanner.scan(bufferSource(b), { path: 'model.tflite' });

/** A copy of the fixture with `edit` applied. */
async function edited(edit: (b: Buffer) => void): Promise<Buffer> {
  const b = Buffer.from(await readFile(fixture));
  edit(b);
  return b;
}

const assertUnparsed = unparsedAsserter('tflite');

// Layout of the fixture (see fixtures/generate/tflite.mjs): root table at 28, its vtable at 8.
const ROOT_TABLE = 28;
const ROOT_VTABLE = 8;

describe('tflite scanner', () => {
  it('claims .tflite and sniffs TFL3 at bytes 4..8', async () => {
    assert.equal(scanner.name, 'tflite');
    assert.deepEqual(scanner.extensions, ['.tflite']);
    const head = (await readFile(fixture)).subarray(0, 64);
    assert.equal(scanner.sniff?.(head), true);
    assert.equal(scanner.sniff?.(Buffer.from('TFL3TFL3')), true);
    assert.equal(scanner.sniff?.(Buffer.from('\0\0\0\0TFL2')), false);
    assert.equal(scanner.sniff?.(Buffer.from('TFL3')), false);
    assert.equal(scanner.sniff?.(new Uint8Array(0)), false);
  });

  it('reads the tiny fixture model', async () => {
    const s = await withFileSource(fixture, (src) => scanner.scan(src, { path: 'fixtures/scanners/tflite/tiny.tflite' }));
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, {
      tflite_schema_version: 3,
      subgraph_count: 1,
      operator_code_count: 1,
      buffer_count: 2,
      tflite_metadata_names: ['min_runtime_version'],
      min_runtime_version: '1.5.0',
      signature_keys: ['serving_default'],
    });
    assert.deepEqual(s.model, { description: 'TOCO Converted.' });
  });

  it('reads a minimal model whose root table has no fields', async () => {
    // root offset 12 → table at 12 with soffset 4 → vtable at 8: size 4, table size 4.
    const b = Buffer.from([12, 0, 0, 0, ...Buffer.from('TFL3'), 4, 0, 4, 0, 4, 0, 0, 0]);
    const s = await scan(b);
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, { tflite_schema_version: 0 });
  });

  it('rejects a wrong identifier in a .tflite file', async () => {
    const b = await edited((x) => x.write('TFL2', 4));
    assertUnparsed(await scan(b), 'missing tflite identifier TFL3 at byte 4');
  });

  it('rejects a text file named .tflite', async () => {
    assertUnparsed(await scan(Buffer.from('hello world, not a model\n')), 'missing tflite identifier TFL3 at byte 4');
  });

  it('rejects a zero-byte file', async () => {
    assertUnparsed(await scan(new Uint8Array(0)), 'file too small for a flatbuffer header (0 bytes)');
  });

  it('rejects a truncated model', async () => {
    const whole = await readFile(fixture);
    const s = await scan(whole.subarray(0, 100));
    assertUnparsed(s, 'is outside the file (100 bytes)');
    assert.equal(s.props.tflite_schema_version, 3, 'facts read before the cut are kept');
  });

  it('rejects a root offset past the end of the file', async () => {
    const b = await edited((x) => x.writeUInt32LE(0xfffffff0, 0));
    assertUnparsed(await scan(b), 'model table at byte 4294967280 (+4) is outside the file');
  });

  it('rejects a vtable soffset pointing out of bounds', async () => {
    const b = await edited((x) => x.writeInt32LE(-0x7fffffff, ROOT_TABLE));
    assertUnparsed(await scan(b), 'model vtable at byte 2147483675 (+2) is outside the file');
  });

  it('rejects a vtable field offset outside its table', async () => {
    // slot of field 3 (description): offset 0x7ff0 is far past the 32-byte table.
    const b = await edited((x) => x.writeUInt16LE(0x7ff0, ROOT_VTABLE + 4 + 2 * 3));
    assertUnparsed(await scan(b), 'description field offset 32752 lies outside its table');
  });

  it('rejects a vtable claiming a table larger than the file', async () => {
    const b = await edited((x) => x.writeUInt16LE(0xfff0, ROOT_VTABLE + 2));
    assertUnparsed(await scan(b), 'model table at byte 28 (+65520) is outside the file');
  });

  it('rejects a vector length past the end of the file', async () => {
    // subgraphs vector: the uoffset at table+12 points to it; make its length huge.
    const b = await edited((x) => {
      const field = ROOT_TABLE + 12;
      x.writeUInt32LE(0x40000000, field + x.readUInt32LE(field));
    });
    assertUnparsed(await scan(b), 'subgraphs at byte');
  });
});
