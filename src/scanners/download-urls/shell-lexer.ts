/**
 * Splits POSIX shell text into simple commands of words, just well enough to
 * find `wget` / `curl` / `ADD` and their arguments: quotes are removed,
 * comments skipped, `\`-newline joins lines, and `;`, `&&`, `||`, `|`,
 * newlines and parentheses end a command. Expansions are kept as written
 * (`$VAR`, `$(cmd)`) for the caller to substitute or reject.
 * Grammar: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html
 *
 * Linear: every character is read once; quotes and `$(…)` left open end at
 * the end of the text.
 */

export interface Word {
  /** The word with quotes and escapes removed. */
  readonly text: string;
  /** Offset of its first character in the text. */
  readonly start: number;
}

export interface Command {
  readonly words: Word[];
  /** The word a `>` / `>>` redirects output to. */
  redirect?: string;
  /** First word of the command this one pipes into (`curl … | tar xz`). */
  pipeTo?: string;
}

export function shellCommands(text: string): Command[] {
  return new ShellLexer(text).run();
}

class ShellLexer {
  private readonly out: Command[] = [];
  private cur: Command = { words: [] };
  private word = '';
  private wordStart = -1;
  /** The next word is the target of `>` (or ignored, after `<`). */
  private pending: 'out' | 'in' | undefined;
  private piped = false;

  private readonly end: number;

  constructor(private readonly s: string) {
    this.end = s.length;
  }

  run(): Command[] {
    let i = 0;
    const s = this.s;
    while (i < this.end) {
      const c = s[i] as string;
      if (c === '\\') {
        i = this.escape(i);
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        this.endWord();
        i++;
        continue;
      }
      if (c === '\n' || c === ';' || c === '(' || c === ')') {
        this.endCommand(false);
        i++;
        continue;
      }
      if (c === '&' || c === '|') {
        const doubled = s[i + 1] === c;
        this.endCommand(c === '|' && !doubled);
        i += doubled ? 2 : 1;
        continue;
      }
      if (c === '>' || c === '<') {
        i = this.redirect(i);
        continue;
      }
      if (c === '#' && this.wordStart < 0) {
        while (i < this.end && s[i] !== '\n') i++;
        continue;
      }
      if (c === "'" || c === '"') {
        i = this.quoted(i);
        continue;
      }
      if ((c === '$' && s[i + 1] === '(') || c === '`') {
        i = this.substitution(i);
        continue;
      }
      this.append(c, i);
      i++;
    }
    this.endCommand(false);
    return this.out;
  }

  private append(text: string, at: number): void {
    if (this.wordStart < 0) this.wordStart = at;
    this.word += text;
  }

  private escape(i: number): number {
    const next = this.s[i + 1];
    if (next === '\n') return i + 2; // line continuation
    if (next === '\r' && this.s[i + 2] === '\n') return i + 3;
    if (next !== undefined) this.append(next, i);
    return i + 2;
  }

  private quoted(i: number): number {
    const q = this.s[i] as string;
    if (this.wordStart < 0) this.wordStart = i;
    let j = i + 1;
    let seg = j;
    let text = '';
    while (j < this.end && this.s[j] !== q) {
      if (q === '"' && this.s[j] === '\\' && j + 1 < this.end) {
        const n = this.s[j + 1] as string;
        text += this.s.slice(seg, j) + (n === '\n' ? '' : '"\\$`'.includes(n) ? n : `\\${n}`);
        j += 2;
        seg = j;
        continue;
      }
      j++;
    }
    this.word += text + this.s.slice(seg, Math.min(j, this.end));
    return j + 1;
  }

  /** `$(…)` or a backquoted command, kept as written inside the word: its value is unknown. */
  private substitution(i: number): number {
    let j: number;
    if (this.s[i] === '`') {
      const close = this.s.indexOf('`', i + 1);
      j = close < 0 || close >= this.end ? this.end : close + 1;
    } else {
      let depth = 0;
      for (j = i + 1; j < this.end; j++) {
        const c = this.s[j];
        if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
      }
      j = Math.min(j + 1, this.end);
    }
    this.append(this.s.slice(i, j), i);
    return j;
  }

  private redirect(i: number): number {
    // `2>` names a file descriptor, not a word.
    if (/^\d+$/.test(this.word)) {
      this.word = '';
      this.wordStart = -1;
    } else this.endWord();
    const c = this.s[i];
    let j = i + 1;
    while (this.s[j] === '>' || this.s[j] === '<') j++;
    if (this.s[j] === '&') {
      // `2>&1`, `>&2`: a descriptor, not a file.
      j++;
      while (j < this.end && /\d|-/.test(this.s[j] as string)) j++;
      return j;
    }
    this.pending = c === '>' ? 'out' : 'in';
    return j;
  }

  private endWord(): void {
    if (this.wordStart < 0) return;
    const w = { text: this.word, start: this.wordStart };
    this.word = '';
    this.wordStart = -1;
    if (this.pending === 'out') this.cur.redirect = w.text;
    else if (this.pending === undefined) this.cur.words.push(w);
    this.pending = undefined;
  }

  private endCommand(pipe: boolean): void {
    this.endWord();
    this.pending = undefined;
    if (this.cur.words.length > 0 || this.cur.redirect !== undefined) {
      const prev = this.out[this.out.length - 1];
      if (this.piped && prev !== undefined && prev.pipeTo === undefined) prev.pipeTo = this.cur.words[0]?.text ?? '';
      this.out.push(this.cur);
    }
    this.cur = { words: [] };
    this.piped = pipe;
  }
}
