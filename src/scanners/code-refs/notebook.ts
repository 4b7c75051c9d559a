/**
 * Jupyter notebooks: the code cells' source, with each source line mapped
 * to the line of the `.ipynb` file where it is stored, so evidence points
 * into the file as it is on disk. Format: https://nbformat.readthedocs.io
 * (`cells[].cell_type`, `cells[].source` as a string or a list of lines).
 * The JSON reading is shared (`util/notebook.ts`); this file decides what
 * magics mean for code.
 */
import { readNotebook } from '../../util/notebook.js';
import { lexJs } from './lexer-js.js';
import { lexPython } from './lexer-python.js';
import { tok, type Lang, type Token } from './tokens.js';

/** Cell magics whose body is still Python. */
const PYTHON_CELL_MAGICS = /^%%(?:time|timeit|capture|prun|debug)\b/;

export interface NotebookTokens {
  readonly tokens: Token[];
  readonly lang: Lang;
  /** Why nothing could be read, when the notebook is malformed. */
  readonly error?: string;
}

/** Tokens of all code cells in order, separated by `break` tokens, with file line numbers. */
export function notebookTokens(text: string): NotebookTokens {
  const nb = readNotebook(text);
  if (!nb.ok) return { tokens: [], lang: 'py', error: nb.error };
  const lang = nb.lang;
  if (lang === undefined) return { tokens: [], lang: 'py' }; // R, Julia, Scala…: not ours
  const tokens: Token[] = [];
  for (const cell of nb.cells) {
    const src = codeOf(cell.text);
    if (src === undefined) continue;
    const cellTokens = lang === 'py' ? lexPython(src) : lexJs(src);
    for (const t of cellTokens) t.line = cell.lineMap[t.line - 1] ?? cell.lineMap[cell.lineMap.length - 1] ?? 1;
    tokens.push(...cellTokens, tok('break', '', 0, true));
  }
  return { tokens, lang };
}

/** The cell's code with magics blanked (line count kept), or undefined for a cell in another language. */
function codeOf(text: string): string | undefined {
  const lines = text.split('\n');
  if (PYTHON_CELL_MAGICS.test(lines[0] ?? '')) lines[0] = '';
  else if ((lines[0] ?? '').startsWith('%%')) return undefined; // %%bash, %%writefile…: not this language
  // Line magics and shell escapes (`%pip install`, `!wget …`) are not code.
  return lines.map((l) => (/^\s*[%!]/.test(l) ? '' : l)).join('\n');
}
