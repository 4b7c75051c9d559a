import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bufferSource, type ByteSource } from '../../src/util/byte-source.js';
import {
  bigintToProp,
  decodePackedVarints,
  decodeVarint,
  walkMessage,
  type ProtoField,
  type WalkResult,
} from '../../src/util/protobuf.js';
import { int, key, str, varint } from './protobuf-writer.js';

interface Seen {
  field: number;
  wireType: number;
  value: bigint;
  length: number;
}

async function collect(bytes: Uint8Array): Promise<{ result: WalkResult; seen: Seen[] }> {
  const seen: Seen[] = [];
  const result = await walkMessage(bufferSource(bytes), (f: ProtoField) => {
    seen.push({ field: f.field, wireType: f.wireType, value: f.value, length: f.length });
  });
  return { result, seen };
}

/** A source that records every read, to prove skipped payloads are never read. */
function recordingSource(bytes: Uint8Array): { src: ByteSource; reads: Array<[number, number]> } {
  const inner = bufferSource(bytes);
  const reads: Array<[number, number]> = [];
  return {
    reads,
    src: {
      size: inner.size,
      read: (offset, length) => {
        reads.push([offset, length]);
        return inner.read(offset, length);
      },
    },
  };
}

function assertError(result: WalkResult, text: string): void {
  assert.equal(result.ok, false);
  if (!result.ok) assert.ok(result.error.includes(text), `error ${JSON.stringify(result.error)} should include ${JSON.stringify(text)}`);
}

describe('protobuf walker', () => {
  it('decodes all four wire types', async () => {
    const fixed64 = Buffer.concat([key(3, 1), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0x80])]);
    const fixed32 = Buffer.concat([key(4, 5), Buffer.from([0x78, 0x56, 0x34, 0x12])]);
    const { result, seen } = await collect(Buffer.concat([int(1, 300), str(2, 'hi'), fixed64, fixed32]));
    assert.deepEqual(result, { ok: true, fields: 4, complete: true });
    assert.deepEqual(seen, [
      { field: 1, wireType: 0, value: 300n, length: 2 },
      { field: 2, wireType: 2, value: 0n, length: 2 },
      { field: 3, wireType: 1, value: 0x8000000000000001n, length: 8 },
      { field: 4, wireType: 5, value: 0x12345678n, length: 4 },
    ]);
  });

  it('reads strings only under the cap', async () => {
    const got: Array<string | undefined> = [];
    const r = await walkMessage(bufferSource(Buffer.concat([str(1, 'short'), str(2, 'much longer value')])), async (f) => {
      got.push(await f.string(8));
    });
    assert.equal(r.ok, true);
    assert.deepEqual(got, ['short', undefined]);
  });

  it('skips a large payload without reading it', async () => {
    const big = Buffer.alloc(200_000, 0x41);
    const bytes = Buffer.concat([key(7, 2), varint(big.length), big, int(8, 5)]);
    const { src, reads } = recordingSource(bytes);
    const fields: number[] = [];
    const r = await walkMessage(src, (f) => void fields.push(f.field));
    assert.equal(r.ok, true);
    assert.deepEqual(fields, [7, 8]);
    const bytesRead = reads.reduce((n, [, len]) => n + Math.min(len, bytes.length), 0);
    assert.ok(bytesRead < 100_000, `read ${bytesRead} bytes`);
    assert.equal(reads.at(-1)?.[0], 4 + big.length);
  });

  it('walks nested messages with the same reader', async () => {
    const inner = Buffer.concat([str(2, 'main_graph'), int(3, 1)]);
    const bytes = Buffer.concat([key(7, 2), varint(inner.length), inner, int(1, 9)]);
    const names: Array<string | undefined> = [];
    const r = await walkMessage(bufferSource(bytes), async (f) => {
      if (f.field === 7) {
        const nested = await f.walk(async (g) => {
          if (g.field === 2) names.push(await g.string(100));
        });
        assert.deepEqual(nested, { fields: 2, complete: true });
      }
    });
    assert.deepEqual(r, { ok: true, fields: 2, complete: true });
    assert.deepEqual(names, ['main_graph']);
  });

  it('stops at maxFields and says so', async () => {
    const r = await walkMessage(bufferSource(Buffer.concat([int(1, 1), int(1, 2), int(1, 3)])), () => undefined, {
      maxFields: 2,
    });
    assert.deepEqual(r, { ok: true, fields: 2, complete: false });
  });

  it('rejects a varint of 11 bytes', async () => {
    const bytes = Buffer.concat([key(1, 0), Buffer.alloc(10, 0xff), Buffer.from([0x01])]);
    assertError((await collect(bytes)).result, 'at byte 1: varint longer than 10 bytes');
  });

  it('rejects a 10-byte varint that overflows 64 bits', async () => {
    const bytes = Buffer.concat([key(1, 0), Buffer.alloc(9, 0xff), Buffer.from([0x02])]);
    assertError((await collect(bytes)).result, 'varint overflows 64 bits');
  });

  it('accepts a 10-byte varint for -1', () => {
    const r = decodeVarint(Buffer.concat([Buffer.alloc(9, 0xff), Buffer.from([0x01])]), 0);
    assert.deepEqual(r, { value: 0xffffffffffffffffn, next: 10 });
  });

  it('rejects a truncated varint', async () => {
    assertError((await collect(Buffer.from([0x08, 0x80]))).result, 'truncated varint');
  });

  it('rejects a length of 2^40 past the end', async () => {
    const bytes = Buffer.concat([key(2, 2), varint(2n ** 40n), Buffer.from('abc')]);
    assertError((await collect(bytes)).result, 'field 2 length 1099511627776 exceeds the 3 bytes remaining');
  });

  it('rejects group wire types', async () => {
    assertError((await collect(key(1, 3))).result, 'group wire type 3');
    assertError((await collect(key(1, 4))).result, 'group wire type 4');
  });

  it('rejects unknown wire types', async () => {
    assertError((await collect(key(1, 6))).result, 'unknown wire type 6');
    assertError((await collect(key(1, 7))).result, 'unknown wire type 7');
  });

  it('rejects field number 0', async () => {
    assertError((await collect(Buffer.from([0x00, 0x01]))).result, 'field number 0 is invalid');
  });

  it('rejects a truncated fixed64', async () => {
    assertError((await collect(Buffer.concat([key(1, 1), Buffer.from([1, 2, 3])]))).result, 'truncated fixed64 field 1');
  });

  it('turns a visitor abort and an I/O error into results', async () => {
    assertError(await walkMessage(bufferSource(int(1, 1)), () => 'stop here'), 'stop here');
    const failing: ByteSource = { size: 10, read: () => Promise.reject(new Error('EIO')) };
    assertError(await walkMessage(failing, () => undefined), 'read failed at byte 0: EIO');
  });

  it('treats an empty buffer as an empty message', async () => {
    assert.deepEqual((await collect(new Uint8Array(0))).result, { ok: true, fields: 0, complete: true });
  });

  it('decodes packed varints with a cap', () => {
    assert.deepEqual(decodePackedVarints(Buffer.concat([varint(2), varint(300), varint(4)]), 8), [2n, 300n, 4n]);
    assert.deepEqual(decodePackedVarints(Buffer.concat([varint(1), varint(2)]), 1), { error: 'more than 1 packed values' });
  });

  it('keeps big values exact in props', () => {
    assert.equal(bigintToProp(42n), 42);
    assert.equal(bigintToProp(2n ** 63n), '9223372036854775808');
  });
});
