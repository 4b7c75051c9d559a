/**
 * A parser for the Python literals found in `.npy` headers: dicts, tuples,
 * lists, quoted strings, ints, True/False/None. numpy writes the header with
 * `repr()` and reads it with `ast.literal_eval`; we never eval anything.
 *
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

export type PyValue =
  | string
  | bigint
  | boolean
  | null
  | { readonly kind: 'tuple' | 'list'; readonly items: readonly PyValue[] }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, PyValue> };

/** Structured dtypes nest a few levels; anything deeper is not a numpy header. */
const MAX_DEPTH = 32;

export type LiteralResult = { readonly ok: true; readonly value: PyValue } | { readonly ok: false; readonly reason: string };

class Fail {
  constructor(readonly reason: string) {}
}

export function parsePyLiteral(text: string): LiteralResult {
  const p = new Parser(text);
  try {
    const value = p.value(0);
    p.skipSpace();
    if (!p.atEnd()) return { ok: false, reason: `unexpected ${p.peekDescription()} after literal` };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof Fail) return { ok: false, reason: err.reason };
    throw err;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  peekDescription(): string {
    return this.atEnd() ? 'end of header' : `${JSON.stringify(this.s[this.i])} at ${this.i}`;
  }

  skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) throw new Fail(`literal nested deeper than ${MAX_DEPTH}`);
    this.skipSpace();
    const c = this.s[this.i];
    if (c === '{') return this.dict(depth);
    if (c === '(') return { kind: 'tuple', items: this.sequence(')', depth) };
    if (c === '[') return { kind: 'list', items: this.sequence(']', depth) };
    if (c === "'" || c === '"') return this.string();
    if ((c === 'u' || c === 'b') && (this.s[this.i + 1] === "'" || this.s[this.i + 1] === '"')) {
      this.i++;
      return this.string();
    }
    const num = /^-?\d+L?/.exec(this.s.slice(this.i, this.i + 64));
    if (num) {
      this.i += num[0].length;
      return BigInt(num[0].replace('L', ''));
    }
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.s.startsWith(word, this.i) && !/\w/.test(this.s[this.i + word.length] ?? '')) {
        this.i += word.length;
        return v;
      }
    }
    throw new Fail(`unexpected ${this.peekDescription()}`);
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.s[this.i] !== ch) throw new Fail(`expected ${JSON.stringify(ch)}, found ${this.peekDescription()}`);
    this.i++;
  }

  /** Items up to `close`, allowing a trailing comma, as `repr` writes `(3,)`. */
  private sequence(close: string, depth: number): PyValue[] {
    this.i++;
    const items: PyValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === close) {
        this.i++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.skipSpace();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw new Fail(`expected "," or ${JSON.stringify(close)}, found ${this.peekDescription()}`);
    }
  }

  private dict(depth: number): PyValue {
    this.i++;
    const entries = new Map<string, PyValue>();
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === '}') {
        this.i++;
        return { kind: 'dict', entries };
      }
      const key = this.value(depth + 1);
      if (typeof key !== 'string') throw new Fail('dict key is not a string');
      this.expect(':');
      entries.set(key, this.value(depth + 1));
      this.skipSpace();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new Fail(`expected "," or "}", found ${this.peekDescription()}`);
    }
  }

  private string(): string {
    const quote = this.s[this.i]!;
    this.i++;
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++]!;
      if (c === quote) return out;
      if (c === '\n') break;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      const hex = (n: number): string => {
        const h = this.s.slice(this.i, this.i + n);
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) throw new Fail('bad escape in string');
        this.i += n;
        return String.fromCodePoint(parseInt(h, 16));
      };
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'x') out += hex(2);
      else if (e === 'u') out += hex(4);
      else if (e === undefined) break;
      else out += e;
    }
    throw new Fail('unterminated string');
  }
}

/** Render a literal back in Python style, for structured dtype descriptions. */
export function reprPy(v: PyValue): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'bigint') return v.toString();
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  if (v.kind === 'dict') return `{${[...v.entries].map(([k, x]) => `${reprPy(k)}: ${reprPy(x)}`).join(', ')}}`;
  const inner = v.items.map(reprPy).join(', ');
  if (v.kind === 'list') return `[${inner}]`;
  return v.items.length === 1 ? `(${inner},)` : `(${inner})`;
}
