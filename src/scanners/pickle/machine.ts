/**
 * A symbolic pickle machine: the stack, mark and memo effects of every
 * opcode, as CPython's `_Unpickler` applies them, over `Value`s instead of
 * objects. Nothing is imported or called; GLOBAL, INST and STACK_GLOBAL
 * only report the `module.name` they would import.
 *
 * Spec: CPython Lib/pickle.py (`_Unpickler.load_*`) and Lib/pickletools.py.
 */
import { opcodeInfo } from './opcodes.js';
import { wrapperPayload, isArrayWrapper, type ArrayPayload } from './joblib.js';
import {
  EMPTY_TUPLE,
  OPAQUE,
  OTHER,
  callOf,
  dictSet,
  mayBeStr,
  newDict,
  tupleOf,
  type Value,
} from './values.js';

/** Stack items and marks kept at most; CPython has no cap, but no real pickle comes near it. */
export const MAX_STACK = 1_000_000;
/** Memo entries kept; past it new entries are dropped and memo lookups are no longer trusted. */
export const MAX_MEMO = 1_000_000;

export type ImportOpcode = 'GLOBAL' | 'INST' | 'STACK_GLOBAL';

export interface GlobalSink {
  /** Record one import; false once no more can be recorded. */
  add(module: string, name: string, opcode: ImportOpcode): boolean;
}

/** An argument as the walker decoded it for the machine. */
export type Arg = number | string | Value | readonly [string, string] | undefined;

export type Action =
  | { readonly kind: 'stop' }
  | { readonly kind: 'halt'; readonly reason: string }
  | { readonly kind: 'array'; readonly payload: ArrayPayload };

const STOP: Action = { kind: 'stop' };

export interface MachineOptions {
  /**
   * Probe mode, for bytes that only another reader would take as opcodes:
   * stack underflow and memo misses are silent (the real stack is not
   * known), and an import is reported only when both names resolve.
   */
  readonly probe?: boolean;
  /** Memo to read through to (probe mode): the outer pickle's. */
  readonly outerMemo?: ReadonlyMap<number, Value>;
}

export class Machine {
  private readonly stack: Value[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, Value>();
  private memoOverflow = false;
  private op = 0;
  private at = 0;
  /** The first structural error CPython would raise (underflow, memo miss), with its offset. */
  malformed: string | undefined;
  /** Imports seen (recorded or not), unresolved STACK_GLOBALs in probe mode included. */
  imports = 0;
  /** Probe mode: a STACK_GLOBAL or EXT whose target could not be resolved. */
  unresolvedImport = false;

  constructor(
    private readonly sink: GlobalSink,
    private readonly opts: MachineOptions = {},
  ) {}

  get memoView(): ReadonlyMap<number, Value> {
    return this.memo;
  }

  /** Apply one opcode. `at` is its offset, for messages. */
  step(op: number, arg: Arg, at: number): Action | undefined {
    this.op = op;
    this.at = at;
    switch (op) {
      case 0x28: // MARK
        if (this.marks.length >= MAX_STACK) return this.halt(`more than ${MAX_STACK} nested MARKs`);
        this.marks.push(this.stack.length);
        return undefined;
      case 0x2e: // STOP
        this.pop();
        return STOP;
      case 0x30: // POP: an empty frame pops its mark instead
        if (this.stack.length > this.base()) this.stack.pop();
        else this.popMark();
        return undefined;
      case 0x31: // POP_MARK
        this.popMark();
        return undefined;
      case 0x32: // DUP
        return this.push(this.top());
      case 0x46: // FLOAT
      case 0x47: // BINFLOAT
      case 0x8b: // LONG4
      case 0x42: // BINBYTES
      case 0x43: // SHORT_BINBYTES
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
      case 0x5d: // EMPTY_LIST
      case 0x8f: // EMPTY_SET
        return this.push(OTHER);
      case 0x49: // INT
      case 0x4a: // BININT
      case 0x4b: // BININT1
      case 0x4c: // LONG
      case 0x4d: // BININT2
      case 0x8a: // LONG1
      case 0x53: // STRING
      case 0x54: // BINSTRING
      case 0x55: // SHORT_BINSTRING
      case 0x56: // UNICODE
      case 0x58: // BINUNICODE
      case 0x8c: // SHORT_BINUNICODE
      case 0x8d: // BINUNICODE8
        return this.push(arg as Value);
      case 0x4e: // NONE
        return this.push(null);
      case 0x88: // NEWTRUE
        return this.push(true);
      case 0x89: // NEWFALSE
        return this.push(false);
      case 0x50: // PERSID: persistent_load may return anything
      case 0x97: // NEXT_BUFFER
        return this.push(OPAQUE);
      case 0x51: // BINPERSID
        this.pop();
        return this.push(OPAQUE);
      case 0x52: {
        // REDUCE
        const args = this.pop();
        return this.replaceTop((fn) => callOf(fn, args));
      }
      case 0x62: {
        // BUILD
        const state = this.pop();
        return this.build(this.top(), state);
      }
      case 0x63: // GLOBAL
        return this.importGlobal(arg as readonly [string, string], 'GLOBAL');
      case 0x69: {
        // INST: CPython imports the class before it pops the mark.
        const [module, name] = arg as readonly [string, string];
        const halted = this.record(module, name, 'INST');
        if (halted) return halted;
        const args = tupleOf(this.popMark());
        return this.push(callOf({ t: 'global', module, name }, args));
      }
      case 0x93: // STACK_GLOBAL
        return this.stackGlobal();
      case 0x64: {
        // DICT
        const items = this.popMark();
        const dict = newDict();
        for (let i = 0; i + 1 < items.length; i += 2) dictSet(dict, items[i]!, items[i + 1]!);
        return this.push(dict);
      }
      case 0x7d: // EMPTY_DICT
        return this.push(newDict());
      case 0x73: {
        // SETITEM
        const value = this.pop();
        const key = this.pop();
        dictSet(this.top(), key, value);
        return undefined;
      }
      case 0x75: {
        // SETITEMS
        const items = this.popMark();
        const target = this.top();
        for (let i = 0; i + 1 < items.length; i += 2) dictSet(target, items[i]!, items[i + 1]!);
        return undefined;
      }
      case 0x61: // APPEND
        this.pop();
        this.top();
        return undefined;
      case 0x65: // APPENDS
      case 0x90: // ADDITEMS
        this.popMark();
        this.top();
        return undefined;
      case 0x6c: // LIST
      case 0x91: // FROZENSET
        this.popMark();
        return this.push(OTHER);
      case 0x74: // TUPLE
        return this.push(tupleOf(this.popMark()));
      case 0x29: // EMPTY_TUPLE
        return this.push(EMPTY_TUPLE);
      case 0x85: // TUPLE1
        return this.push(tupleOf([this.pop()]));
      case 0x86: {
        // TUPLE2
        const b = this.pop();
        return this.push(tupleOf([this.pop(), b]));
      }
      case 0x87: {
        // TUPLE3
        const c = this.pop();
        const b = this.pop();
        return this.push(tupleOf([this.pop(), b, c]));
      }
      case 0x6f: {
        // OBJ: the class is the first item after the mark
        const items = this.popMark();
        if (items.length === 0) this.underflow();
        return this.push(callOf(items[0] ?? OPAQUE, tupleOf(items.slice(1))));
      }
      case 0x81: {
        // NEWOBJ
        const args = this.pop();
        const cls = this.pop();
        return this.push(callOf(cls, args));
      }
      case 0x92: {
        // NEWOBJ_EX
        this.pop();
        const args = this.pop();
        const cls = this.pop();
        return this.push(callOf(cls, args));
      }
      case 0x67: // GET
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
        return this.push(this.memoGet(arg as number));
      case 0x70: // PUT
      case 0x71: // BINPUT
      case 0x72: // LONG_BINPUT
        this.memoPut(arg as number, this.top());
        return undefined;
      case 0x94: // MEMOIZE: the key is the memo's current size
        this.memoPut(this.memo.size, this.top());
        return undefined;
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        return this.extension();
      case 0x98: // READONLY_BUFFER
        this.top();
        return undefined;
      default:
        // PROTO and FRAME only steer the reader.
        return undefined;
    }
  }

  private base(): number {
    return this.marks.length === 0 ? 0 : this.marks[this.marks.length - 1]!;
  }

  private push(v: Value): Action | undefined {
    if (this.stack.length >= MAX_STACK) return this.halt(`stack deeper than ${MAX_STACK} items`);
    this.stack.push(v);
    return undefined;
  }

  private pop(): Value {
    if (this.stack.length > this.base()) return this.stack.pop()!;
    this.underflow();
    return OPAQUE;
  }

  private top(): Value {
    if (this.stack.length > this.base()) return this.stack[this.stack.length - 1]!;
    this.underflow();
    return OPAQUE;
  }

  private replaceTop(make: (top: Value) => Value): undefined {
    if (this.stack.length > this.base()) this.stack[this.stack.length - 1] = make(this.stack[this.stack.length - 1]!);
    else {
      this.underflow();
      this.stack.push(make(OPAQUE));
    }
    return undefined;
  }

  /** The items since the last MARK, removing them and the mark. */
  private popMark(): Value[] {
    const mark = this.marks.pop();
    if (mark === undefined) {
      this.fail('no MARK to pop');
      return [];
    }
    const items = this.stack.slice(mark);
    this.stack.length = mark;
    return items;
  }

  private underflow(): void {
    this.fail('stack underflow');
  }

  private fail(what: string): void {
    if (this.opts.probe === true || this.malformed !== undefined) return;
    this.malformed = `${opcodeInfo(this.op)?.name ?? 'opcode'}: ${what} at offset ${this.at}`;
  }

  private halt(reason: string): Action {
    return { kind: 'halt', reason: `${reason} at offset ${this.at}` };
  }

  private importGlobal([module, name]: readonly [string, string], opcode: ImportOpcode): Action | undefined {
    return this.record(module, name, opcode) ?? this.push({ t: 'global', module, name });
  }

  private record(module: string, name: string, opcode: ImportOpcode): Action | undefined {
    this.imports++;
    if (this.opts.probe === true && (module === '?' || name === '?')) {
      this.unresolvedImport = true;
      return undefined;
    }
    return this.sink.add(module, name, opcode) ? undefined : this.halt('too many distinct globals');
  }

  private stackGlobal(): Action | undefined {
    if (this.stack.length - this.base() < 2) {
      // CPython fails before importing anything.
      this.underflow();
      this.stack.length = Math.max(this.base(), this.stack.length - 2);
      if (this.opts.probe === true) this.unresolvedImport = true;
      return this.push(OPAQUE);
    }
    const name = this.stack.pop()!;
    const module = this.stack.pop()!;
    if (this.opts.probe === true && (!mayBeStr(module) || !mayBeStr(name))) {
      // CPython: "STACK_GLOBAL requires str"; random bytes hit this often, real pickles never.
      return this.push(OPAQUE);
    }
    const m = typeof module === 'string' ? module : '?';
    const n = typeof name === 'string' ? name : '?';
    return this.record(m, n, 'STACK_GLOBAL') ?? this.push({ t: 'global', module: m, name: n });
  }

  /** EXT1/2/4 import whatever the copyreg extension registry maps the code to: unknowable statically. */
  private extension(): Action | undefined {
    return this.record('?', '?', 'GLOBAL') ?? this.push({ t: 'global', module: '?', name: '?' });
  }

  private build(inst: Value, state: Value): Action | undefined {
    // A probe walks bytes joblib takes as array data; arrays inside them are not followed.
    if (this.opts.probe === true || !isArrayWrapper(inst)) return undefined;
    return { kind: 'array', payload: wrapperPayload(state) };
  }

  private memoGet(key: number): Value {
    if (!Number.isSafeInteger(key)) return OPAQUE;
    const hit = this.memo.get(key);
    if (hit !== undefined && !this.memoOverflow) return hit;
    const outer = this.opts.outerMemo?.get(key);
    if (outer !== undefined) return outer;
    if (!this.memoOverflow) this.fail(`memo key ${key} was never stored`);
    return OPAQUE;
  }

  private memoPut(key: number, v: Value): void {
    // Keys past 2^53 cannot be held exactly; CPython cannot allocate such a memo either.
    if (this.memoOverflow || !Number.isSafeInteger(key)) return;
    if (!this.memo.has(key) && this.memo.size >= MAX_MEMO) {
      // Past the cap the memo's size (MEMOIZE's next key) is no longer known, so no lookup is trusted.
      this.memoOverflow = true;
      return;
    }
    this.memo.set(key, v);
  }
}
