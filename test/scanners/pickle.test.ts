import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { bufferSource, withFileSource } from '../../src/util/byte-source.js';
import { scanner, walkPickle } from '../../src/scanners/pickle/index.js';
import { fixturePath } from '../helpers.js';
import { noise } from '../util/pseudo-random.js';

const scan = (bytes: Uint8Array, path = 'model.pkl') => scanner.scan(bufferSource(bytes), { path });
const fixture = (name: string) => readFile(fixturePath('scanners', 'pickle', name));

test('protocol 4 fixture', async () => {
  const path = fixturePath('scanners', 'pickle', 'proto4.pkl');
  const result = await withFileSource(path, (src) => scanner.scan(src, { path: 'proto4.pkl' }));
  assert.deepEqual(result, {
    format: 'pickle',
    parsed: true,
    props: { pickle_protocol: 4 },
    model: {},
    pickle: true,
    pickleAnalysis: { status: 'complete', globals: [], streams: 1 },
  });
});

test('protocol 0 text pickle has no protocol header', async () => {
  const result = await scan(await fixture('proto0.pkl'));
  assert.deepEqual(result, {
    format: 'pickle',
    parsed: true,
    props: {},
    model: {},
    pickle: true,
    pickleAnalysis: { status: 'complete', globals: [], streams: 1 },
  });
});

test('zlib-compressed joblib fixture is not analyzed', async () => {
  const result = await scan(await fixture('model.joblib'), 'clf.joblib');
  assert.deepEqual(result, {
    format: 'joblib',
    parsed: true,
    props: { compression: 'zlib' },
    model: {},
    pickle: true,
    pickleAnalysis: {
      status: 'not-analyzed',
      reason: 'zlib-compressed stream: its pickle is not inflated or walked',
      globals: [],
      streams: 0,
    },
  });
});

test('joblib compression magics', async () => {
  const cases: Array<[number[], string]> = [
    [[...gzipSync(Buffer.from('x'))], 'gzip'],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4], 'xz'],
    [[0x04, 0x22, 0x4d, 0x18, 0x64, 0x40], 'lz4'],
    [[0x42, 0x5a, 0x68, 0x39, 0x31, 0x41], 'bz2'],
    [[0x78, 0xda, 0x01], 'zlib'],
  ];
  for (const [bytes, compression] of cases) {
    const result = await scan(Uint8Array.from(bytes), 'm.joblib');
    assert.equal(result.parsed, true, compression);
    assert.equal(result.props.compression, compression);
    assert.equal(result.pickleAnalysis?.status, 'not-analyzed', compression);
  }
});

test('uncompressed joblib is walked like any pickle; junk after the STOP is data', async () => {
  const bytes = Uint8Array.from([0x80, 4, 0x95, 2, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e, 0xff, 0xff]);
  const result = await scan(bytes, 'm.joblib');
  assert.deepEqual(result, {
    format: 'joblib',
    parsed: true,
    props: { pickle_protocol: 4 },
    model: {},
    pickle: true,
    pickleAnalysis: { status: 'complete', globals: [], streams: 1 },
  });
  const broken = await scan(Uint8Array.from([0x80, 4, 0x4e, 0xff]), 'm.joblib');
  assert.equal(broken.parsed, false);
  assert.equal(broken.reason, 'not a pickle stream: invalid opcode 0xff at offset 3');
  assert.deepEqual(broken.pickleAnalysis, {
    status: 'partial',
    reason: 'not a pickle stream: invalid opcode 0xff at offset 3',
    globals: [],
    streams: 1,
  });
});

test('hostile: zero-byte .pkl', async () => {
  const result = await scan(new Uint8Array(0));
  assert.deepEqual(result, {
    format: 'pickle',
    parsed: false,
    reason: 'empty file',
    props: {},
    model: {},
    pickle: true,
    pickleAnalysis: { status: 'not-analyzed', reason: 'empty file', globals: [], streams: 0 },
  });
});

test('hostile: pseudo-random garbage .pkl', async () => {
  const result = await scan(noise(4096, 99));
  assert.equal(result.parsed, false);
  assert.match(result.reason!, /^not a pickle stream: first byte 0x[0-9a-f]{2} is not a plausible opcode$/);
  assert.deepEqual(result.pickleAnalysis, { status: 'not-analyzed', reason: result.reason, globals: [], streams: 0 });
});

test('hostile: text files named .pkl', async () => {
  const hello = await scan(Buffer.from('hello world\n'));
  assert.equal(hello.reason, 'not a pickle stream: first byte 0x68 is not a plausible opcode');
  const some = await scan(Buffer.from('Some notes about the model\n'));
  assert.equal(some.reason, 'not a pickle stream: first byte 0x53 is not a plausible opcode');
  // Passes the first-opcode check (a plausible UNICODE line), fails on the next "opcode".
  const very = await scan(Buffer.from('Very long notes\nabout it\n'));
  assert.equal(very.reason, 'not a pickle stream: invalid opcode 0x20 at offset 21');
});

test('hostile: truncated pickles', async () => {
  const proto4 = await fixture('proto4.pkl');
  const cut = await scan(proto4.subarray(0, 30));
  assert.equal(cut.parsed, false);
  assert.equal(cut.props.pickle_protocol, 4);
  assert.equal(cut.reason, 'truncated pickle: stream ends at byte 29 before a STOP opcode');
  assert.equal(cut.pickleAnalysis?.status, 'partial');
  assert.equal(cut.pickleAnalysis?.reason, cut.reason);
  const header = await scan(Uint8Array.from([0x80]));
  assert.equal(header.reason, 'truncated pickle header');
  // A BINBYTES8 length far past the end of file is truncation, not a 2^40-byte read.
  const far = await scan(Uint8Array.from([0x80, 4, 0x8e, 0, 0, 0, 0, 0, 1, 0, 0, 0x2e]));
  assert.equal(far.reason, 'truncated pickle: stream ends at byte 2 before a STOP opcode');
  const huge = await scan(Uint8Array.from([0x80, 4, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x2e]));
  assert.equal(huge.reason, 'not a pickle stream: BINBYTES8: negative or oversized length at offset 2');
});

test('hostile: unknown protocol', async () => {
  const result = await scan(Uint8Array.from([0x80, 9, 0x4e, 0x2e]));
  assert.equal(result.reason, 'unsupported pickle protocol 9');
});

test('walker steps over payloads without reading them and reports the STOP', async () => {
  const payload = 1_000_000_000;
  const head = Uint8Array.from([0x80, 4, 0x8e, ...new Uint8Array(new BigUint64Array([BigInt(payload)]).buffer)]);
  let reads = 0;
  const src = {
    size: head.length + payload + 1,
    read: async (offset: number, length: number) => {
      reads++;
      if (offset < head.length) return head.subarray(offset, offset + length);
      if (offset === head.length + payload) return Uint8Array.from([0x2e]);
      throw new Error(`unexpected read at ${offset}`);
    },
  };
  const walk = await walkPickle(src);
  assert.deepEqual(walk, { status: 'stop', end: head.length + payload + 1, opcodes: 3 });
  assert.equal(reads, 2);
});

test('sniff: protocol 2-5 headers only', () => {
  assert.equal(scanner.sniff!(Uint8Array.from([0x80, 2, 0x7d])), true);
  assert.equal(scanner.sniff!(Uint8Array.from([0x80, 5, 0x95])), true);
  assert.equal(scanner.sniff!(Uint8Array.from([0x80, 1, 0x7d])), false);
  assert.equal(scanner.sniff!(Uint8Array.from([0x80, 2, 0xff])), false);
  assert.equal(scanner.sniff!(Buffer.from('(dp0\n')), false);
  assert.equal(scanner.sniff!(noise(64, 99)), false);
});

test('walker reads protocol-0 lines that span its read window, and checks GLOBAL names', async () => {
  const long = Buffer.from(`V${'x'.repeat(1536 * 1024)}\ncbuiltins\nprint\n0.`, 'latin1');
  assert.deepEqual(await walkPickle(bufferSource(long)), { status: 'stop', end: long.length, opcodes: 4 });
  const bad = Buffer.from('cos system\nx\n.', 'latin1');
  assert.deepEqual(await walkPickle(bufferSource(bad)), {
    status: 'invalid',
    offset: 0,
    reason: 'GLOBAL: malformed name "os system"',
  });
});
