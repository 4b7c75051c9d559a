/**
 * How a global a pickle imports is judged. Pure; the lists and the reason
 * for each entry are in docs/PICKLE.md (keep the two in step).
 *
 * - dangerous: runs commands, evaluates code, opens files, imports or
 *   unpickles something else, or reaches attributes by name; and anything
 *   whose name could not be resolved statically (`?`);
 * - safe: an exact `module.name` on a short allow-list of constructors that
 *   torch, numpy and the standard library emit for plain data;
 * - suspicious: everything else. Unknown code still runs on load; it is
 *   just not known to be hostile.
 */
import type { PickleGlobalClass } from '../../types.js';

/** Modules (and every submodule) whose members run code, touch the OS or load other code. */
export const DANGEROUS_MODULES: readonly string[] = [
  // From the brief / common deny lists.
  'os', 'posix', 'nt', 'subprocess', 'sys', 'runpy', 'socket', 'shutil', 'pty', 'pdb', 'webbrowser',
  'ctypes', 'importlib', 'pickle', '_pickle', 'asyncio', 'marshal', 'code', 'multiprocessing',
  // os.path under its real names, and the C halves of listed modules.
  'posixpath', 'ntpath', '_posixsubprocess', '_ctypes',
  // Python 2 shells and importers.
  'commands', 'popen2', 'imp',
  // Import or run a name or a code string given as an argument.
  'pkgutil', 'zipimport', 'timeit', 'cProfile', 'profile', 'pydoc', 'bdb', 'trace', 'doctest',
  // Rebuild functions from code objects, or unpickle again.
  'dill', 'cloudpickle', 'shelve',
  // Downloads and runs repository code.
  'torch.hub',
];

/** Module aliases: Python 2 names and C accelerator modules that expose the same functions. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
  ['_operator', 'operator'],
  ['_functools', 'functools'],
  ['_io', 'io'],
]);

/** Exact `module.name` globals that run code, open files, or load another pickle. */
export const DANGEROUS_GLOBALS: ReadonlyMap<string, readonly string[]> = new Map([
  ['builtins', ['eval', 'exec', 'execfile', 'compile', 'open', 'file', 'getattr', 'setattr', 'delattr', '__import__',
    'breakpoint', 'apply', 'input', 'raw_input', 'globals', 'locals', 'vars']],
  ['operator', ['attrgetter', 'itemgetter', 'methodcaller']],
  ['functools', ['partial', 'partialmethod']],
  ['types', ['CodeType', 'FunctionType', 'LambdaType']],
  ['io', ['open', 'open_code', 'FileIO']],
  ['codecs', ['open']],
  ['torch', ['load']],
  ['torch.serialization', ['load']],
  // torch.load() on embedded bytes: a second pickle this walk does not see.
  ['torch.storage', ['_load_from_bytes']],
  ['numpy', ['load']],
  ['numpy.testing._private.utils', ['runstring']],
  ['joblib', ['load']],
  ['pandas', ['read_pickle']],
  ['pandas.io.pickle', ['read_pickle']],
]);

const TORCH_STORAGE_OR_TENSOR =
  /^(?:Double|Float|Half|BFloat16|Long|Int|Short|Char|Byte|Bool|ComplexDouble|ComplexFloat|QUInt8|QInt8|QInt32|QUInt4x2|QUInt2x4)(?:Storage|Tensor)$/;

const TORCH_DTYPES = [
  'float32', 'float', 'float64', 'double', 'float16', 'half', 'bfloat16', 'complex32', 'chalf', 'complex64',
  'cfloat', 'complex128', 'cdouble', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'short', 'int32',
  'int', 'int64', 'long', 'bool', 'qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'float8_e4m3fn',
  'float8_e4m3fnuz', 'float8_e5m2', 'float8_e5m2fnuz', 'float8_e8m0fnu', 'float4_e2m1fn_x2',
  'bits1x8', 'bits2x4', 'bits4x2', 'bits8', 'bits16',
  'uint1', 'uint2', 'uint3', 'uint4', 'uint5', 'uint6', 'uint7',
  'int1', 'int2', 'int3', 'int4', 'int5', 'int6', 'int7',
];

/** The allow-list: exact `module.name` pairs that build plain data and call nothing chosen by the file. */
export const SAFE_GLOBALS: ReadonlyMap<string, readonly string[]> = new Map([
  ['collections', ['OrderedDict', 'Counter']],
  ['copyreg', ['_reconstructor']],
  ['_codecs', ['encode']],
  ['builtins', ['set', 'frozenset', 'slice', 'range', 'xrange', 'complex', 'bytearray', 'object']],
  ['torch._utils', [
    '_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter',
    '_rebuild_parameter_with_state', '_rebuild_qtensor', '_rebuild_sparse_tensor',
    '_rebuild_meta_tensor_no_storage', '_rebuild_device_tensor_from_cpu_tensor',
  ]],
  ['torch', [
    'Size', 'device', 'Tensor', 'UntypedStorage', ...TORCH_DTYPES,
    'per_tensor_affine', 'per_tensor_symmetric', 'per_channel_affine', 'per_channel_symmetric', 'per_channel_affine_float_qparams',
  ]],
  ['torch.storage', ['TypedStorage', 'UntypedStorage']],
  ['torch.nn.parameter', ['Parameter']],
  ['torch.serialization', ['_get_layout']],
  ['numpy', ['ndarray', 'dtype']],
  ['numpy.core.multiarray', ['_reconstruct', 'scalar']],
  ['numpy._core.multiarray', ['_reconstruct', 'scalar']],
  ['numpy.core.numeric', ['_frombuffer']],
  ['numpy._core.numeric', ['_frombuffer']],
]);

const DANGEROUS_NAME_SET = new Map([...DANGEROUS_GLOBALS].map(([m, names]) => [m, new Set(names)] as const));
const SAFE_NAME_SET = new Map([...SAFE_GLOBALS].map(([m, names]) => [m, new Set(names)] as const));
const DANGEROUS_BUILTIN_NAMES = DANGEROUS_NAME_SET.get('builtins')!;
const DANGEROUS_TOP_LEVEL = new Set(DANGEROUS_MODULES.filter((m) => !m.includes('.')));
const DUNDER = /^__\w+__$/;

/** Judge one `module.name`. `?` in either part means unresolved. */
export function classifyGlobal(module: string, name: string): PickleGlobalClass {
  if (module.includes('?') || name.includes('?') || module === '' || name === '') return 'dangerous';
  const mod = canonicalModule(module);
  if (DANGEROUS_MODULES.some((m) => mod === m || mod.startsWith(`${m}.`))) return 'dangerous';
  if (DANGEROUS_NAME_SET.get(mod)?.has(name) === true) return 'dangerous';
  // Protocol 4+ resolves a dotted name attribute by attribute (torch → torch.os → system).
  const parts = name.split('.');
  if (parts.some((p) => DUNDER.test(p))) return 'dangerous';
  if (parts.length > 1 && parts.some((p) => DANGEROUS_TOP_LEVEL.has(p) || DANGEROUS_BUILTIN_NAMES.has(p))) return 'dangerous';
  return isSafe(mod, name) ? 'safe' : 'suspicious';
}

function isSafe(mod: string, name: string): boolean {
  if (SAFE_NAME_SET.get(mod)?.has(name) === true) return true;
  return (mod === 'torch' || mod === 'torch.cuda') && TORCH_STORAGE_OR_TENSOR.test(name);
}

function canonicalModule(module: string): string {
  const dot = module.indexOf('.');
  const head = dot < 0 ? module : module.slice(0, dot);
  const alias = ALIASES.get(head);
  return alias === undefined ? module : alias + (dot < 0 ? '' : module.slice(dot));
}
