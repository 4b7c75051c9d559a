import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bufferSource, withFileSource } from '../../src/util/byte-source.js';
import { scanner } from '../../src/scanners/keras/index.js';
import { fixturePath } from '../helpers.js';
import { buildZip } from '../util/zip-writer.js';

const scan = (bytes: Uint8Array, path = 'model.keras') => scanner.scan(bufferSource(bytes), { path });
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const metadata = JSON.stringify({ keras_version: '3.4.1', date_saved: '2024-07-01@09:30:00' });

test('.keras fixture: metadata, architecture, name and Lambda layers', async () => {
  const path = fixturePath('scanners', 'keras', 'tiny.keras');
  const result = await withFileSource(path, (src) => scanner.scan(src, { path: 'tiny.keras' }));
  assert.deepEqual(result, {
    format: 'keras',
    parsed: true,
    props: { keras_version: '3.3.3', date_saved: '2024-05-01@12:00:00', lambda_layers: 1 },
    model: { architecture: 'Sequential', name: 'tiny_classifier' },
  });
});

test('Functional model: Lambda layers inside a nested model are counted, none means no prop', async () => {
  const inner = { class_name: 'Functional', config: { name: 'inner', layers: [{ class_name: 'Lambda', config: {} }] } };
  const config = {
    class_name: 'Functional',
    config: { name: 'outer', layers: [inner, { class_name: 'Lambda', config: { name: 'l2' } }] },
  };
  const zip = buildZip([
    { name: 'metadata.json', data: metadata },
    { name: 'config.json', data: JSON.stringify(config), method: 8 },
  ]);
  const result = await scan(zip);
  assert.deepEqual(result.props, { keras_version: '3.4.1', date_saved: '2024-07-01@09:30:00', lambda_layers: 2 });
  assert.deepEqual(result.model, { architecture: 'Functional', name: 'outer' });

  const plain = buildZip([
    { name: 'metadata.json', data: metadata },
    { name: 'config.json', data: JSON.stringify({ class_name: 'Sequential', config: { name: 's' } }) },
  ]);
  assert.equal((await scan(plain)).props.lambda_layers, undefined);
});

test('Lambda layers nested deeper than the walk cap are not counted, and do not crash', async () => {
  let deep: unknown = { class_name: 'Lambda' };
  for (let i = 0; i < 200; i++) deep = { wrap: deep };
  const zip = buildZip([
    { name: 'metadata.json', data: metadata },
    { name: 'config.json', data: JSON.stringify({ class_name: 'Sequential', config: { layers: [deep] } }) },
  ]);
  const result = await scan(zip);
  assert.equal(result.parsed, true);
  assert.equal(result.props.lambda_layers, undefined);
});

test('legacy .h5 fixture', async () => {
  const bytes = await readFile(fixturePath('scanners', 'keras', 'legacy.h5'));
  const result = await scan(bytes, 'model.h5');
  assert.deepEqual(result, { format: 'hdf5', parsed: true, props: { hdf5_superblock_version: 0 }, model: {} });
});

test('HDF5 superblock after a 512-byte user block', async () => {
  const bytes = new Uint8Array(600);
  bytes.set([...HDF5, 2], 512);
  const result = await scan(bytes, 'weights.hdf5');
  assert.deepEqual(result, { format: 'hdf5', parsed: true, props: { hdf5_superblock_version: 2 }, model: {} });
});

test('hostile: .keras that is not a zip', async () => {
  const result = await scan(Buffer.from('definitely not a zip archive'));
  assert.deepEqual(result, {
    format: 'keras',
    parsed: false,
    reason: 'not a zip archive: a .keras file is a zip',
    props: {},
    model: {},
  });
});

test('hostile: .keras zip missing metadata.json', async () => {
  const zip = buildZip([{ name: 'config.json', data: '{}' }, { name: 'model.weights.h5', data: Uint8Array.from(HDF5) }]);
  const result = await scan(zip);
  assert.equal(result.parsed, false);
  assert.equal(result.reason, 'keras archive without metadata.json/config.json');
});

test('hostile: config.json is not valid JSON', async () => {
  const zip = buildZip([
    { name: 'metadata.json', data: metadata },
    { name: 'config.json', data: '{"class_name": "Sequential", ' },
  ]);
  const result = await scan(zip);
  assert.equal(result.parsed, false);
  assert.match(result.reason!, /^config\.json is not valid json: /);
});

test('hostile: truncated .keras zip', async () => {
  const bytes = await readFile(fixturePath('scanners', 'keras', 'tiny.keras'));
  const result = await scan(bytes.subarray(0, 200));
  assert.equal(result.parsed, false);
  assert.equal(result.reason, 'invalid zip archive: end of central directory record not found: not a zip archive');
});

test('hostile: .h5 with a wrong signature', async () => {
  const result = await scan(Buffer.from('\x89HDX\r\n\x1a\n'.padEnd(600, '\0'), 'latin1'), 'model.h5');
  assert.deepEqual(result, {
    format: 'hdf5',
    parsed: false,
    reason: 'missing hdf5 signature at offset 0 or 512',
    props: {},
    model: {},
  });
});

test('hostile: zero-byte .h5', async () => {
  const result = await scan(new Uint8Array(0), 'model.h5');
  assert.equal(result.reason, 'empty file');
});

test('sniff: the HDF5 signature', () => {
  assert.equal(scanner.sniff!(Uint8Array.from([...HDF5, 0])), true);
  assert.equal(scanner.sniff!(Uint8Array.from(HDF5.slice(0, 5))), false);
  assert.equal(scanner.sniff!(Buffer.from('PK\x03\x04', 'latin1')), false);
});
