import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { bufferSource } from '../../src/util/byte-source.js';
import { MAX_INFLATE_INPUT, readZipDirectory, readZipEntry, type ZipEntry } from '../../src/util/zip.js';
import { buildZip, eocdOffset } from './zip-writer.js';

async function list(bytes: Uint8Array): Promise<readonly ZipEntry[]> {
  const dir = await readZipDirectory(bufferSource(bytes));
  assert.ok(dir.ok, dir.ok ? '' : dir.reason);
  return dir.entries;
}

async function reason(bytes: Uint8Array): Promise<string> {
  const dir = await readZipDirectory(bufferSource(bytes));
  assert.equal(dir.ok, false);
  return dir.ok ? '' : dir.reason;
}

function patch(bytes: Uint8Array, at: number, write: (dv: DataView) => void): Uint8Array {
  const copy = new Uint8Array(bytes);
  write(new DataView(copy.buffer, at));
  return copy;
}

test('lists STORED entries and reads their data', async () => {
  const zip = buildZip([
    { name: 'a/one.txt', data: 'hello' },
    { name: 'a/two.bin', data: new Uint8Array([1, 2, 3]) },
  ]);
  const entries = await list(zip);
  assert.deepEqual(
    entries.map((e) => [e.name, e.method, e.compressedSize, e.uncompressedSize, e.localHeaderOffset]),
    [
      ['a/one.txt', 0, 5, 5, 0],
      ['a/two.bin', 0, 3, 3, 30 + 9 + 5],
    ],
  );
  const got = await readZipEntry(bufferSource(zip), entries[0]!, 100);
  assert.ok(got.ok);
  assert.equal(Buffer.from(got.data).toString(), 'hello');
  assert.equal(got.truncated, false);
});

test('caps a STORED read at maxBytes and says it is truncated', async () => {
  const zip = buildZip([{ name: 'x', data: 'abcdefgh' }]);
  const [entry] = await list(zip);
  const got = await readZipEntry(bufferSource(zip), entry!, 3);
  assert.ok(got.ok);
  assert.equal(Buffer.from(got.data).toString(), 'abc');
  assert.equal(got.truncated, true);
});

test('inflates a DEFLATE entry and checks its crc', async () => {
  const text = 'the quick brown fox '.repeat(50);
  const zip = buildZip([{ name: 'c.json', data: text, method: 8 }]);
  const [entry] = await list(zip);
  assert.equal(entry!.method, 8);
  assert.ok(entry!.compressedSize < text.length);
  const got = await readZipEntry(bufferSource(zip), entry!, 1 << 20);
  assert.ok(got.ok);
  assert.equal(Buffer.from(got.data).toString(), text);
  assert.equal(got.truncated, false);
});

test('a deflate bomb yields only maxBytes', async () => {
  const zip = buildZip([{ name: 'bomb', data: new Uint8Array(20 * 1024 * 1024), method: 8 }]);
  const [entry] = await list(zip);
  assert.ok(entry!.compressedSize < 64 * 1024);
  const got = await readZipEntry(bufferSource(zip), entry!, 1000);
  assert.ok(got.ok);
  assert.equal(got.data.length, 1000);
  assert.equal(got.truncated, true);
});

test('reads ZIP64 end records and extra fields', async () => {
  const zip = buildZip(
    [
      { name: 'archive/data.pkl', data: 'pkl' },
      { name: 'archive/version', data: '3\n' },
    ],
    { zip64: true },
  );
  const dir = await readZipDirectory(bufferSource(zip));
  assert.ok(dir.ok);
  assert.equal(dir.zip64, true);
  assert.deepEqual(
    dir.entries.map((e) => [e.name, e.compressedSize, e.localHeaderOffset]),
    [
      ['archive/data.pkl', 3, 0],
      ['archive/version', 2, 30 + 16 + 3],
    ],
  );
  const got = await readZipEntry(bufferSource(zip), dir.entries[1]!, 64);
  assert.ok(got.ok);
  assert.equal(Buffer.from(got.data).toString(), '3\n');
});

test('finds the end record behind an archive comment, even one that holds a fake end record', async () => {
  const zip = buildZip([{ name: 'x', data: 'y' }], { comment: 'made by a test' });
  assert.equal((await list(zip)).length, 1);
  const fake = Buffer.alloc(22);
  fake.writeUInt32LE(0x06054b50, 0);
  fake.writeUInt16LE(0xffff, 10);
  const tricky = buildZip([{ name: 'x', data: 'y' }], { comment: fake.toString('latin1') });
  assert.deepEqual((await list(tricky)).map((e) => e.name), ['x']);
  const appended = Buffer.concat([zip, Buffer.from('trailing junk')]);
  assert.deepEqual((await list(appended)).map((e) => e.name), ['x']);
});

test('zero-byte input', async () => {
  assert.equal(await reason(new Uint8Array(0)), 'empty file');
});

test('not a zip', async () => {
  assert.match(await reason(Buffer.from('just some text, long enough to hold an end record')), /end of central directory record not found/);
  assert.match(await reason(Buffer.from('tiny')), /file too small for a zip archive \(4 bytes\)/);
});

test('truncated end record', async () => {
  const zip = buildZip([{ name: 'x', data: 'y' }]);
  assert.match(await reason(zip.subarray(0, zip.length - 5)), /end of central directory record not found/);
});

test('truncated archive: the start cut off', async () => {
  const zip = buildZip([
    { name: 'a', data: 'x'.repeat(100) },
    { name: 'b', data: 'y' },
  ]);
  assert.match(await reason(zip.subarray(60)), /lies beyond file size/);
});

test('central directory offset beyond end of file', async () => {
  const zip = buildZip([{ name: 'x', data: 'y' }]);
  const bad = patch(zip, eocdOffset(zip), (dv) => dv.setUint32(16, 0x7fffffff, true));
  assert.match(await reason(bad), /zip central directory \(offset 2147483647, size \d+\) lies beyond file size/);
});

test('absurd entry count', async () => {
  const zip = buildZip([{ name: 'x', data: 'y' }]);
  const bad = patch(zip, eocdOffset(zip), (dv) => dv.setUint16(10, 0xfffe, true));
  assert.match(await reason(bad), /zip entry count 65534 does not fit in a central directory of 47 bytes/);
});

test('absurd ZIP64 entry count and offsets', async () => {
  const zip = buildZip([{ name: 'x', data: 'y' }], { zip64: true });
  const rec = zip.length - 22 - 20 - 56;
  const count = patch(zip, rec, (dv) => dv.setBigUint64(32, 1n << 40n, true));
  assert.match(await reason(count), /zip entry count 1099511627776 exceeds cap 1000000/);
  const huge = patch(zip, rec, (dv) => dv.setBigUint64(32, 1n << 63n, true));
  assert.match(await reason(huge), /zip64 entry count 9223372036854775808 exceeds cap/);
  const offset = patch(zip, rec, (dv) => dv.setBigUint64(48, 1n << 62n, true));
  assert.match(await reason(offset), /lies beyond file size/);
  const locator = patch(zip, zip.length - 22 - 20, (dv) => dv.setBigUint64(8, 1n << 60n, true));
  assert.match(await reason(locator), /zip64 end record offset 1152921504606846976 lies beyond the end record/);
});

test('corrupt central directory entry', async () => {
  const zip = buildZip([{ name: 'x', data: 'y' }]);
  const cdStart = 30 + 1 + 1;
  const bad = patch(zip, cdStart, (dv) => dv.setUint32(0, 0xdeadbeef, true));
  assert.match(await reason(bad), /zip central directory entry 0 is corrupt/);
});

test('entry data that fails its crc', async () => {
  const zip = buildZip([{ name: 'x', data: 'hello' }]);
  const bad = new Uint8Array(zip);
  bad[31] = 0x48; // 'h' -> 'H'
  const [entry] = await list(bad);
  const got = await readZipEntry(bufferSource(bad), entry!, 100);
  assert.deepEqual(got, { ok: false, reason: 'zip entry "x" fails its crc32 check' });
});

test('entries it refuses to read', async () => {
  const zip = buildZip([{ name: 'x', data: 'hello' }]);
  const [entry] = await list(zip);
  const src = bufferSource(zip);
  const encrypted = await readZipEntry(src, { ...entry!, flags: 1 }, 10);
  assert.deepEqual(encrypted, { ok: false, reason: 'zip entry "x" is encrypted' });
  const bzip2 = await readZipEntry(src, { ...entry!, method: 12 }, 10);
  assert.deepEqual(bzip2, { ok: false, reason: 'zip entry "x" uses unsupported compression method 12' });
  const moved = await readZipEntry(src, { ...entry!, localHeaderOffset: 3 }, 10);
  assert.deepEqual(moved, { ok: false, reason: 'zip entry "x" has no local header at offset 3' });
  const long = await readZipEntry(src, { ...entry!, compressedSize: 1000 }, 10);
  assert.deepEqual(long, { ok: false, reason: 'zip entry "x" data runs past end of file' });
});

test('corrupt deflate data', async () => {
  const garbage = new Uint8Array(64).fill(0xff);
  const zip = buildZip([{ name: 'x', data: 'placeholder-bytes'.repeat(4) }]);
  const [entry] = await list(zip);
  const bad = new Uint8Array(zip);
  bad.set(garbage, 31);
  const got = await readZipEntry(bufferSource(bad), { ...entry!, method: 8 }, 100);
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /^zip entry "x": corrupt deflate data/);
});

test('a deflate read stops at maxBytes', async () => {
  const data = Buffer.from('0123456789'.repeat(1000));
  const body = deflateRawSync(data);
  const zip = buildZip([{ name: 'x', data, method: 8 }]);
  const [entry] = await list(zip);
  assert.equal(entry!.compressedSize, body.length);
  const got = await readZipEntry(bufferSource(zip), entry!, 15);
  assert.ok(got.ok);
  assert.equal(Buffer.from(got.data).toString(), '012345678901234');
  assert.equal(got.truncated, true);
});

test('a deflate entry larger than the inflate input cap yields the head it can', async () => {
  // Incompressible, so the compressed entry exceeds MAX_INFLATE_INPUT (8 MiB).
  const data = new Uint8Array(9 * 1024 * 1024);
  let x = 0x9e3779b9;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  const zip = buildZip([{ name: 'big', data, method: 8 }]);
  const [entry] = await list(zip);
  assert.ok(entry!.compressedSize > MAX_INFLATE_INPUT);
  const got = await readZipEntry(bufferSource(zip), entry!, data.length);
  assert.ok(got.ok);
  assert.equal(got.truncated, true);
  assert.ok(got.data.length > 7 * 1024 * 1024 && got.data.length <= MAX_INFLATE_INPUT);
  assert.ok(Buffer.from(got.data).equals(Buffer.from(data.subarray(0, got.data.length))));
});
