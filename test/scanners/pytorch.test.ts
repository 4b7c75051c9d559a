import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bufferSource, withFileSource, type ByteSource } from '../../src/util/byte-source.js';
import { scanner } from '../../src/scanners/pytorch/index.js';
import { fixturePath } from '../helpers.js';
import { noise } from '../util/pseudo-random.js';
import { buildZip } from '../util/zip-writer.js';
import type { PickleGlobal } from '../../src/types.js';

const scan = (bytes: Uint8Array, path = 'model.pt') => scanner.scan(bufferSource(bytes), { path });
const MAGIC = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/** Concatenate opcodes; strings are latin1. Pickles here are built opcode by opcode, never run. */
const b = (...parts: Array<string | readonly number[] | Uint8Array>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
/** BINUNICODE. */
const bu = (s: string): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(Buffer.byteLength(s));
  return b('X', len, Buffer.from(s, 'utf8'));
};
/** posix.system('echo pwned') at protocol 2. */
const EVIL = b('\x80\x02cposix\nsystem\nq\x00', bu('echo pwned'), 'q\x01\x85q\x02Rq\x03.');
const global = (module: string, name: string, cls: PickleGlobal['class'], opcode: PickleGlobal['opcode'], member?: string): PickleGlobal => ({
  module,
  name,
  class: cls,
  opcode,
  ...(member === undefined ? {} : { member }),
});
const TORCH_GLOBALS = (member: string | undefined): PickleGlobal[] => [
  global('collections', 'OrderedDict', 'safe', 'GLOBAL', member),
  global('torch', 'FloatStorage', 'safe', 'GLOBAL', member),
  global('torch._utils', '_rebuild_tensor_v2', 'safe', 'GLOBAL', member),
];
/** A small torch archive around `dataPkl`, plus `extra` members. */
const torchZip = (dataPkl: Uint8Array, extra: Array<{ name: string; data: Uint8Array | string; method?: 0 | 8 }> = [], method: 0 | 8 = 0) =>
  buildZip([{ name: 'archive/data.pkl', data: dataPkl, method }, { name: 'archive/version', data: '3\n' }, ...extra]);

test('zip checkpoint fixture: archive facts from entry names and records', async () => {
  const path = fixturePath('scanners', 'pytorch', 'tiny.pt');
  const result = await withFileSource(path, (src) => scanner.scan(src, { path: 'tiny.pt' }));
  assert.deepEqual(result, {
    format: 'pytorch-zip',
    parsed: true,
    props: {
      archive_name: 'tiny',
      zip_entries: 7,
      tensor_storages: 2,
      torch_format_version: '3',
      torch_save_format_version: '1',
      byteorder: 'little',
      pickle_protocol: 2,
    },
    model: {},
    pickle: true,
    pickleAnalysis: { status: 'complete', globals: TORCH_GLOBALS('tiny/data.pkl'), streams: 1 },
  });
});

test('legacy checkpoint fixture', async () => {
  const path = fixturePath('scanners', 'pytorch', 'legacy.pt');
  const result = await withFileSource(path, (src) => scanner.scan(src, { path: 'legacy.pt' }));
  assert.deepEqual(result, {
    format: 'pytorch-legacy',
    parsed: true,
    props: { pickle_protocol: 2 },
    model: {},
    pickle: true,
    pickleAnalysis: { status: 'complete', globals: [], streams: 5 },
  });
});

test('legacy state dict: five pickles walked, the raw storage after them is data', async () => {
  const path = fixturePath('scanners', 'pytorch', 'legacy-state-dict.pt');
  const result = await withFileSource(path, (src) => scanner.scan(src, { path: 'legacy-state-dict.pt' }));
  assert.equal(result.format, 'pytorch-legacy');
  assert.equal(result.parsed, true, result.reason);
  assert.deepEqual(result.pickleAnalysis, {
    status: 'complete',
    globals: [
      global('collections', 'OrderedDict', 'safe', 'GLOBAL'),
      global('torch', 'FloatStorage', 'safe', 'GLOBAL'),
      global('torch._utils', '_rebuild_tensor', 'safe', 'GLOBAL'),
    ],
    streams: 5,
  });
});

test('legacy checkpoint with a pickle appended after its pickles is found', async () => {
  const legacy = await readFile(fixturePath('scanners', 'pytorch', 'legacy.pt'));
  const result = await scan(b(legacy, EVIL));
  assert.equal(result.parsed, true);
  assert.deepEqual(result.pickleAnalysis, { status: 'complete', globals: [global('posix', 'system', 'dangerous', 'GLOBAL')], streams: 6 });
});

test('a pickle hidden in a member other than data.pkl is found', async () => {
  const path = fixturePath('scanners', 'pytorch', 'hidden-pickle.pt');
  const result = await withFileSource(path, (src) => scanner.scan(src, { path: 'hidden-pickle.pt' }));
  assert.equal(result.parsed, true);
  assert.deepEqual(result.pickleAnalysis, {
    status: 'complete',
    globals: [...TORCH_GLOBALS('tiny/data.pkl'), global('posix', 'system', 'dangerous', 'GLOBAL', 'tiny/data/2')],
    streams: 2,
  });
});

test('zip members: DEFLATE data.pkl is inflated; storages that merely start like a pickle are data', async () => {
  const deflated = await scan(torchZip(EVIL, [], 8));
  assert.deepEqual(deflated.pickleAnalysis, {
    status: 'complete',
    globals: [global('posix', 'system', 'dangerous', 'GLOBAL', 'archive/data.pkl')],
    streams: 1,
  });
  // A float storage whose first bytes read \x80\x02 then an opcode, and junk after it.
  const storage = b('\x80\x02K\x07', new Uint8Array(60).fill(0));
  const hiddenDeflated = { name: 'archive/extra/x', data: EVIL, method: 8 as const };
  const result = await scan(torchZip(Uint8Array.from([0x80, 2, 0x7d, 0x2e]), [{ name: 'archive/data/0', data: storage }, hiddenDeflated]));
  assert.deepEqual(result.pickleAnalysis, {
    status: 'complete',
    globals: [global('posix', 'system', 'dangerous', 'GLOBAL', 'archive/extra/x')],
    streams: 2,
  });
});

test('zip checkpoint: a broken data.pkl makes the analysis partial; a zip that is not torch is still searched', async () => {
  const cut = await scan(torchZip(EVIL.subarray(0, 20)));
  assert.equal(cut.parsed, true);
  assert.deepEqual(cut.pickleAnalysis, {
    status: 'partial',
    reason: 'archive/data.pkl: truncated pickle: stream ends at byte 18 before a STOP opcode',
    globals: [global('posix', 'system', 'dangerous', 'GLOBAL', 'archive/data.pkl')],
    streams: 1,
  });
  const notTorch = await scan(buildZip([{ name: 'payload.bin', data: EVIL }]));
  assert.equal(notTorch.parsed, false);
  assert.equal(notTorch.reason, 'zip archive without data.pkl: not a pytorch checkpoint');
  assert.deepEqual(notTorch.pickleAnalysis?.globals, [global('posix', 'system', 'dangerous', 'GLOBAL', 'payload.bin')]);
  const garbage = await scan(new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...noise(200, 7)]));
  assert.equal(garbage.pickleAnalysis?.status, 'not-analyzed');
  assert.equal(garbage.pickleAnalysis?.reason, garbage.reason);
});

test('legacy checkpoint at protocol 4, magic behind a FRAME', async () => {
  const frame = [0x95, 13, 0, 0, 0, 0, 0, 0, 0];
  const bytes = Uint8Array.from([0x80, 4, ...frame, 0x8a, 10, ...MAGIC, 0x2e, 0x80, 4, 0x4d, 0xe9, 0x03, 0x2e]);
  const result = await scan(bytes);
  assert.equal(result.format, 'pytorch-legacy');
  assert.equal(result.parsed, true);
  assert.equal(result.props.pickle_protocol, 4);
});

test('a plain pickle with a .pt name is format pickle', async () => {
  const result = await scan(Uint8Array.from([0x80, 2, 0x7d, 0x71, 0, 0x2e]));
  assert.deepEqual(result, {
    format: 'pickle',
    parsed: true,
    props: { pickle_protocol: 2 },
    model: {},
    pickle: true,
    pickleAnalysis: { status: 'complete', globals: [], streams: 1 },
  });
});

test('ZIP64 checkpoint', async () => {
  const zip = buildZip(
    [
      { name: 'archive/data.pkl', data: Uint8Array.from([0x80, 2, 0x7d, 0x2e]) },
      { name: 'archive/data/0', data: new Uint8Array(8) },
      { name: 'archive/.data/version', data: '3\n' },
    ],
    { zip64: true },
  );
  const result = await scan(zip);
  assert.equal(result.parsed, true, result.reason);
  assert.deepEqual(result.props, {
    archive_name: 'archive',
    zip_entries: 3,
    tensor_storages: 1,
    torch_format_version: '3',
    pickle_protocol: 2,
  });
});

test('sharded index fixture: shards resolved against the index folder', async () => {
  const bytes = await readFile(fixturePath('scanners', 'pytorch', 'pytorch_model.bin.index.json'));
  const result = await scan(bytes, 'models/bert/pytorch_model.bin.index.json');
  assert.deepEqual(result, {
    format: 'pytorch-zip',
    parsed: true,
    props: { index_for: 'pytorch', tensor_count: 3, total_size: 24 },
    model: {},
    pickle: true,
    shards: ['models/bert/pytorch_model-00001-of-00002.bin', 'models/bert/pytorch_model-00002-of-00002.bin'],
  });
});

test('index at the root, with shard names that escape the root', async () => {
  const index = { weight_map: { a: 'pytorch_model.bin', b: '../../etc/passwd', c: '/abs.bin', d: './sub/x.bin' } };
  const result = await scan(Buffer.from(JSON.stringify(index)), 'pytorch_model.bin.index.json');
  assert.equal(result.parsed, true);
  assert.deepEqual(result.shards, ['pytorch_model.bin', 'sub/x.bin']);
  assert.equal(result.props.rejected_shard_names, 2);
  assert.equal(result.props.total_size, undefined);
});

test('index that is not JSON, or has no weight_map', async () => {
  const bad = await scan(Buffer.from('{"weight_map": {'), 'pytorch_model.bin.index.json');
  assert.equal(bad.parsed, false);
  assert.match(bad.reason!, /^index is not valid json/);
  const none = await scan(Buffer.from('{"metadata": {}}'), 'pytorch_model.bin.index.json');
  assert.equal(none.reason, 'index has no weight_map object');
});

test('index larger than the cap is not read', async () => {
  const src: ByteSource = {
    size: 60_000_000,
    read: () => Promise.reject(new Error('must not read')),
  };
  const result = await scanner.scan(src, { path: 'pytorch_model.bin.index.json' });
  assert.equal(result.reason, 'index file size 60000000 exceeds cap 50000000');
});

test('hostile: zip garbage named .pt', async () => {
  const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...noise(200, 7)]);
  const result = await scan(bytes);
  assert.equal(result.parsed, false);
  assert.equal(result.format, 'pytorch-zip');
  assert.equal(result.reason, 'invalid zip archive: end of central directory record not found: not a zip archive');
});

test('hostile: truncated zip checkpoint', async () => {
  const bytes = await readFile(fixturePath('scanners', 'pytorch', 'tiny.pt'));
  const result = await scan(bytes.subarray(0, bytes.length - 40));
  assert.equal(result.parsed, false);
  assert.match(result.reason!, /^invalid zip archive: /);
});

test('hostile: text file named .pth', async () => {
  const result = await scan(Buffer.from('/usr/lib/python3/dist-packages\nimport site\n'), 'lib.pth');
  assert.equal(result.parsed, false);
  assert.equal(result.reason, 'not a pytorch checkpoint: neither a zip archive nor a pickle stream');
});

test('hostile: zero-byte .pt', async () => {
  const result = await scan(new Uint8Array(0));
  assert.deepEqual(result, {
    format: 'pytorch-zip',
    parsed: false,
    reason: 'empty file',
    props: {},
    model: {},
    pickle: true,
    pickleAnalysis: { status: 'not-analyzed', reason: 'empty file', globals: [], streams: 0 },
  });
});

test('hostile: truncated legacy checkpoints', async () => {
  const legacy = await readFile(fixturePath('scanners', 'pytorch', 'legacy.pt'));
  const cut = await scan(legacy.subarray(0, 8));
  assert.equal(cut.parsed, false);
  assert.equal(cut.reason, 'truncated pickle: stream ends at byte 2 before a STOP opcode');
  const magicOnly = await scan(legacy.subarray(0, 15));
  assert.equal(magicOnly.format, 'pytorch-legacy');
  assert.equal(magicOnly.reason, 'truncated pickle: stream ends at byte 15 before a STOP opcode');
  assert.deepEqual(magicOnly.pickleAnalysis, {
    status: 'partial',
    reason: 'pickle 2 (at byte 15): truncated pickle: stream ends at byte 15 before a STOP opcode',
    globals: [],
    streams: 2,
  });
});

test('hostile: zips that are not torch archives', async () => {
  const plain = await scan(buildZip([{ name: 'readme.txt', data: 'hi' }]));
  assert.equal(plain.reason, 'zip archive without data.pkl: not a pytorch checkpoint');
  const noVersion = await scan(buildZip([{ name: 'a/data.pkl', data: 'x' }]));
  assert.equal(noVersion.reason, 'zip archive with data.pkl but no version or byteorder record: not a pytorch checkpoint');
});

test('sniff: torch zips and pickles, not random .bin bytes or other zips', async () => {
  const tiny = await readFile(fixturePath('scanners', 'pytorch', 'tiny.pt'));
  const legacy = await readFile(fixturePath('scanners', 'pytorch', 'legacy.pt'));
  assert.equal(scanner.sniff!(tiny.subarray(0, 64)), true);
  assert.equal(scanner.sniff!(legacy.subarray(0, 64)), true);
  assert.equal(scanner.sniff!(noise(64, 12345)), false);
  assert.equal(scanner.sniff!(new Uint8Array(0)), false);
  const docx = buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }]);
  assert.equal(scanner.sniff!(docx.subarray(0, 64)), false);
  assert.deepEqual(scanner.weakExtensions, ['.bin']);
});
