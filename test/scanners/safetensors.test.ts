import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bufferSource, withFileSource } from '../../src/util/byte-source.js';
import type { FileScan } from '../../src/types.js';
import {
  parseSafetensorsHeader,
  parseSafetensorsIndex,
  scanner,
} from '../../src/scanners/safetensors/index.js';
import { fixturePath } from '../helpers.js';
import { unparsedAsserter } from '../util/assert-scan.js';

const fixture = (...parts: string[]) => fixturePath('scanners', 'safetensors', ...parts);

function scanFixture(...parts: string[]): Promise<FileScan> {
  const rel = ['fixtures', 'scanners', 'safetensors', ...parts].join('/');
  return withFileSource(fixture(...parts), (src) => scanner.scan(src, { path: rel }));
}

/** u64 LE length + header text, with the length taken from the text unless given. */
function file(header: string, data = new Uint8Array(0), length?: bigint): Uint8Array {
  const h = Buffer.from(header);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length ?? BigInt(h.length));
  return Buffer.concat([prefix, h, data]);
}

const assertUnparsed = unparsedAsserter('safetensors');

describe('safetensors scanner', () => {
  it('claims .safetensors and index files', () => {
    assert.deepEqual(scanner.extensions, ['.safetensors', '.safetensors.index.json']);
    assert.equal(scanner.name, 'safetensors');
  });

  it('reads the tiny 3-tensor fixture', async () => {
    const scan = await scanFixture('tiny.safetensors');
    assert.equal(scan.parsed, true, scan.reason);
    assert.equal(scan.format, 'safetensors');
    assert.deepEqual(scan.props, {
      tensor_count: 3,
      dtypes: ['F16', 'F32', 'I64'],
      safetensors_metadata_keys: ['format'],
      safetensors_format: 'pt',
    });
    assert.equal(scan.model.parameterCount, 13); // 2*3 + 3 + 1*4
  });

  it('sniffs the fixture header and rejects text', async () => {
    const head = (await readFile(fixture('tiny.safetensors'))).subarray(0, 64);
    assert.equal(scanner.sniff?.(head), true);
    assert.equal(scanner.sniff?.(Buffer.from('hello world\n')), false);
    assert.equal(scanner.sniff?.(new Uint8Array(0)), false);
    assert.equal(scanner.sniff?.(file('[1,2,3] ')), false);
  });

  it('reads both shards of the sharded fixture', async () => {
    const one = await scanFixture('sharded', 'model-00001-of-00002.safetensors');
    const two = await scanFixture('sharded', 'model-00002-of-00002.safetensors');
    assert.deepEqual([one.parsed, one.props.tensor_count, one.model.parameterCount], [true, 1, 8]);
    assert.deepEqual([two.parsed, two.props.tensor_count, two.model.parameterCount], [true, 2, 10]);
    assert.deepEqual(two.props.dtypes, ['F16', 'F32']);
  });

  it('reads the index of the sharded fixture and resolves shards beside it', async () => {
    const scan = await scanFixture('sharded', 'model.safetensors.index.json');
    assert.equal(scan.parsed, true, scan.reason);
    assert.equal(scan.format, 'safetensors-index');
    assert.deepEqual(scan.props, { tensor_count: 3, total_size: 64 });
    assert.deepEqual(scan.shards, [
      'fixtures/scanners/safetensors/sharded/model-00001-of-00002.safetensors',
      'fixtures/scanners/safetensors/sharded/model-00002-of-00002.safetensors',
    ]);
  });

  it('resolves index shards at the root and drops ones escaping it', async () => {
    const index = JSON.stringify({
      metadata: { total_size: 10, total_parameters: 5 },
      weight_map: { a: 'b.safetensors', c: 'a.safetensors', d: '../../etc/passwd', e: '/abs.safetensors', f: 7, g: 'a.safetensors' },
    });
    const scan = await parseSafetensorsIndex(bufferSource(Buffer.from(index)), 'model.safetensors.index.json');
    assert.equal(scan.parsed, true);
    assert.deepEqual(scan.shards, ['a.safetensors', 'b.safetensors']);
    assert.deepEqual(scan.props, { tensor_count: 6, total_size: 10, ignored_shard_count: 3 });
    assert.equal(scan.model.parameterCount, 5);
  });

  it('rejects an index that is not json or lacks a weight_map', async () => {
    const bad = await parseSafetensorsIndex(bufferSource(Buffer.from('{"weight_map": ')), 'x/model.safetensors.index.json');
    assert.equal(bad.parsed, false);
    assert.equal(bad.format, 'safetensors-index');
    assert.match(bad.reason ?? '', /^index is not valid json/);
    const noMap = await parseSafetensorsIndex(bufferSource(Buffer.from('{"metadata": {}}')), 'model.safetensors.index.json');
    assert.equal(noMap.reason, 'index has no weight_map object');
    const arr = await parseSafetensorsIndex(bufferSource(Buffer.from('[]')), 'model.safetensors.index.json');
    assert.equal(arr.reason, 'index is not a json object (array)');
  });

  it('rejects an index over the 50 MB cap without reading it', async () => {
    let reads = 0;
    const huge = { size: 60 * 1024 * 1024, read: async () => { reads++; return new Uint8Array(0); } };
    const scan = await parseSafetensorsIndex(huge, 'model.safetensors.index.json');
    assert.equal(scan.reason, 'index file size 62914560 exceeds cap 52428800');
    assert.equal(reads, 0);
  });

  it('flags a truncated download but keeps the header facts', async () => {
    const whole = await readFile(fixture('tiny.safetensors'));
    const scan = await parseSafetensorsHeader(bufferSource(whole.subarray(0, whole.length - 10)));
    assert.equal(scan.parsed, true);
    assert.equal(scan.props.tensor_count, 3);
    assert.equal(scan.model.parameterCount, 13);
    assert.equal(scan.props.safetensors_inconsistent, `file is truncated: header describes ${whole.length} bytes, file has ${whole.length - 10}`);
  });

  it('flags offsets that do not match dtype and shape, gaps, and trailing bytes', async () => {
    const header = JSON.stringify({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'F4', shape: [3], data_offsets: [8, 9] },
    });
    const scan = await parseSafetensorsHeader(bufferSource(file(header, new Uint8Array(12))));
    assert.equal(scan.parsed, true);
    assert.equal(
      scan.props.safetensors_inconsistent,
      'tensor "a" spans 4 bytes, F32 shape needs 8; tensor "b" begins at 8, expected 4; file has 3 bytes after the last tensor',
    );
    assert.deepEqual(scan.props.dtypes, ['F32', 'F4']);
  });

  it('accepts an empty header with no tensors', async () => {
    const scan = await parseSafetensorsHeader(bufferSource(file('{}')));
    assert.equal(scan.parsed, true);
    assert.deepEqual(scan.props, { tensor_count: 0, dtypes: [] });
    assert.equal(scan.model.parameterCount, 0);
  });

  it('rejects malformed tensor entries', async () => {
    const noDtype = await parseSafetensorsHeader(bufferSource(file('{"a":{"shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4))));
    assertUnparsed(noDtype, 'tensor "a" has no dtype string');
    const negative = await parseSafetensorsHeader(bufferSource(file('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}')));
    assertUnparsed(negative, 'tensor "a" shape is not a list of non-negative integers');
    const offsets = await parseSafetensorsHeader(bufferSource(file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}')));
    assertUnparsed(offsets, 'tensor "a" data_offsets is not a [begin, end] pair');
    const meta = await parseSafetensorsHeader(bufferSource(file('{"__metadata__":[]}')));
    assertUnparsed(meta, '__metadata__ is not a json object');
  });

  describe('hostile inputs', () => {
    it('truncated file: header length 100 with only 20 bytes after it', async () => {
      assertUnparsed(await scanFixture('hostile', 'truncated.safetensors'), 'header length 100 exceeds file size 28');
    });

    it('header length larger than the file', async () => {
      assertUnparsed(await scanFixture('hostile', 'header-larger-than-file.safetensors'), 'header length 1000000 exceeds file size 16');
    });

    it('header length 2^63', async () => {
      const scan = await scanFixture('hostile', 'header-length-2pow63.safetensors');
      assert.equal(scan.reason, 'header length 9223372036854775808 exceeds file size 16');
    });

    it('header length over the 100,000,000 cap in a file large enough to hold it', async () => {
      let reads = 0;
      const prefix = Buffer.alloc(8);
      prefix.writeBigUInt64LE(100_000_001n);
      const big = {
        size: 200_000_000,
        read: async (offset: number, length: number) => {
          reads++;
          return offset === 0 ? prefix.subarray(0, length) : new Uint8Array(0);
        },
      };
      assertUnparsed(await parseSafetensorsHeader(big), 'header length 100000001 exceeds cap 100000000');
      assert.equal(reads, 1);
    });

    it('invalid UTF-8 in the header', async () => {
      assertUnparsed(await scanFixture('hostile', 'invalid-utf8.safetensors'), 'header is not valid utf-8');
    });

    it('invalid JSON in the header', async () => {
      assertUnparsed(await scanFixture('hostile', 'invalid-json.safetensors'), 'header is not valid json');
    });

    it('a text file named .safetensors', async () => {
      assertUnparsed(await scanFixture('hostile', 'text.safetensors'), 'header length 8031924123371070824 exceeds file size 12');
    });

    it('a zero-byte file', async () => {
      assertUnparsed(await scanFixture('hostile', 'empty.safetensors'), 'file too small for a safetensors header (0 bytes)');
    });

    it('a JSON array instead of an object', async () => {
      assertUnparsed(await scanFixture('hostile', 'array-header.safetensors'), 'header is not a json object (array)');
    });

    it('an I/O error becomes a reason, not an exception', async () => {
      const broken = { size: 100, read: async () => { throw new Error('EIO'); } };
      assertUnparsed(await parseSafetensorsHeader(broken), 'read error: EIO');
    });
  });
});
