import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { bufferSource, withFileSource, type ByteSource } from '../../src/util/byte-source.js';
import type { FileScan } from '../../src/types.js';
import { hfRepoId, parseGgufHeader, scanner } from '../../src/scanners/gguf/index.js';
import { fixturePath } from '../helpers.js';
import { unparsedAsserter } from '../util/assert-scan.js';

const fixture = (...parts: string[]) => fixturePath('scanners', 'gguf', ...parts);

function scanFixture(...parts: string[]): Promise<FileScan> {
  return withFileSource(fixture(...parts), (src) => scanner.scan(src, { path: parts.join('/') }));
}

const tiny = () => readFile(fixture('tiny-llama.gguf'));

// Minimal GGUF writer for cases the fixtures do not cover.
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const u64 = (n: number | bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
const str = (s: string | Buffer) => { const b = Buffer.from(s); return Buffer.concat([u64(b.length), b]); };
const preamble = (tensors: number, kvs: number) => Buffer.concat([Buffer.from('GGUF'), u32(3), u64(tensors), u64(kvs)]);
const kvString = (key: string, value: string | Buffer) => Buffer.concat([str(key), u32(8), str(value)]);
function nested(levels: number): Buffer {
  let value = Buffer.concat([u32(0), u64(1), Buffer.from([7])]);
  for (let i = 1; i < levels; i++) value = Buffer.concat([u32(9), u64(1), value]);
  return Buffer.concat([str('x.nested'), u32(9), value]);
}

const assertUnparsed = unparsedAsserter('gguf');

describe('gguf scanner', () => {
  it('claims .gguf and sniffs the magic', async () => {
    assert.deepEqual(scanner.extensions, ['.gguf']);
    assert.equal(scanner.sniff?.((await tiny()).subarray(0, 64)), true);
    assert.equal(scanner.sniff?.(Buffer.from('GGML')), false);
    assert.equal(scanner.sniff?.(new Uint8Array(0)), false);
  });

  it('reads the tiny llama fixture', async () => {
    const scan = await scanFixture('tiny-llama.gguf');
    assert.equal(scan.parsed, true, scan.reason);
    assert.equal(scan.format, 'gguf');
    assert.deepEqual(scan.props, {
      gguf_version: 3,
      tensor_count: 2,
      kv_count: 20,
      basename: 'tiny-llama',
      size_label: '10',
      file_type: 15,
      quantization_version: 2,
      has_chat_template: true,
    });
    assert.deepEqual(scan.model, {
      architecture: 'llama',
      architectureFamily: 'llama',
      name: 'Tiny Llama Test',
      description: 'A ten-parameter GGUF for tests.',
      author: 'mlbom fixtures',
      version: 'v1',
      licenses: ['apache-2.0'],
      quantization: 'Q4_K_M',
      contextLength: 4096,
      baseModels: ['meta-llama/Llama-3.1-8B'],
      parameterCount: 10,
    });
    const source = scan.chatTemplate?.source ?? '';
    assert.ok(source.startsWith('{% for message in messages %}'));
    assert.equal(scan.chatTemplate?.sha256, createHash('sha256').update(source).digest('hex'));
  });

  it('reads version 2 like version 3', async () => {
    const bytes = Buffer.from(await tiny());
    bytes.writeUInt32LE(2, 4);
    const scan = await parseGgufHeader(bufferSource(bytes));
    assert.equal(scan.parsed, true);
    assert.equal(scan.props.gguf_version, 2);
  });

  it('refuses version 1, big-endian files and unknown versions', async () => {
    const bytes = Buffer.from(await tiny());
    bytes.writeUInt32LE(1, 4);
    assertUnparsed(await parseGgufHeader(bufferSource(bytes)), 'unsupported gguf version 1');
    bytes.writeUInt32BE(3, 4);
    assertUnparsed(await parseGgufHeader(bufferSource(bytes)), 'big-endian gguf is not supported (version field 0x03000000)');
    bytes.writeUInt32LE(7, 4);
    assertUnparsed(await parseGgufHeader(bufferSource(bytes)), 'unsupported gguf version 7');
  });

  it('refuses a file cut inside the metadata', async () => {
    const bytes = (await tiny()).subarray(0, 100);
    assertUnparsed(await parseGgufHeader(bufferSource(bytes)), 'truncated: kv 1 "general.name": unexpected end of file at offset 93 reading 8 bytes (file size 100)');
  });

  it('keeps the metadata of a file cut inside the tensor infos', async () => {
    const bytes = await tiny();
    const cut = bytes.indexOf('output_norm.weight') + 5;
    const scan = await parseGgufHeader(bufferSource(bytes.subarray(0, cut)));
    assert.equal(scan.parsed, true);
    assert.equal(scan.model.name, 'Tiny Llama Test');
    assert.equal(scan.model.parameterCount, undefined);
    assert.match(String(scan.props.gguf_truncated), /^tensor infos: tensor 1: unexpected end of file at offset \d+ reading 18 bytes/);
  });

  it('flags a file whose tensor data is cut short', async () => {
    const bytes = await tiny();
    const scan = await parseGgufHeader(bufferSource(bytes.subarray(0, bytes.length - 40)));
    assert.equal(scan.parsed, true);
    assert.equal(scan.model.parameterCount, 10);
    assert.equal(scan.props.gguf_truncated, `tensor data: a tensor starts at byte ${bytes.length - 16} but file size is ${bytes.length - 40}`);
  });

  it('reports a tensor with too many dimensions but keeps the metadata', async () => {
    const bytes = Buffer.from(await tiny());
    const at = bytes.indexOf('output_norm.weight') + 'output_norm.weight'.length;
    bytes.writeUInt32LE(9, at);
    const scan = await parseGgufHeader(bufferSource(bytes));
    assert.equal(scan.parsed, true);
    assert.equal(scan.props.gguf_tensor_info_error, 'tensor 1: 9 dimensions exceeds cap 8');
    assert.equal(scan.model.parameterCount, undefined);
  });

  it('keeps a long chat template but skips other long strings', async () => {
    const longText = 'x'.repeat(100_000);
    const bytes = Buffer.concat([preamble(0, 2), kvString('general.description', longText), kvString('tokenizer.chat_template', longText)]);
    const scan = await parseGgufHeader(bufferSource(bytes));
    assert.equal(scan.parsed, true);
    assert.equal(scan.model.description, undefined);
    assert.equal(scan.chatTemplate?.source.length, 100_000);
  });

  it('refuses a string value over the 10 MB cap', async () => {
    const bytes = Buffer.concat([preamble(0, 1), str('general.name'), u32(8), u64(10 * 1024 * 1024 + 1)]);
    assertUnparsed(await parseGgufHeader(bufferSource(bytes)), 'kv 0 "general.name": string length 10485761 exceeds cap 10485760');
  });

  it('accepts arrays nested 4 deep', async () => {
    const scan = await parseGgufHeader(bufferSource(Buffer.concat([preamble(0, 1), nested(4)])));
    assert.equal(scan.parsed, true, scan.reason);
  });

  it('stops at the 256 MiB header cap without reading the skipped bytes', async () => {
    // A virtual 1 TiB file: one KV holding 1,000,000 strings of 10 MiB each.
    const head = Buffer.concat([preamble(0, 1), str('tokenizer.ggml.tokens'), u32(9), u32(8), u64(1_000_000)]);
    const stride = 8 + 10 * 1024 * 1024;
    const lengthBytes = u64(10 * 1024 * 1024);
    let bytesRead = 0;
    const src: ByteSource = {
      size: 2 ** 40,
      read: async (offset, length) => {
        const out = Buffer.alloc(length);
        if (offset < head.length) head.copy(out, 0, offset);
        // Each string's u64 length prefix sits at head.length + k * stride.
        const firstK = Math.max(0, Math.floor((offset - head.length) / stride));
        for (let p = head.length + firstK * stride; p < offset + length; p += stride) {
          for (let j = 0; j < 8; j++) if (p + j >= offset && p + j < offset + length) out[p + j - offset] = lengthBytes[j] as number;
        }
        bytesRead += length;
        return out;
      },
    };
    assertUnparsed(await parseGgufHeader(src), 'kv 0 "tokenizer.ggml.tokens": header exceeds cap of 268435456 bytes');
    assert.ok(bytesRead < 64 * 1024 * 1024, `read ${bytesRead} bytes`);
  });

  it('turns an I/O error into a reason', async () => {
    const src: ByteSource = { size: 100, read: async () => { throw new Error('EIO'); } };
    assertUnparsed(await parseGgufHeader(src), 'read error: EIO');
  });

  it('derives Hub ids from repo URLs', () => {
    assert.equal(hfRepoId('https://huggingface.co/meta-llama/Llama-3.1-8B/tree/main', 'model'), 'meta-llama/Llama-3.1-8B');
    assert.equal(hfRepoId('https://huggingface.co/gpt2', 'model'), 'gpt2');
    assert.equal(hfRepoId('https://huggingface.co/datasets/HuggingFaceFW/fineweb', 'dataset'), 'HuggingFaceFW/fineweb');
    assert.equal(hfRepoId('https://huggingface.co/datasets/HuggingFaceFW/fineweb', 'model'), undefined);
    assert.equal(hfRepoId('https://github.com/ggml-org/llama.cpp', 'model'), undefined);
    assert.equal(hfRepoId('not a url', 'model'), undefined);
  });

  describe('hostile inputs', () => {
    it('absurd kv_count (2^40)', async () => {
      assert.equal((await scanFixture('hostile', 'kv-count-2pow40.gguf')).reason, 'kv_count 1099511627776 exceeds cap 100000');
    });

    it('absurd string length (2^62) in a key', async () => {
      const scan = await scanFixture('hostile', 'key-length-2pow62.gguf');
      assert.equal(scan.reason, 'kv 0: key length 4611686018427387904 exceeds cap 65535');
    });

    it('zero-byte .gguf', async () => {
      assertUnparsed(await scanFixture('hostile', 'empty.gguf'), 'file too small for a gguf header (0 bytes)');
    });

    it('truncated after the magic', async () => {
      const scan = await scanFixture('hostile', 'truncated-after-magic.gguf');
      assert.equal(scan.reason, 'truncated: unexpected end of file at offset 4 reading 4 bytes (file size 4)');
    });

    it('wrong magic in a .gguf', async () => {
      assertUnparsed(await scanFixture('hostile', 'wrong-magic.gguf'), 'bad magic 0x47474d4c (expected "GGUF")');
    });

    it('an array of count 2^50', async () => {
      const scan = await scanFixture('hostile', 'array-count-2pow50.gguf');
      assert.equal(scan.reason, 'kv 0 "tokenizer.ggml.tokens": array count 1125899906842624 exceeds cap 1000000');
    });

    it('arrays nested deeper than 4', async () => {
      const scan = await scanFixture('hostile', 'nested-arrays-depth5.gguf');
      assert.equal(scan.reason, 'kv 0 "x.nested": arrays nested deeper than 4');
    });

    it('unknown value type 99', async () => {
      assert.equal((await scanFixture('hostile', 'unknown-value-type.gguf')).reason, 'kv 0 "x.bad": unknown value type 99');
    });

    it('absurd tensor_count', async () => {
      const bytes = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(2n ** 63n), u64(0)]);
      assertUnparsed(await parseGgufHeader(bufferSource(bytes)), 'tensor_count 9223372036854775808 exceeds cap 10000000');
    });
  });
});
