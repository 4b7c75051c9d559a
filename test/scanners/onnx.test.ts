import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bufferSource, withFileSource } from '../../src/util/byte-source.js';
import type { FileScan } from '../../src/types.js';
import { scanner } from '../../src/scanners/onnx/index.js';
import { fixturePath } from '../helpers.js';
import { unparsedAsserter } from '../util/assert-scan.js';
import { bytes, int, key, msg, str, varint } from '../util/protobuf-writer.js';
import { garbage } from '../util/pseudo-random.js';

const scan = (b: Uint8Array): Promise<FileScan> => scanner.scan(bufferSource(b), { path: 'model.onnx' });

const assertUnparsed = unparsedAsserter('onnx');

describe('onnx scanner', () => {
  it('claims .onnx only, with no sniff', () => {
    assert.equal(scanner.name, 'onnx');
    assert.deepEqual(scanner.extensions, ['.onnx']);
    assert.equal(scanner.sniff, undefined);
  });

  it('reads the tiny fixture model', async () => {
    const s = await withFileSource(fixturePath('scanners', 'onnx', 'tiny.onnx'), (src) =>
      scanner.scan(src, { path: 'fixtures/scanners/onnx/tiny.onnx' }),
    );
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, {
      ir_version: 9,
      producer_name: 'pytorch',
      producer_version: '2.3.0',
      graph_name: 'main_graph',
      opsets: ['ai.onnx:17', 'com.microsoft:1'],
      onnx_metadata_keys: ['author', 'license'],
      node_count: 1,
      initializer_count: 1,
    });
    assert.deepEqual(s.model, {
      name: 'main_graph',
      description: 'A tiny MatMul demo.',
      author: 'demo',
      licenses: ['MIT'],
      parameterCount: 6,
    });
  });

  it('counts packed and unpacked dims over several initializers, skipping raw data', async () => {
    const t1 = msg(5, bytes(1, Buffer.concat([varint(4), varint(5), varint(6)])), int(2, 1), bytes(9, Buffer.alloc(480)));
    const t2 = msg(5, int(1, 7), int(2, 1), bytes(9, Buffer.alloc(28)));
    const scalar = msg(5, int(2, 1), bytes(9, Buffer.alloc(4))); // no dims: one element
    const graph = msg(7, msg(1, str(4, 'Add')), msg(1, str(4, 'Relu')), t1, t2, scalar, str(2, 'g'));
    const s = await scan(Buffer.concat([int(1, 8), graph, int(5, 3), str(4, 'com.example')]));
    assert.equal(s.parsed, true, s.reason);
    assert.equal(s.model.parameterCount, 4 * 5 * 6 + 7 + 1);
    assert.equal(s.props.node_count, 2);
    assert.equal(s.props.initializer_count, 3);
    assert.equal(s.props.graph_name, 'g');
    assert.equal(s.props.domain, 'com.example');
    assert.equal(s.props.model_version, 3);
    assert.equal(s.model.version, '3');
  });

  it('accepts opset_import without a graph, and leaves parameters unknown without initializers', async () => {
    const s = await scan(Buffer.concat([int(1, 7), msg(8, str(1, 'ai.onnx.ml'), int(2, 3))]));
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, { ir_version: 7, opsets: ['ai.onnx.ml:3'] });
    assert.equal(s.model.parameterCount, undefined);
  });

  it('truncates a long doc_string and prefers metadata for version', async () => {
    const doc = 'x'.repeat(5000);
    const s = await scan(
      Buffer.concat([int(1, 9), str(6, doc), msg(8, int(2, 17)), msg(14, str(1, 'version'), str(2, 'v1.2'))]),
    );
    assert.equal([...(s.model.description ?? '')].length, 1000);
    assert.equal(s.model.version, 'v1.2');
  });

  it('rejects random garbage bytes', async () => {
    assertUnparsed(await scan(garbage(4096, 42)), 'not an onnx protobuf: field 8 (opset_import) has wire type 0');
    for (let seed = 1; seed <= 200; seed++) {
      const s = await scan(garbage(1 + ((seed * 97) % 3000), seed));
      assert.equal(s.parsed, false, `seed ${seed} parsed`);
      assert.ok(s.reason, `seed ${seed} has no reason`);
    }
  });

  it('rejects a zero-byte file', async () => {
    assertUnparsed(await scan(new Uint8Array(0)), 'empty file');
  });

  it('rejects a varint of 11 bytes', async () => {
    const b = Buffer.concat([key(1, 0), Buffer.alloc(10, 0xff), Buffer.from([0x01])]);
    assertUnparsed(await scan(b), 'not an onnx protobuf: at byte 1: varint longer than 10 bytes');
  });

  it('rejects a length-delimited field of length 2^40', async () => {
    const b = Buffer.concat([int(1, 9), key(7, 2), varint(2n ** 40n), Buffer.alloc(16)]);
    const s = await scan(b);
    assertUnparsed(s, 'field 7 length 1099511627776 exceeds the 16 bytes remaining');
    assert.equal(s.props.ir_version, 9, 'facts read before the bad field are kept');
  });

  it('rejects a text file named .onnx', async () => {
    assertUnparsed(await scan(Buffer.from('hello world, this is not a model\n')), 'group wire type 4');
  });

  it('rejects a truncated graph (length 1000, 10 bytes present)', async () => {
    const b = Buffer.concat([int(1, 9), key(7, 2), varint(1000), Buffer.alloc(10, 0x0a)]);
    assertUnparsed(await scan(b), 'field 7 length 1000 exceeds the 10 bytes remaining');
  });

  it('rejects a corrupt nested graph field', async () => {
    const graph = bytes(7, Buffer.concat([key(2, 2), varint(50), Buffer.from('short')]));
    assertUnparsed(await scan(Buffer.concat([int(1, 9), graph])), 'field 2 length 50 exceeds the 5 bytes remaining');
  });

  it('rejects a valid protobuf that is not an onnx model', async () => {
    assertUnparsed(await scan(Buffer.concat([str(2, 'pytorch'), str(3, '2.0')])), 'not an onnx model: no ir_version');
    assertUnparsed(await scan(int(1, 9)), 'not an onnx model: no graph or opset_import');
  });

  it('rejects a protobuf with more top-level fields than any model has', async () => {
    const many = Buffer.concat([int(1, 9), msg(8, int(2, 17)), Buffer.alloc(2 * 100_000, 0)]);
    for (let i = 0; i < 100_000; i++) many[6 + 2 * i] = 0x78; // field 15, varint 0
    assertUnparsed(await scan(many), 'more than 100000 top-level fields');
  });

  it('rejects a known field with the wrong wire type', async () => {
    assertUnparsed(await scan(str(1, 'nine')), 'field 1 (ir_version) has wire type 2, expected 0');
  });
});
