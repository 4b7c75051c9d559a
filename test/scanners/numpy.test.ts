import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bufferSource, withFileSource } from '../../src/util/byte-source.js';
import { scanner } from '../../src/scanners/numpy/index.js';
import { fixturePath } from '../helpers.js';
import { buildZip } from '../util/zip-writer.js';
import { noise } from '../util/pseudo-random.js';

const scan = (bytes: Uint8Array, path = 'a.npy') => scanner.scan(bufferSource(bytes), { path });
const fixture = (name: string) => readFile(fixturePath('scanners', 'numpy', name));

/** An .npy preamble + header text (as given) + data; version 1 uses a u16 length, 2 and 3 a u32. */
function npy(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const text = Buffer.from(header, major >= 3 ? 'utf8' : 'latin1');
  const pre = Buffer.alloc(major === 1 ? 10 : 12);
  pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  if (major === 1) pre.writeUInt16LE(text.length, 8);
  else pre.writeUInt32LE(text.length, 8);
  return Buffer.concat([pre, text, data]);
}

test('.npy fixture: dtype, shape and element count', async () => {
  const path = fixturePath('scanners', 'numpy', 'tiny.npy');
  const result = await withFileSource(path, (src) => scanner.scan(src, { path: 'tiny.npy' }));
  assert.deepEqual(result, {
    format: 'numpy',
    parsed: true,
    props: { npy_version: '1.0', dtype: '<f4', shape: '3x4', fortran_order: false },
    model: { parameterCount: 12 },
    pickle: false,
  });
});

test('object-dtype .npy fixture is a pickle', async () => {
  const result = await scan(await fixture('objects.npy'));
  assert.deepEqual(result, {
    format: 'numpy',
    parsed: true,
    props: { npy_version: '1.0', dtype: '|O', shape: '2', fortran_order: false, object_dtype: true },
    model: { parameterCount: 2 },
    pickle: true,
    pickleAnalysis: {
      status: 'complete',
      globals: [
        { module: 'numpy', name: 'dtype', class: 'safe', opcode: 'GLOBAL' },
        { module: 'numpy', name: 'ndarray', class: 'safe', opcode: 'GLOBAL' },
        { module: 'numpy.core.multiarray', name: '_reconstruct', class: 'safe', opcode: 'GLOBAL' },
      ],
      streams: 1,
    },
  });
});

test('object-dtype .npy whose pickle calls posix.system', async () => {
  const result = await scan(await fixture('malicious-objects.npy'));
  assert.equal(result.parsed, true);
  assert.equal(result.pickleAnalysis?.status, 'complete');
  assert.deepEqual(
    result.pickleAnalysis?.globals.filter((g) => g.class !== 'safe'),
    [{ module: 'posix', name: 'system', class: 'dangerous', opcode: 'GLOBAL' }],
  );
});

test('.npz: the pickle of an object member is walked, globals carry the member name', async () => {
  const result = await scan(await fixture('malicious.npz'), 'm.npz');
  assert.equal(result.pickle, true);
  assert.deepEqual(result.pickleAnalysis, {
    status: 'complete',
    globals: [
      { module: 'numpy', name: 'dtype', class: 'safe', opcode: 'GLOBAL', member: 'meta.npy' },
      { module: 'numpy', name: 'ndarray', class: 'safe', opcode: 'GLOBAL', member: 'meta.npy' },
      { module: 'numpy.core.multiarray', name: '_reconstruct', class: 'safe', opcode: 'GLOBAL', member: 'meta.npy' },
      { module: 'posix', name: 'system', class: 'dangerous', opcode: 'GLOBAL', member: 'meta.npy' },
    ],
    streams: 1,
  });
  // The same member compressed (np.savez_compressed) is inflated and walked.
  const evil = await fixture('malicious-objects.npy');
  const deflated = await scan(buildZip([{ name: 'x.npy', data: evil, method: 8 }]), 'c.npz');
  assert.ok(deflated.pickleAnalysis?.globals.some((g) => g.member === 'x.npy' && g.module === 'posix' && g.class === 'dangerous'));
  // Non-object arrays hold no pickle, so there is nothing to analyze.
  assert.equal((await scan(await fixture('tiny.npz'), 'tiny.npz')).pickleAnalysis, undefined);
  assert.equal((await scan(await fixture('tiny.npy'))).pickleAnalysis, undefined);
});

test('.npz: a compressed object member larger than the inflate cap is partial, not truncated', async () => {
  const big = noise(9 * 1024 * 1024, 5);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(big.length);
  const pickle = Buffer.concat([Buffer.from('\x80\x03B', 'latin1'), len, big, Buffer.from('.')]);
  const member = npy("{'descr': '|O', 'fortran_order': False, 'shape': (), }", pickle);
  const result = await scan(buildZip([{ name: 'big.npy', data: member, method: 8 }]), 'big.npz');
  assert.equal(result.parsed, true);
  assert.equal(result.pickleAnalysis?.status, 'partial');
  assert.match(result.pickleAnalysis!.reason!, /^big\.npy: walk stopped at offset \d+: only the first \d+ bytes of the member were inflated$/);
});

test('hostile: object-dtype .npy with a truncated or missing pickle', async () => {
  const evil = await fixture('malicious-objects.npy');
  const cut = await scan(evil.subarray(0, evil.length - 20));
  assert.equal(cut.parsed, true);
  assert.equal(cut.pickleAnalysis?.status, 'partial');
  assert.match(cut.pickleAnalysis!.reason!, /^truncated pickle: stream ends at byte \d+ before a STOP opcode$/);
  const header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
  const none = await scan(npy(header));
  assert.deepEqual(none.pickleAnalysis, {
    status: 'not-analyzed',
    reason: `truncated pickle: stream ends at byte ${10 + header.length} before a STOP opcode`,
    globals: [],
    streams: 1,
  });
});

test('.npz fixture: members, dtypes and summed element count', async () => {
  const result = await scan(await fixture('tiny.npz'), 'arrays.npz');
  assert.deepEqual(result, {
    format: 'numpy-zip',
    parsed: true,
    props: { members: 2, member_names: ['counts.npy', 'scores.npy'], dtypes: ['<f8', '<i8'] },
    model: { parameterCount: 10 },
    pickle: false,
  });
});

test('structured dtype with an object field, Fortran order, v2 header, py2-style ints', async () => {
  const header = `{"descr": [('name', '<U8'), (u'blob', '|O'), ('xy', '<f4', (2,))], "fortran_order": True, "shape": (3L, 2L), }\n`;
  const result = await scan(npy(header, new Uint8Array(0), 2));
  assert.equal(result.parsed, true, result.reason);
  assert.deepEqual(result.props, {
    npy_version: '2.0',
    dtype: "[('name', '<U8'), ('blob', '|O'), ('xy', '<f4', (2,))]",
    shape: '3x2',
    fortran_order: true,
    object_dtype: true,
  });
  assert.equal(result.pickle, true);
  assert.equal(result.model.parameterCount, 6);
});

test('scalar array and a v3 utf-8 header', async () => {
  const result = await scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), 'note': 'é'}", new Uint8Array(8), 3));
  assert.equal(result.parsed, true, result.reason);
  assert.equal(result.props.shape, 'scalar');
  assert.equal(result.props.npy_version, '3.0');
  assert.equal(result.model.parameterCount, 1);
});

test('.npz with a DEFLATE object member and a member that is not an array', async () => {
  const zip = buildZip([
    { name: 'objs.npy', data: npy("{'descr': '|O', 'fortran_order': False, 'shape': (5,), }"), method: 8 },
    { name: 'ok.npy', data: npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }") },
    { name: 'notes.txt', data: 'hello' },
    { name: 'dir/', data: '' },
  ]);
  const result = await scan(zip, 'x.npz');
  assert.deepEqual(result, {
    format: 'numpy-zip',
    parsed: true,
    props: {
      members: 3,
      member_names: ['notes.txt', 'objs.npy', 'ok.npy'],
      dtypes: ['<i4', '|O'],
      object_dtype: true,
      unreadable_members: 1,
    },
    model: {},
    pickle: true,
    pickleAnalysis: {
      status: 'not-analyzed',
      reason: 'objs.npy: truncated pickle: stream ends at byte 66 before a STOP opcode',
      globals: [],
      streams: 1,
    },
  });
});

test('.npz member names are capped at 1000, the count is not', async () => {
  const member = npy("{'descr': '<u1', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(1));
  const names = Array.from({ length: 1001 }, (_, i) => `m${String(i).padStart(4, '0')}.npy`);
  const result = await scan(buildZip(names.map((name) => ({ name, data: member }))), 'many.npz');
  assert.equal(result.props.members, 1001);
  assert.equal((result.props.member_names as string[]).length, 1000);
  assert.equal((result.props.member_names as string[])[999], 'm0999.npy');
  assert.equal(result.props.member_names_truncated, true);
  assert.equal(result.model.parameterCount, 1001);
});

test('hostile: npy header length beyond the file', async () => {
  const bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }");
  new DataView(bytes.buffer, bytes.byteOffset).setUint16(8, 1000, true);
  const result = await scan(bytes);
  assert.equal(result.parsed, false);
  assert.equal(result.reason, `npy header length 1000 exceeds file size ${bytes.length}`);
});

test('hostile: npy header length beyond the cap', async () => {
  const bytes = npy('{}', new Uint8Array(0), 2);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(8, 0xffffffff, true);
  assert.equal((await scan(bytes)).reason, 'npy header length 4294967295 exceeds cap 1048576');
});

test('hostile: npy header that is not a dict', async () => {
  assert.equal((await scan(npy('[1, 2, 3]'))).reason, 'npy header is not a dict literal');
  const code = await scan(npy("__import__('os').system('id')"));
  assert.equal(code.parsed, false);
  assert.match(code.reason!, /^npy header is not a python literal: unexpected "_" at 0/);
  assert.equal((await scan(npy("{'descr': '<f4', 'shape': (1,)}"))).reason, "npy header has no 'fortran_order'");
  assert.equal(
    (await scan(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"))).reason,
    "npy header 'shape' is not a tuple of at most 64 non-negative ints",
  );
});

test('hostile: absurd shape keeps parameterCount undefined', async () => {
  const result = await scan(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }"));
  assert.equal(result.parsed, true);
  assert.equal(result.props.shape, '1099511627776x1099511627776');
  assert.equal(result.model.parameterCount, undefined);
});

test('hostile: truncated .npz', async () => {
  const bytes = await fixture('tiny.npz');
  const result = await scan(bytes.subarray(0, bytes.length - 30), 'tiny.npz');
  assert.equal(result.format, 'numpy-zip');
  assert.equal(result.parsed, false);
  assert.match(result.reason!, /^invalid zip archive: /);
});

test('hostile: zero-byte, wrong magic and unknown version', async () => {
  assert.equal((await scan(new Uint8Array(0))).reason, 'empty file');
  assert.equal((await scan(Buffer.from('not numpy at all'))).reason, 'missing npy magic');
  const v9 = npy('{}');
  v9[6] = 9;
  assert.equal((await scan(v9)).reason, 'unsupported npy version 9.0');
});

test('sniff: the npy magic', () => {
  assert.equal(scanner.sniff!(npy('{}')), true);
  assert.equal(scanner.sniff!(Buffer.from('PK\x03\x04')), false);
});
