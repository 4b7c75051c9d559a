/**
 * Makefiles: recipe lines are shell; variable assignments (`URL := …`) are
 * substituted into them (`$(URL)`). Make expands variables lazily, so every
 * assignment in the file counts, wherever it is.
 * https://www.gnu.org/software/make/manual/make.html#Recipe-Syntax
 */
import { LineIndex } from '../../util/text-lines.js';
import { scanShell } from './shell.js';
import { VIA_LITERAL, type DownloadSink } from './sink.js';

const ASSIGN = /^\s*(?:(?:export|override|private)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?::{1,3}=|[?+!]?=)\s*(.*)$/;

export function scanMakefile(text: string, sink: DownloadSink): void {
  const vars = new Map<string, string>();
  const view: string[] = [];
  let recipe = false;
  let continued = false;
  const lines = text.split('\n');
  lines.forEach((line, idx) => {
    const isRecipe = line.startsWith('\t') || (continued && recipe);
    continued = /\\\r?$/.test(line);
    recipe = isRecipe;
    if (isRecipe) {
      // Make strips the tab and the `@`, `-`, `+` prefixes before the shell sees the line.
      const lead = /^\t?[ \t]*[@+-]*/.exec(line)?.[0] ?? '';
      view.push(' '.repeat(lead.length) + line.slice(lead.length));
      return;
    }
    view.push(' '.repeat(line.length));
    const m = ASSIGN.exec(line);
    if (m === null) return;
    const value = (m[2] ?? '').replace(/\s+#.*$/, '').trim();
    vars.set(m[1] as string, value);
    if (/^https?:\/\//i.test(value)) sink.add({ raw: value, line: idx + 1, via: VIA_LITERAL, use: 'literal' });
  });
  const index = new LineIndex(text);
  scanShell(view.join('\n'), sink, { lineAt: (off) => index.lineAt(off), vars });
}
