/**
 * Jupyter notebooks: the code cells, split into what the kernel runs as
 * code and what it hands to a shell (`!wget …` lines, `%%bash` cells), each
 * source line mapped to the line of the `.ipynb` file that stores it.
 * Format: https://nbformat.readthedocs.io (`cells[].cell_type`,
 * `cells[].source` as a string or a list of lines, `metadata.kernelspec`).
 * The JSON reading is shared (`util/notebook.ts`); this file decides what
 * magics mean for downloads.
 */
import type { Lang } from '../code-refs/tokens.js';
import { readNotebook, type CellText } from '../../util/notebook.js';

export type { CellText } from '../../util/notebook.js';

const CODE_CELL_MAGICS = /^%%(?:time|timeit|capture|prun|debug)\b/;
/** Cell magics whose body is a shell script. */
const SHELL_CELL_MAGICS = /^%%(?:bash|sh|script\s+(?:ba)?sh|system)\b/;

export interface NotebookCells {
  readonly lang: Lang;
  readonly code: CellText[];
  readonly shell: CellText[];
  /** Why the notebook could not be read. */
  readonly error?: string;
}

export function notebookCells(text: string): NotebookCells {
  const nb = readNotebook(text);
  if (!nb.ok) return { lang: 'py', code: [], shell: [], error: nb.error };
  // Kernels no scanner lexes (R, Julia, Scala…): only their shell escapes are read.
  const out: NotebookCells = { lang: nb.lang ?? 'py', code: [], shell: [] };
  for (const cell of nb.cells) split(cell, nb.lang, out);
  return out;
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
