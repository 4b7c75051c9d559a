/**
 * Jupyter notebooks as JSON with positions: the code cells' raw source,
 * each source line mapped to the line of the `.ipynb` file that stores it,
 * so evidence points into the file as it is on disk. Shared by the
 * scanners that read notebooks; each decides what a cell's magics mean.
 * Format: https://nbformat.readthedocs.io (`cells[].cell_type`,
 * `cells[].source` as a string or a list of lines, `metadata.kernelspec`).
 *
 * JSON.parse keeps no positions, so this is a small JSON reader that
 * records the line of every string. It is depth-capped and linear.
 */

/** The kernel languages whose cells the scanners lex. */
export type NotebookLang = 'py' | 'js';

/** A cell's source, and per source line its line in the file. */
export interface CellText {
  readonly text: string;
  readonly lineMap: readonly number[];
}

export type Notebook =
  /** `lang` is undefined for kernels no scanner lexes (R, Julia…). */
  | { readonly ok: true; readonly lang: NotebookLang | undefined; readonly cells: CellText[] }
  /** Why the notebook could not be read; the message names a line, never the content. */
  | { readonly ok: false; readonly error: string };

type JNode =
  | { readonly t: 'str'; readonly v: string; readonly line: number }
  | { readonly t: 'arr'; readonly v: JNode[] }
  | { readonly t: 'obj'; readonly v: Map<string, JNode> }
  | { readonly t: 'lit' };

const MAX_DEPTH = 64;
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


/** The code cells of a notebook, in order. Never throws. */
export function readNotebook(text: string): Notebook {
  let root: JNode;
  try {
    root = new Reader(text.startsWith('\uFEFF') ? text.slice(1) : text).value(0);
  } catch (err) {
    const why = err instanceof JsonError ? err.message : 'unreadable';
    return { ok: false, error: `notebook is not valid json (${why})` };
  }
  if (root.t !== 'obj') return { ok: false, error: 'notebook is not a json object' };
  const lang = kernelLang(root.v.get('metadata'));
  const cellsNode = root.v.get('cells');
  const cells: CellText[] = [];
  if (cellsNode?.t === 'arr') {
    for (const cell of cellsNode.v) {
      if (cell.t !== 'obj') continue;
      const type = cell.v.get('cell_type');
      if (type?.t !== 'str' || type.v !== 'code') continue;
      const src = cellSource(cell.v.get('source'));
      if (src !== undefined) cells.push(src);
    }
  }
  return { ok: true, lang, cells };
}

function kernelLang(meta: JNode | undefined): NotebookLang | undefined {
  if (meta?.t !== 'obj') return 'py';
  const ks = meta.v.get('kernelspec');
  const li = meta.v.get('language_info');
  const langNode = (ks?.t === 'obj' ? ks.v.get('language') : undefined) ?? (li?.t === 'obj' ? li.v.get('name') : undefined);
  const name = langNode?.t === 'str' ? langNode.v.toLowerCase() : 'python';
  if (name.startsWith('python') || name === '') return 'py';
  if (name === 'javascript' || name === 'typescript') return 'js';
  return undefined;
}

function cellSource(node: JNode | undefined): CellText | undefined {
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
  return parts.length === 0 ? undefined : { text: parts.join(''), lineMap };
}
