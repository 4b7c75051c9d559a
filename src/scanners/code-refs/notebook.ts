/**
 * Jupyter notebooks: the code cells' source, with each source line mapped
 * to the line of the `.ipynb` file where it is stored, so evidence points
 * into the file as it is on disk. Format: https://nbformat.readthedocs.io
 * (`cells[].cell_type`, `cells[].source` as a string or a list of lines).
 *
 * JSON.parse keeps no positions, so this is a small JSON reader that
 * records the line of every string. It is depth-capped and linear.
 */
import { lexJs } from './lexer-js.js';
import { lexPython } from './lexer-python.js';
import { tok, type Lang, type Token } from './tokens.js';

type JNode =
  | { readonly t: 'str'; readonly v: string; readonly line: number }
  | { readonly t: 'arr'; readonly v: JNode[] }
  | { readonly t: 'obj'; readonly v: Map<string, JNode> }
  | { readonly t: 'lit' };

const MAX_DEPTH = 64;
/** Cell magics whose body is still Python. */
const PYTHON_CELL_MAGICS = /^%%(?:time|timeit|capture|prun|debug)\b/;

class JsonError extends Error {}

class Reader {
  i = 0;
  line = 1;
  constructor(private readonly s: string) {}

  value(depth: number): JNode {
    if (depth > MAX_DEPTH) throw new JsonError('nested too deeply');
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.s.slice(this.i, this.i + 64));
    if (m === null) throw new JsonError(`unexpected ${c === undefined ? 'end' : JSON.stringify(c)} on line ${this.line}`);
    this.i += m[0].length;
    return { t: 'lit' };
  }

  private object(depth: number): JNode {
    const v = new Map<string, JNode>();
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { t: 'obj', v };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw new JsonError(`expected a key on line ${this.line}`);
      const key = this.string().v;
      this.ws();
      if (this.s[this.i++] !== ':') throw new JsonError(`expected ':' on line ${this.line}`);
      v.set(key, this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return { t: 'obj', v };
      if (c !== ',') throw new JsonError(`expected ',' or '}' on line ${this.line}`);
    }
  }

  private array(depth: number): JNode {
    const v: JNode[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { t: 'arr', v };
    }
    for (;;) {
      v.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return { t: 'arr', v };
      if (c !== ',') throw new JsonError(`expected ',' or ']' on line ${this.line}`);
    }
  }

  private string(): { t: 'str'; v: string; line: number } {
    const line = this.line;
    const start = ++this.i;
    // Fast path: most strings have no escapes.
    const end = this.s.indexOf('"', start);
    if (end < 0) throw new JsonError(`unterminated string on line ${line}`);
    const raw = this.s.slice(start, end);
    if (!raw.includes('\\') && !raw.includes('\n')) {
      this.i = end + 1;
      return { t: 'str', v: raw, line };
    }
    let j = start;
    while (j < this.s.length && this.s[j] !== '"') {
      if (this.s[j] === '\\') j++;
      else if (this.s[j] === '\n') this.line++;
      j++;
    }
    if (j >= this.s.length) throw new JsonError(`unterminated string on line ${line}`);
    this.i = j + 1;
    try {
      return { t: 'str', v: JSON.parse(this.s.slice(start - 1, j + 1).replace(/\n/g, '\\n')) as string, line };
    } catch {
      throw new JsonError(`bad string escape on line ${line}`);
    }
  }

  ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (c === 10) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
      this.i++;
    }
  }
}

export interface NotebookTokens {
  readonly tokens: Token[];
  readonly lang: Lang;
  /** Why nothing could be read, when the notebook is malformed. */
  readonly error?: string;
}

/** Tokens of all code cells in order, separated by `break` tokens, with file line numbers. */
export function notebookTokens(text: string): NotebookTokens {
  let root: JNode;
  try {
    const r = new Reader(text.startsWith('\uFEFF') ? text.slice(1) : text);
    root = r.value(0);
  } catch (err) {
    const why = err instanceof JsonError ? err.message : 'unreadable';
    return { tokens: [], lang: 'py', error: `notebook is not valid json (${why})` };
  }
  if (root.t !== 'obj') return { tokens: [], lang: 'py', error: 'notebook is not a json object' };
  const lang = kernelLang(root.v.get('metadata'));
  const cells = root.v.get('cells');
  if (lang === undefined || cells?.t !== 'arr') return { tokens: [], lang: 'py' };
  const tokens: Token[] = [];
  for (const cell of cells.v) {
    if (cell.t !== 'obj') continue;
    const type = cell.v.get('cell_type');
    if (type?.t !== 'str' || type.v !== 'code') continue;
    const src = cellSource(cell.v.get('source'));
    if (src === undefined) continue;
    const cellTokens = lang === 'py' ? lexPython(src.text) : lexJs(src.text);
    for (const t of cellTokens) t.line = src.lineMap[t.line - 1] ?? src.lineMap[src.lineMap.length - 1] ?? 1;
    tokens.push(...cellTokens, tok('break', '', 0, true));
  }
  return { tokens, lang };
}

function kernelLang(meta: JNode | undefined): Lang | undefined {
  if (meta?.t !== 'obj') return 'py';
  const ks = meta.v.get('kernelspec');
  const li = meta.v.get('language_info');
  const langNode = (ks?.t === 'obj' ? ks.v.get('language') : undefined) ?? (li?.t === 'obj' ? li.v.get('name') : undefined);
  const name = langNode?.t === 'str' ? langNode.v.toLowerCase() : 'python';
  if (name.startsWith('python') || name === '') return 'py';
  if (name === 'javascript' || name === 'typescript') return 'js';
  return undefined; // R, Julia, Scala…: not ours
}

/** The cell's source text (magics blanked) and, per source line, its line in the file. */
function cellSource(node: JNode | undefined): { text: string; lineMap: number[] } | undefined {
  const pieces = node?.t === 'str' ? [node] : node?.t === 'arr' ? node.v : [];
  const lineMap: number[] = [];
  const parts: string[] = [];
  let atLineStart = true;
  for (const p of pieces) {
    if (p.t !== 'str') continue;
    // A source line's escaped `\n`s stay on the same file line.
    for (let k = 0; k < p.v.length; k++) {
      if (atLineStart) lineMap.push(p.line);
      atLineStart = p.v.charCodeAt(k) === 10;
    }
    parts.push(p.v);
  }
  const lines = parts.join('').split('\n');
  if (PYTHON_CELL_MAGICS.test(lines[0] ?? '')) lines[0] = '';
  else if ((lines[0] ?? '').startsWith('%%')) return undefined; // %%bash, %%writefile…: not this language
  // Line magics and shell escapes (`%pip install`, `!wget …`) are not code.
  const text = lines.map((l) => (/^\s*[%!]/.test(l) ? '' : l)).join('\n');
  return { text, lineMap };
}
