/**
 * What names stand for: assignments (`client = OpenAI()`, `MODEL_ID =
 * "org/name"`), parameter defaults and annotations, argparse defaults, and
 * imports. Deliberately flow-insensitive and scope-blind: the last
 * assignment before a use wins. That is right for the common script shape
 * (constants at the top, use below) and bounded for everything else.
 */
import { extractAssignments, type Assignment, type AssignmentSource } from './assignments.js';
import { lastSegment, readObject, type Call, type Value } from './calls.js';
import { extractImports, type ImportBinding } from './imports.js';
import { isOp, type Lang, type Token } from './tokens.js';

export type { Assignment } from './assignments.js';

export interface Resolved {
  readonly text: string;
  /** 0.95 as written in the call, 0.8 through a constant, 0.7 through a default that config may override. */
  readonly confidence: number;
}

const MAX_RESOLVE_DEPTH = 6;
const RECEIVERS = new Set(['self', 'this', 'cls']);

export class Bindings implements AssignmentSource {
  readonly imports: ImportBinding[];
  private readonly importByLocal = new Map<string, ImportBinding>();
  private readonly assigns = new Map<string, Assignment[]>();
  private readonly argDefaults = new Map<string, Value>();
  private readonly callsByRoot = new Map<number, Call[]>();

  constructor(
    readonly tokens: readonly Token[],
    readonly match: Int32Array,
    readonly lang: Lang,
    readonly calls: readonly Call[],
  ) {
    this.imports = extractImports(tokens, match, lang);
    for (const b of this.imports) if (b.local !== '') this.importByLocal.set(b.local, b);
    for (const c of calls) {
      const list = this.callsByRoot.get(c.root) ?? [];
      list.push(c);
      this.callsByRoot.set(c.root, list);
      if (lastSegment(c) === 'add_argument') this.addArgDefault(c);
    }
    const callsByOpen = new Map(calls.map((c) => [c.open, c]));
    for (const a of extractAssignments(this, callsByOpen)) {
      const list = this.assigns.get(a.name) ?? [];
      list.push(a);
      this.assigns.set(a.name, list);
      if (a.fieldDefault === true && a.value !== undefined) this.argDefaults.set(a.name, a.value);
    }
    for (const list of this.assigns.values()) list.sort((x, y) => x.index - y.index);
  }

  importOf(local: string): ImportBinding | undefined {
    return this.importByLocal.get(local);
  }

  /**
   * The last assignment to `name` before token `at`. `self.x` / `this.x`
   * fall back to a class-level `x` (a class attribute or TS class field).
   */
  assignment(name: string, at: number): Assignment | undefined {
    const found = this.lastBefore(name, at);
    if (found !== undefined) return found;
    const parts = name.split('.');
    return parts.length === 2 && RECEIVERS.has(parts[0] as string) ? this.lastBefore(parts[1] as string, at) : undefined;
  }

  private lastBefore(name: string, at: number): Assignment | undefined {
    const list = this.assigns.get(name);
    if (list === undefined) return undefined;
    // Binary search: a file may assign one name many times.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as Assignment).index < at) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : list[lo - 1];
  }

  /** The call expression that starts at token `start` and ends last before `end`. */
  callStartingAt(start: number, end: number): Call | undefined {
    let best: Call | undefined;
    for (const c of this.callsByRoot.get(start) ?? []) if (c.close < end && (best === undefined || c.close > best.close)) best = c;
    return best;
  }

  /** A string value: literal, or a name whose last assignment before `at` is a literal. */
  resolveString(v: Value | undefined, at: number, depth = 0): Resolved | undefined {
    if (v === undefined || depth > MAX_RESOLVE_DEPTH) return undefined;
    if (v.kind === 'str') return { text: v.text, confidence: v.weak === true ? 0.7 : depth === 0 ? 0.95 : 0.8 };
    if (v.kind === 'index') return this.resolveKey(v.base, v.key, at, depth);
    if (v.kind !== 'ref') return undefined;
    const a = this.assignment(v.text, at);
    // `CONFIG.model` where `CONFIG = { model: "…" }` (JS objects, attribute-style configs).
    if (a === undefined && v.text.includes('.')) {
      const dot = v.text.lastIndexOf('.');
      const viaObject = this.resolveKey(v.text.slice(0, dot), v.text.slice(dot + 1), at, depth);
      if (viaObject !== undefined) return viaObject;
    }
    if (a?.value !== undefined) {
      const r = this.resolveString(a.value, a.index, depth + 1);
      return r === undefined ? undefined : { text: r.text, confidence: Math.min(r.confidence, 0.8) };
    }
    if (a !== undefined) return undefined;
    const dot = v.text.lastIndexOf('.');
    const arg = dot < 0 ? undefined : this.argDefaults.get(v.text.slice(dot + 1));
    return arg?.kind === 'str' ? { text: arg.text, confidence: 0.7 } : undefined;
  }

  /** `base[key]`: assigned as such, or `base` last assigned a dict / object literal holding `key`. */
  private resolveKey(base: string, key: string, at: number, depth: number): Resolved | undefined {
    const direct = this.assignment(`${base}.${key}`, at);
    if (direct?.value !== undefined) {
      const r = this.resolveString(direct.value, direct.index, depth + 1);
      return r === undefined ? undefined : { text: r.text, confidence: Math.min(r.confidence, 0.8) };
    }
    const a = this.assignment(base, at);
    if (a?.value?.kind !== 'other' || !isOp(this.tokens[a.value.start], '{') || this.match[a.value.start] !== a.value.end - 1) return undefined;
    const entries = new Map<string, Value>();
    readObject(this.tokens, this.match, a.value.start, entries, 0);
    const r = this.resolveString(entries.get(key), a.index, depth + 1);
    return r === undefined ? undefined : { text: r.text, confidence: Math.min(r.confidence, 0.8) };
  }

  /**
   * `parser.add_argument("--model-name", default="gpt2")` makes `args.model_name`
   * default to "gpt2"; a dataclass `model_name: str = field(default="gpt2")` likewise.
   */
  private addArgDefault(c: Call): void {
    const dflt = c.keywords.get('default');
    if (dflt?.kind !== 'str') return;
    const flags = c.positional.flatMap((v) => (v.kind === 'str' && v.text.startsWith('-') ? [v.text] : []));
    const dest = c.keywords.get('dest');
    const name = dest?.kind === 'str' ? dest.text : (flags.find((f) => f.startsWith('--')) ?? flags[0])?.replace(/^-+/, '').replace(/-/g, '_');
    if (name !== undefined && name !== '') this.argDefaults.set(name, { ...dflt, weak: true });
  }
}

