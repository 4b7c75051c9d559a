/**
 * Jupyter notebooks: the code cells, split into what the kernel runs as
 * code and what it hands to a shell (`!wget …` lines, `%%bash` cells), each
 * source line mapped to the line of the `.ipynb` file that stores it.
 * Format: https://nbformat.readthedocs.io (`cells[].cell_type`,
 * `cells[].source` as a string or a list of lines, `metadata.kernelspec`).
 *
 * JSON.parse keeps no positions, so a small reader records the line of
 * every string. It is depth-capped and reads each character a bounded
 * number of times.
 */
import type { Lang } from '../code-refs/tokens.js';

type JNode =
  | { readonly t: 'str'; readonly v: string; readonly line: number }
  | { readonly t: 'arr'; readonly v: JNode[] }
  | { readonly t: 'obj'; readonly v: Map<string, JNode> }
  | { readonly t: 'lit' };

const MAX_DEPTH = 64;
/** Cell magics whose body is still the kernel's language. */
const CODE_CELL_MAGICS = /^%%(?:time|timeit|capture|prun|debug)\b/;
/** Cell magics whose body is a shell script. */
const SHELL_CELL_MAGICS = /^%%(?:bash|sh|script\s+(?:ba)?sh|system)\b/;

export interface CellText {
  /** The text, blank where it is not this kind (so offsets and lines stay). */
  readonly text: string;
  /** 1-based file line of each 1-based line of `text` (index line-1). */
  readonly lineMap: readonly number[];
}

export interface NotebookCells {
  readonly lang: Lang;
  readonly code: CellText[];
  readonly shell: CellText[];
  /** Why the notebook could not be read. */
  readonly error?: string;
}

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
    if (m === null) throw new JsonError(`unexpected ${c === undefined ? 'end' : 'character'} on line ${this.line}`);
    this.i += m[0].length;
    return { t: 'lit' };
  }

  private object(depth: number): JNode {
    const v = new Map<string, JNode>();
    this.i++;
    if (this.peek() === '}') {
      this.i++;
      return { t: 'obj', v };
    }
    for (;;) {
      if (this.peek() !== '"') throw new JsonError(`expected a key on line ${this.line}`);
      const key = this.string().v;
      if (this.peek() !== ':') throw new JsonError(`expected ':' on line ${this.line}`);
      this.i++;
      v.set(key, this.value(depth + 1));
      const c = this.peek();
      this.i++;
      if (c === '}') return { t: 'obj', v };
      if (c !== ',') throw new JsonError(`expected ',' or '}' on line ${this.line}`);
    }
  }

  private array(depth: number): JNode {
    const v: JNode[] = [];
    this.i++;
    if (this.peek() === ']') {
      this.i++;
      return { t: 'arr', v };
    }
    for (;;) {
      v.push(this.value(depth + 1));
      const c = this.peek();
      this.i++;
      if (c === ']') return { t: 'arr', v };
      if (c !== ',') throw new JsonError(`expected ',' or ']' on line ${this.line}`);
    }
  }

  private string(): { t: 'str'; v: string; line: number } {
    const line = this.line;
    const start = ++this.i;
    let j = start;
    let escaped = false;
    while (j < this.s.length && this.s[j] !== '"') {
      const c = this.s[j];
      if (c === '\\') {
        escaped = true;
        j++;
      } else if (c === '\n') {
        throw new JsonError(`unterminated string on line ${line}`);
      }
      j++;
    }
    if (j >= this.s.length) throw new JsonError(`unterminated string on line ${line}`);
    this.i = j + 1;
    const raw = this.s.slice(start, j);
    if (!escaped) return { t: 'str', v: raw, line };
    try {
      return { t: 'str', v: JSON.parse(`"${raw}"`) as string, line };
    } catch {
      throw new JsonError(`bad string escape on line ${line}`);
    }
  }

  private peek(): string | undefined {
    this.ws();
    return this.s[this.i];
  }

  private ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (c === 10) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
      this.i++;
    }
  }
}

export function notebookCells(text: string): NotebookCells {
  let root: JNode;
  try {
    root = new Reader(text.startsWith('\uFEFF') ? text.slice(1) : text).value(0);
  } catch (err) {
    // The reader's messages name a line, never the content.
    const why = err instanceof JsonError ? err.message : 'unreadable';
    return { lang: 'py', code: [], shell: [], error: `notebook is not valid json (${why})` };
  }
  if (root.t !== 'obj') return { lang: 'py', code: [], shell: [], error: 'notebook is not a json object' };
  const lang = kernelLang(root.v.get('metadata'));
  const cells = root.v.get('cells');
  const out: NotebookCells = { lang: lang ?? 'py', code: [], shell: [] };
  if (cells?.t !== 'arr') return out;
  for (const cell of cells.v) {
    if (cell.t !== 'obj') continue;
    const type = cell.v.get('cell_type');
    if (type?.t !== 'str' || type.v !== 'code') continue;
    const src = cellSource(cell.v.get('source'));
    if (src !== undefined) split(src, lang, out);
  }
  return out;
}

function kernelLang(meta: JNode | undefined): Lang | undefined {
  if (meta?.t !== 'obj') return 'py';
  const ks = meta.v.get('kernelspec');
  const li = meta.v.get('language_info');
  const langNode = (ks?.t === 'obj' ? ks.v.get('language') : undefined) ?? (li?.t === 'obj' ? li.v.get('name') : undefined);
  const name = langNode?.t === 'str' ? langNode.v.toLowerCase() : 'python';
  if (name.startsWith('python') || name === '') return 'py';
  if (name === 'javascript' || name === 'typescript') return 'js';
  return undefined; // R, Julia, Scala…: only their shell escapes are read
}

/** The cell's source and, per source line, its file line. */
function cellSource(node: JNode | undefined): CellText | undefined {
  const pieces = node?.t === 'str' ? [node] : node?.t === 'arr' ? node.v : [];
  const lineMap: number[] = [];
  const parts: string[] = [];
  let atLineStart = true;
  for (const p of pieces) {
    if (p.t !== 'str') continue;
    // A piece with escaped `\n`s is still one line of the file.
    for (let k = 0; k < p.v.length; k++) {
      if (atLineStart) lineMap.push(p.line);
      atLineStart = p.v.charCodeAt(k) === 10;
    }
    parts.push(p.v);
  }
  return parts.length === 0 ? undefined : { text: parts.join(''), lineMap };
}

/** Put each line of the cell in the code or the shell text, blanking it in the other. */
function split(src: CellText, lang: Lang | undefined, out: NotebookCells): void {
  const lines = src.text.split('\n');
  const first = lines[0] ?? '';
  if (SHELL_CELL_MAGICS.test(first)) {
    out.shell.push({ text: ['', ...lines.slice(1)].join('\n'), lineMap: src.lineMap });
    return;
  }
  if (first.startsWith('%%') && !CODE_CELL_MAGICS.test(first)) return; // %%writefile, %%html…: neither
  const code: string[] = [];
  const shell: string[] = [];
  lines.forEach((l, idx) => {
    const m = /^(\s*)(?:!|%(?:sx|system)\s)(.*)$/.exec(l);
    const magic = /^\s*%/.test(l) || (idx === 0 && CODE_CELL_MAGICS.test(l));
    // `!wget …` goes to the shell; blanking keeps the line count of both texts.
    code.push(m !== null || magic ? '' : l);
    shell.push(m !== null ? `${m[1] ?? ''} ${m[2] ?? ''}` : '');
  });
  if (lang !== undefined) out.code.push({ text: code.join('\n'), lineMap: src.lineMap });
  if (shell.some((l) => l !== '')) out.shell.push({ text: shell.join('\n'), lineMap: src.lineMap });
}
