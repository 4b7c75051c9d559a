/**
 * The pickle globals analysis: imports found by walking opcodes, never by
 * unpickling. Every pickle here is assembled opcode by opcode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bufferSource, type ByteSource } from '../../src/util/byte-source.js';
import type { PickleAnalysis, PickleGlobal } from '../../src/types.js';
import { PickleAnalyzer, classifyGlobal, scanner } from '../../src/scanners/pickle/index.js';
import { MAX_GLOBALS } from '../../src/scanners/pickle/analyze.js';
import { MAX_MEMO } from '../../src/scanners/pickle/machine.js';
import { fixturePath } from '../helpers.js';
import { noise } from '../util/pseudo-random.js';

type Part = string | readonly number[] | Uint8Array;
/** Concatenate opcodes; strings are latin1, so '\x80' is the byte 0x80. */
const b = (...parts: Part[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const u32 = (n: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(n);
  return out;
};
const u64 = (n: bigint): Buffer => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(n);
  return out;
};
/** SHORT_BINUNICODE. */
const sbu = (s: string): Buffer => b([0x8c, Buffer.byteLength(s)], Buffer.from(s, 'utf8'));
/** BINUNICODE. */
const bu = (s: string): Buffer => b('X', u32(Buffer.byteLength(s)), Buffer.from(s, 'utf8'));
const MEMOIZE = '\x94';
const STACK_GLOBAL = '\x93';
/** A protocol 4 global: two memoized strings and STACK_GLOBAL. */
const sg = (module: string, name: string): Buffer => b(sbu(module), MEMOIZE, sbu(name), MEMOIZE, STACK_GLOBAL, MEMOIZE);
const P4 = '\x80\x04';

async function analyze(bytes: Uint8Array, path = 'x.pkl'): Promise<PickleAnalysis> {
  const result = await scanner.scan(bufferSource(bytes), { path });
  assert.ok(result.pickleAnalysis, 'every pickle scan carries an analysis');
  return result.pickleAnalysis;
}
const g = (module: string, name: string, cls: PickleGlobal['class'], opcode: PickleGlobal['opcode'], member?: string): PickleGlobal => ({
  module,
  name,
  class: cls,
  opcode,
  ...(member === undefined ? {} : { member }),
});
const fixture = (name: string) => readFile(fixturePath('scanners', 'pickle', name));

/** Run `fn` and fail when it takes longer than `ms`: hostile input must never hang the walk. */
async function within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  const took = performance.now() - t0;
  assert.ok(took < ms, `took ${took.toFixed(0)} ms (bound ${ms} ms)`);
  return out;
}

// --- malicious ---------------------------------------------------------------------------------

test('protocol 0 GLOBAL + REDUCE: os.system is dangerous', async () => {
  const a = await analyze(Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1'));
  assert.deepEqual(a, { status: 'complete', globals: [g('os', 'system', 'dangerous', 'GLOBAL')], streams: 1 });
  assert.deepEqual(await analyze(await fixture('malicious-reduce.pkl')), a);
});

test('protocol 4 STACK_GLOBAL with memoized strings fetched back by BINGET', async () => {
  const bytes = b(P4, sbu('os'), MEMOIZE, sbu('system'), MEMOIZE, 'h\x00h\x01', STACK_GLOBAL, sbu('id'), '\x85R.');
  const a = await analyze(bytes);
  assert.deepEqual(a, { status: 'complete', globals: [g('os', 'system', 'dangerous', 'STACK_GLOBAL')], streams: 1 });
  assert.deepEqual((await analyze(await fixture('malicious-stack-global.pkl'))).globals, a.globals);
});

test('memo round trips through PUT/GET, BINPUT/BINGET and LONG_BINPUT/LONG_BINGET', async () => {
  const text = await analyze(Buffer.from("S'subprocess'\np7\n0S'Popen'\np8\n0g7\ng8\n\x93.", 'latin1'));
  assert.deepEqual(text.globals, [g('subprocess', 'Popen', 'dangerous', 'STACK_GLOBAL')]);
  const long = await analyze(b(P4, bu('posix'), 'r', u32(70000), '0', sbu('system'), 'q\x03', 'j', u32(70000), 'h\x03', STACK_GLOBAL, '.'));
  assert.deepEqual(long.globals, [g('posix', 'system', 'dangerous', 'STACK_GLOBAL')]);
  // DUP of a string, and STRING/BINSTRING/SHORT_BINSTRING as Python 2 wrote them.
  const py2 = await analyze(b('U\x08builtins', 'T', u32(4), 'exec', STACK_GLOBAL, '.'));
  assert.deepEqual(py2.globals, [g('builtins', 'exec', 'dangerous', 'STACK_GLOBAL')]);
});

test('protocol 0 INST imports its class: os.system', async () => {
  const a = await analyze(Buffer.from("(S'ls'\nios\nsystem\n.", 'latin1'));
  assert.deepEqual(a, { status: 'complete', globals: [g('os', 'system', 'dangerous', 'INST')], streams: 1 });
});

test('builtins.eval through STACK_GLOBAL', async () => {
  const a = await analyze(b(P4, sg('builtins', 'eval'), sbu("__import__('os').system('id')"), '\x85R.'));
  assert.deepEqual(a.globals, [g('builtins', 'eval', 'dangerous', 'STACK_GLOBAL')]);
});

test('a malicious pickle concatenated after a benign one is found', async () => {
  const a = await analyze(await fixture('concatenated.pkl'));
  assert.deepEqual(a, { status: 'complete', globals: [g('os', 'system', 'dangerous', 'GLOBAL')], streams: 2 });
});

test('unresolvable STACK_GLOBAL parts are `?` and dangerous', async () => {
  // The module is an int.
  const int = await analyze(b(P4, 'K\x05', sbu('system'), STACK_GLOBAL, '.'));
  assert.deepEqual(int.globals, [g('?', 'system', 'dangerous', 'STACK_GLOBAL')]);
  // The module is built at load time: str('os') through REDUCE.
  const built = await analyze(b(P4, sg('builtins', 'str'), sbu('os'), '\x85R', sbu('system'), STACK_GLOBAL, '.'));
  assert.deepEqual(built.globals, [g('?', 'system', 'dangerous', 'STACK_GLOBAL'), g('builtins', 'str', 'suspicious', 'STACK_GLOBAL')]);
  // A global's value may be a str (os.name is one), so it does not resolve either.
  const viaGlobal = await analyze(b(P4, sg('collections', 'OrderedDict'), sbu('x'), STACK_GLOBAL, '.'));
  assert.ok(viaGlobal.globals.some((x) => x.module === '?' && x.name === 'x' && x.class === 'dangerous'));
  // Escaped protocol-0 strings are not decoded, so they stay unresolved.
  const escaped = await analyze(Buffer.from("S'o\\x73'\nS'system'\n\x93.", 'latin1'));
  assert.deepEqual(escaped.globals, [g('?', 'system', 'dangerous', 'STACK_GLOBAL')]);
  // EXT codes import whatever copyreg's registry holds.
  const ext = await analyze(b('\x80\x02\x82\x01.'));
  assert.deepEqual(ext.globals, [g('?', '?', 'dangerous', 'GLOBAL')]);
});

// --- benign ------------------------------------------------------------------------------------

test('sklearn-like pickle: numpy globals are safe, the estimator class suspicious, nothing dangerous', async () => {
  const a = await analyze(await fixture('sklearn-like.pkl'));
  assert.deepEqual(a, {
    status: 'complete',
    globals: [
      g('numpy', 'dtype', 'safe', 'STACK_GLOBAL'),
      g('numpy', 'ndarray', 'safe', 'STACK_GLOBAL'),
      g('numpy.core.multiarray', '_reconstruct', 'safe', 'STACK_GLOBAL'),
      g('sklearn.linear_model._logistic', 'LogisticRegression', 'suspicious', 'STACK_GLOBAL'),
    ],
    streams: 1,
  });
});

test('uncompressed joblib: raw array bytes after each NumpyArrayWrapper are stepped over', async () => {
  const result = await scanner.scan(bufferSource(await fixture('model-arrays.joblib')), { path: 'model.joblib' });
  assert.equal(result.parsed, true, result.reason);
  assert.deepEqual(result.pickleAnalysis, {
    status: 'complete',
    globals: [
      g('joblib.numpy_pickle', 'NumpyArrayWrapper', 'suspicious', 'STACK_GLOBAL'),
      g('numpy', 'dtype', 'safe', 'STACK_GLOBAL'),
      g('numpy', 'ndarray', 'safe', 'STACK_GLOBAL'),
      g('sklearn.linear_model._logistic', 'LogisticRegression', 'suspicious', 'STACK_GLOBAL'),
    ],
    streams: 1,
  });
});

/** joblib's NumpyArrayWrapper NEWOBJ + BUILD of its __dict__ (protocol 4). */
function wrapper(shape: number[], spec: string, align?: number | null): Buffer {
  const dims = shape.length === 0 ? ')' : b('(', ...shape.map((d) => b('K', [d])), 't');
  const dtype = b(sg('numpy', 'dtype'), sbu(spec), '\x89\x88\x87R(K\x03', sbu('<'), 'NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb');
  const alignment = align === undefined ? [] : [sbu('numpy_array_alignment_bytes'), align === null ? 'N' : b('K', [align])];
  return b(
    sg('joblib.numpy_pickle', 'NumpyArrayWrapper'), ')\x81}(',
    sbu('subclass'), sg('numpy', 'ndarray'), sbu('shape'), dims, sbu('order'), sbu('C'), sbu('dtype'), dtype,
    sbu('allow_mmap'), '\x88', ...alignment, 'ub',
  );
}

test('joblib without alignment padding (joblib < 1.2, or alignment None), U and V dtypes', async () => {
  for (const align of [undefined, null] as const) {
    const bytes = b(P4, ']', wrapper([3], 'f4', align), new Uint8Array(12).fill(0x2e), 'a.');
    const a = await analyze(bytes, 'old.joblib');
    assert.equal(a.status, 'complete', a.reason);
  }
  const text = await analyze(b(P4, ']', wrapper([2], 'U3'), [8], new Uint8Array(8).fill(0xff), new Uint8Array(24).fill(0x2e), 'a.'));
  assert.equal(text.status, 'complete', text.reason);
  const scalar = await analyze(b(P4, ']', wrapper([], 'V5', null), new Uint8Array(5).fill(0x2e), 'a.'));
  assert.equal(scalar.status, 'complete', scalar.reason);
});

test('joblib object array: the nested pickle is walked, and what it imports is found', async () => {
  const nested = b('\x80\x02cposix\nsystem\nq\x00', bu('id'), '\x85R.');
  const a = await analyze(b(P4, ']', wrapper([1], 'O8'), nested, 'a.'), 'm.joblib');
  assert.equal(a.status, 'complete', a.reason);
  assert.ok(a.globals.some((x) => x.module === 'posix' && x.name === 'system' && x.class === 'dangerous'));
});

test('joblib: opcodes hidden as unpadded "array bytes" are probed, since pickle.load would run them', async () => {
  const hidden = Buffer.from("cos\nsystem\n(S'id'\ntR", 'latin1');
  const a = await analyze(b(P4, ']', wrapper([hidden.length], 'u1'), hidden, 'a.'), 'x.pkl');
  assert.equal(a.status, 'partial');
  assert.match(a.reason!, /^joblib array bytes at offset \d+ also read as pickle opcodes/);
  assert.ok(a.globals.some((x) => x.module === 'os' && x.name === 'system'));
  // Ordinary array bytes probe quietly.
  const floats = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
  const quiet = await analyze(b(P4, ']', wrapper([4], 'f4', 16), [4, 0xff, 0xff, 0xff, 0xff], floats, 'a.'));
  assert.equal(quiet.status, 'complete', quiet.reason);
});

test('joblib: payloads that cannot be stepped over make the analysis partial, not wrong', async () => {
  const weird = await analyze(b(P4, ']', wrapper([2], 'x9'), new Uint8Array(8), 'a.'), 'a.joblib');
  assert.equal(weird.status, 'partial');
  assert.match(weird.reason!, /joblib array dtype "x9" not understood: its array bytes cannot be stepped over/);
  const badPad = await analyze(b(P4, ']', wrapper([2], 'f4', 16), [40], new Uint8Array(48), 'a.'), 'a.joblib');
  assert.match(badPad.reason!, /joblib array padding length 40 at offset \d+ is not in 1\.\.16/);
  const cut = await scanner.scan(bufferSource(b(P4, ']', wrapper([1000], 'f8', null), new Uint8Array(100))), { path: 'a.joblib' });
  assert.equal(cut.parsed, false);
  assert.match(cut.reason!, /^truncated pickle: stream ends at byte \d+ before a STOP opcode$/);
  assert.equal(cut.pickleAnalysis?.status, 'partial');
});

// --- several pickles, and what follows a STOP --------------------------------------------------

test('after a STOP: another pickle is walked, non-pickle bytes are data', async () => {
  assert.deepEqual(await analyze(b(P4, 'N.', P4, 'N.', '\x80\x02N.')), { status: 'complete', globals: [], streams: 3 });
  assert.deepEqual(await analyze(b(P4, 'N.', [0xff, 0xfe, 0x00, 0x01])), { status: 'complete', globals: [], streams: 1 });
  // Looks like a pickle start, breaks before importing anything: data after all.
  assert.deepEqual(await analyze(b(P4, 'N.', 'K\x00\x00\x00')), { status: 'complete', globals: [], streams: 1 });
  // Opcodes after STOP that import something count, even cut short.
  const cut = await analyze(b(P4, 'N.', P4, sg('os', 'system')));
  assert.equal(cut.status, 'partial');
  assert.equal(cut.streams, 2);
  assert.match(cut.reason!, /^pickle 2 \(at byte 4\): truncated pickle: stream ends at byte \d+ before a STOP opcode$/);
  assert.deepEqual(cut.globals, [g('os', 'system', 'dangerous', 'STACK_GLOBAL')]);
});

// --- hostile -----------------------------------------------------------------------------------

test('hostile: truncated streams and garbage after the header', async () => {
  const cut = await analyze(b(P4, sg('os', 'system')).subarray(0, 12));
  assert.equal(cut.status, 'partial');
  assert.match(cut.reason!, /^truncated pickle: stream ends at byte \d+ before a STOP opcode$/);
  const garbage = await within(2000, () => analyze(b(P4, noise(65536, 7))));
  assert.equal(garbage.status, 'partial');
  assert.ok(garbage.reason !== undefined);
  const cutInArgument = await analyze(b(P4, 'X', u32(10), 'os'));
  assert.equal(cutInArgument.reason, 'truncated pickle: stream ends at byte 2 before a STOP opcode');
});

test('hostile: 1,000,000 nested MARKs', { timeout: 20_000 }, async () => {
  const marks = b(P4, new Uint8Array(1_000_000).fill(0x28), '.');
  const a = await within(8000, () => analyze(marks));
  assert.equal(a.status, 'partial');
  assert.equal(a.reason, 'malformed pickle: STOP: stack underflow at offset 1000002');
  // Balanced: a million nested tuples.
  const nested = b(P4, new Uint8Array(1_000_000).fill(0x28), new Uint8Array(1_000_000).fill(0x74), '.');
  assert.deepEqual(await within(8000, () => analyze(nested)), { status: 'complete', globals: [], streams: 1 });
});

test('hostile: memo index 0xFFFFFFFF is a map key, not an array size', async () => {
  const bytes = b(P4, sbu('os'), 'r\xff\xff\xff\xff0', sbu('system'), 'r\xfe\xff\xff\xff0', 'j\xff\xff\xff\xffj\xfe\xff\xff\xff', STACK_GLOBAL, '.');
  const a = await within(1000, () => analyze(bytes));
  assert.deepEqual(a, { status: 'complete', globals: [g('os', 'system', 'dangerous', 'STACK_GLOBAL')], streams: 1 });
  // PUT's decimal text past 2^53 cannot be held exactly; it is ignored, and its GET is unresolved.
  const huge = await analyze(Buffer.from("S'system'\np99999999999999999999\n0S'os'\ng99999999999999999999\n\x93.", 'latin1'));
  assert.deepEqual(huge.globals, [g('os', '?', 'dangerous', 'STACK_GLOBAL')]);
});

test('hostile: absurd length fields', async () => {
  const len8 = await analyze(b(P4, '\x8d', u64(1n << 62n), 'os.'));
  assert.equal(len8.status, 'partial');
  assert.equal(len8.reason, 'not a pickle stream: BINUNICODE8: negative or oversized length at offset 2');
  const past = await analyze(b(P4, 'B', u32(0xffffffff), '.'));
  assert.equal(past.reason, 'truncated pickle: stream ends at byte 2 before a STOP opcode');
  const negative = await analyze(b('\x80\x02T', u32(0x80000000), '.'));
  assert.equal(negative.reason, 'not a pickle stream: BINSTRING: negative or oversized length at offset 2');
  const longLine = await within(3000, () => analyze(b(P4, 'V', new Uint8Array(5 * 1024 * 1024).fill(0x61), '\n.')));
  assert.equal(longLine.status, 'partial');
  assert.equal(longLine.reason, 'walk stopped at offset 2: text argument longer than 4194304 bytes');
});

test('hostile: STACK_GLOBAL with an empty stack, or one string', async () => {
  const empty = await analyze(b(P4, STACK_GLOBAL, '.'));
  assert.deepEqual(empty, {
    status: 'partial',
    reason: 'malformed pickle: STACK_GLOBAL: stack underflow at offset 2',
    globals: [],
    streams: 1,
  });
  const one = await analyze(b(P4, sbu('os'), STACK_GLOBAL, '.'));
  assert.equal(one.reason, 'malformed pickle: STACK_GLOBAL: stack underflow at offset 6');
  assert.deepEqual(one.globals, []);
  // Under a MARK the frame is what counts: items below the mark are out of reach.
  const fenced = await analyze(b(P4, sbu('os'), sbu('system'), '(', STACK_GLOBAL, '1.'));
  assert.match(fenced.reason!, /STACK_GLOBAL: stack underflow/);
});

test('hostile: GET of a memo key never stored', async () => {
  const a = await analyze(b(P4, 'h\x05', sbu('system'), STACK_GLOBAL, '.'));
  assert.deepEqual(a, {
    status: 'partial',
    reason: 'malformed pickle: BINGET: memo key 5 was never stored at offset 2',
    globals: [g('?', 'system', 'dangerous', 'STACK_GLOBAL')],
    streams: 1,
  });
});

test('hostile: other stack misuse is noted and the walk goes on', async () => {
  const cases: Array<[Buffer, RegExp]> = [
    [b(P4, '1.'), /POP_MARK: no MARK to pop/],
    [b(P4, 'R', sg('os', 'system'), '.'), /REDUCE: stack underflow at offset 2/],
    [b(P4, '(u.'), /SETITEMS: stack underflow/],
    [b(P4, 'N\x94\x94h\x01.'), /^$/],
  ];
  for (const [bytes, reason] of cases) {
    const a = await analyze(bytes);
    if (reason.source === '^$') assert.equal(a.status, 'complete', a.reason);
    else assert.match(a.reason ?? '', reason);
  }
  // The import after the misuse is still reported.
  const after = await analyze(b(P4, 'R', sg('os', 'system'), '.'));
  assert.deepEqual(after.globals, [g('os', 'system', 'dangerous', 'STACK_GLOBAL')]);
});

test('hostile: past the memo cap, lookups are unresolved instead of possibly wrong', { timeout: 30_000 }, async () => {
  const puts = Buffer.alloc(MAX_MEMO * 5);
  for (let i = 0; i < MAX_MEMO; i++) {
    puts[i * 5] = 0x72; // LONG_BINPUT i + 2
    puts.writeUInt32LE(i + 2, i * 5 + 1);
  }
  // 'os' at 0 and 'system' at 1 are stored before the cap; one more new key overflows it.
  const bytes = b(P4, sbu('os'), 'q\x00', sbu('system'), 'q\x01', 'N', puts, 'r', u32(0x7fffffff), '0h\x00h\x01', STACK_GLOBAL, '.');
  const a = await within(15_000, () => analyze(bytes));
  assert.deepEqual(a.globals, [g('?', '?', 'dangerous', 'STACK_GLOBAL')]);
});

test('hostile: more distinct globals than the cap stops the walk as partial', async () => {
  const parts: Buffer[] = [Buffer.from(P4, 'latin1')];
  for (let i = 0; i <= MAX_GLOBALS; i++) parts.push(Buffer.from(`cmod${i}\nname${i}\n0`, 'latin1'));
  parts.push(Buffer.from('N.', 'latin1'));
  const a = await within(5000, () => analyze(Buffer.concat(parts)));
  assert.equal(a.status, 'partial');
  assert.equal(a.globals.length, MAX_GLOBALS);
  assert.match(a.reason!, /^walk stopped at offset \d+: too many distinct globals at offset \d+$/);
});

test('budgets: the opcode budget and the read budget end the walk as partial', { timeout: 30_000 }, async () => {
  const ops = await within(10_000, () => analyze(b(P4, Buffer.alloc(5_000_002 * 2).fill('N0'), 'N.')));
  assert.equal(ops.status, 'partial');
  // PROTO, then 4,999,999 one-byte opcodes.
  assert.equal(ops.reason, 'walk stopped at offset 5000001: opcode budget (5000000) exhausted');
  const unit = b('X', u32(1000), new Uint8Array(1000).fill(0x61), '0');
  const reads = await within(10_000, () => analyze(b(P4, Buffer.alloc(unit.length * 40_000).fill(unit), 'N.')));
  assert.equal(reads.status, 'partial');
  assert.match(reads.reason!, /^walk stopped at offset \d+: read budget \(33554432 bytes\) exhausted$/);
});

test('large BINBYTES payloads are stepped over by arithmetic, never read', async () => {
  const payload = 200 * 1024 * 1024;
  const head = b(P4, '}(', sbu('weight'), 'B', u32(payload));
  const tail = b('u.');
  let readBytes = 0;
  const src: ByteSource = {
    size: head.length + payload + tail.length,
    read: async (offset, length) => {
      if (offset < head.length) {
        readBytes += Math.min(length, head.length - offset);
        return head.subarray(offset, offset + length);
      }
      if (offset === head.length + payload) {
        readBytes += tail.length;
        return tail;
      }
      throw new Error(`read inside the payload at ${offset}`);
    },
  };
  const analyzer = new PickleAnalyzer();
  const [end] = await analyzer.walk(src);
  assert.deepEqual(end, { status: 'stop', end: src.size, opcodes: 7 });
  assert.deepEqual(analyzer.result(), { status: 'complete', globals: [], streams: 1 });
  assert.equal(readBytes, head.length + tail.length);
});

test('globals are distinct and sorted by member, module, name and opcode; long names are clipped', async () => {
  const a = await analyze(
    b("cz\nb\nca\nz\nca\nb\n", '\x80\x04', sbu('a'), sbu('b'), STACK_GLOBAL, 'ca\nb\n', `c${'m'.repeat(300)}\nx\n`, '.'),
  );
  assert.deepEqual(
    a.globals.map((x) => `${x.module}.${x.name}/${x.opcode}`),
    ['a.b/GLOBAL', 'a.b/STACK_GLOBAL', 'a.z/GLOBAL', `${'m'.repeat(200)}….x/GLOBAL`, 'z.b/GLOBAL'],
  );
});

// --- classification ------------------------------------------------------------------------------

test('classifyGlobal: dangerous, safe and suspicious', () => {
  const cases: Array<[string, string, PickleGlobal['class']]> = [
    ['os', 'system', 'dangerous'],
    ['os.path', 'join', 'dangerous'],
    ['posixpath', 'join', 'dangerous'],
    ['nt', 'system', 'dangerous'],
    ['subprocess', 'Popen', 'dangerous'],
    ['sys', 'modules', 'dangerous'],
    ['runpy', '_run_code', 'dangerous'],
    ['socket', 'socket', 'dangerous'],
    ['shutil', 'rmtree', 'dangerous'],
    ['pty', 'spawn', 'dangerous'],
    ['pdb', 'run', 'dangerous'],
    ['webbrowser', 'open', 'dangerous'],
    ['ctypes', 'CDLL', 'dangerous'],
    ['importlib', 'import_module', 'dangerous'],
    ['importlib.util', 'find_spec', 'dangerous'],
    ['pickle', 'loads', 'dangerous'],
    ['_pickle', 'loads', 'dangerous'],
    ['asyncio.subprocess', 'create_subprocess_shell', 'dangerous'],
    ['marshal', 'loads', 'dangerous'],
    ['code', 'InteractiveInterpreter', 'dangerous'],
    ['multiprocessing.util', 'spawnv_passfds', 'dangerous'],
    ['builtins', 'eval', 'dangerous'],
    ['__builtin__', 'eval', 'dangerous'],
    ['builtins', 'exec', 'dangerous'],
    ['builtins', 'compile', 'dangerous'],
    ['builtins', 'open', 'dangerous'],
    ['builtins', 'getattr', 'dangerous'],
    ['builtins', 'setattr', 'dangerous'],
    ['builtins', 'delattr', 'dangerous'],
    ['builtins', '__import__', 'dangerous'],
    ['builtins', 'breakpoint', 'dangerous'],
    ['__builtin__', 'apply', 'dangerous'],
    ['builtins', 'input', 'dangerous'],
    ['builtins', 'globals', 'dangerous'],
    ['builtins', 'locals', 'dangerous'],
    ['builtins', 'vars', 'dangerous'],
    ['operator', 'attrgetter', 'dangerous'],
    ['_operator', 'itemgetter', 'dangerous'],
    ['operator', 'methodcaller', 'dangerous'],
    ['functools', 'partial', 'dangerous'],
    ['types', 'CodeType', 'dangerous'],
    ['types', 'FunctionType', 'dangerous'],
    ['torch.storage', '_load_from_bytes', 'dangerous'],
    ['torch', 'load', 'dangerous'],
    ['torch.hub', 'load', 'dangerous'],
    ['?', 'system', 'dangerous'],
    ['os', '?', 'dangerous'],
    ['?', '?', 'dangerous'],
    // Protocol 4 dotted names walk attributes: torch.os.system, object.__subclasses__.
    ['torch', 'os.system', 'dangerous'],
    ['builtins', 'object.__subclasses__', 'dangerous'],
    ['collections', '__builtins__', 'dangerous'],
    ['collections', 'OrderedDict', 'safe'],
    ['torch._utils', '_rebuild_tensor', 'safe'],
    ['torch._utils', '_rebuild_tensor_v2', 'safe'],
    ['torch._utils', '_rebuild_parameter', 'safe'],
    ['torch._utils', '_rebuild_parameter_with_state', 'safe'],
    ['torch._utils', '_rebuild_qtensor', 'safe'],
    ['torch._utils', '_rebuild_sparse_tensor', 'safe'],
    ['torch', 'FloatStorage', 'safe'],
    ['torch', 'HalfStorage', 'safe'],
    ['torch', 'BFloat16Storage', 'safe'],
    ['torch', 'LongStorage', 'safe'],
    ['torch', 'IntStorage', 'safe'],
    ['torch', 'ByteStorage', 'safe'],
    ['torch', 'BoolStorage', 'safe'],
    ['torch', 'DoubleStorage', 'safe'],
    ['torch', 'CharStorage', 'safe'],
    ['torch', 'ShortStorage', 'safe'],
    ['torch', 'UntypedStorage', 'safe'],
    ['torch.cuda', 'FloatStorage', 'safe'],
    ['torch', 'Size', 'safe'],
    ['torch', 'device', 'safe'],
    ['torch', 'float32', 'safe'],
    ['torch', 'bfloat16', 'safe'],
    ['numpy.core.multiarray', '_reconstruct', 'safe'],
    ['numpy._core.multiarray', '_reconstruct', 'safe'],
    ['numpy', 'ndarray', 'safe'],
    ['numpy', 'dtype', 'safe'],
    ['numpy.core.multiarray', 'scalar', 'safe'],
    ['numpy._core.multiarray', 'scalar', 'safe'],
    ['builtins', 'set', 'safe'],
    ['builtins', 'frozenset', 'safe'],
    ['builtins', 'slice', 'safe'],
    ['builtins', 'range', 'safe'],
    ['builtins', 'complex', 'safe'],
    ['builtins', 'bytearray', 'safe'],
    ['__builtin__', 'set', 'safe'],
    ['_codecs', 'encode', 'safe'],
    ['sklearn.linear_model._logistic', 'LogisticRegression', 'suspicious'],
    ['joblib.numpy_pickle', 'NumpyArrayWrapper', 'suspicious'],
    ['builtins', 'print', 'suspicious'],
    ['collections', 'OrderedDict.fromkeys', 'suspicious'],
    ['torch', 'FloatStorageX', 'suspicious'],
    ['torch.nn.modules.linear', 'Linear', 'suspicious'],
    ['torch._tensor', '_rebuild_from_type_v2', 'suspicious'],
    ['osx', 'system', 'suspicious'],
    ['constructor', 'x', 'suspicious'],
  ];
  for (const [module, name, cls] of cases) assert.equal(classifyGlobal(module, name), cls, `${module}.${name}`);
});

test('hostile: a read error mid-walk ends it as partial, and the scan does not throw', async () => {
  const bytes = b(P4, Buffer.alloc(2000).fill('N0'), 'N.');
  const src: ByteSource = {
    size: bytes.length,
    read: async (offset, length) => {
      if (offset >= 512) throw new Error('disk on fire');
      return bytes.subarray(offset, Math.min(offset + length, 512));
    },
  };
  const result = await scanner.scan(src, { path: 'x.pkl' });
  assert.equal(result.parsed, false);
  assert.equal(result.reason, 'not a pickle stream: read failed (disk on fire) at offset 512');
  assert.deepEqual(result.pickleAnalysis, { status: 'partial', reason: result.reason, globals: [], streams: 1 });
});
