/**
 * Downloads in shell: `wget URL`, `curl -o FILE URL` / `curl -O URL` /
 * `curl URL > FILE` / `curl URL | tar x`, `aria2c URL`, and Dockerfile
 * `ADD URL DEST`. Shell, Dockerfile `ENV`/`ARG` and Makefile variables are
 * substituted when the file assigns them; a URL that still holds an
 * expansion is not known until run time and is left out.
 *
 * wget: https://www.gnu.org/software/wget/manual/wget.html
 * curl: https://curl.se/docs/manpage.html
 * Dockerfile ADD: https://docs.docker.com/reference/dockerfile/#add
 */
import type { Use } from './classify.js';
import { shellCommands, type Command, type Word } from './shell-lexer.js';
import { VIA_LITERAL, type DownloadSink } from './sink.js';

export interface ShellOptions {
  /** `ADD`, `RUN`, `ENV` and `ARG` are Dockerfile instructions. */
  readonly dockerfile?: boolean;
  /** 1-based file line of an offset in the scanned text. */
  readonly lineAt: (offset: number) => number;
  /** Variables known before this text (Makefile variables, earlier cells). Updated in place. */
  readonly vars?: Map<string, string>;
}

/** Words that run the next word as the command. */
const PREFIXES = new Set(['sudo', 'exec', 'time', 'nohup', 'command', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', 'RUN', 'xargs', 'nice']);
const DECLARES = new Set(['export', 'local', 'readonly', 'declare', 'typeset']);
/** Options whose value is the next word (so it is not a URL to fetch). */
const CURL_VALUE_OPTS = new Set(['-H', '-d', '-u', '-X', '-A', '-e', '-F', '-b', '-c', '-T', '-w', '-x', '-m', '-r', '-z', '-K', '-E', '-C', '-y', '-Y', '--header', '--data', '--data-raw', '--data-binary', '--user', '--request', '--user-agent', '--referer', '--form', '--cookie', '--proxy', '--max-time', '--config', '--cert', '--output-dir']);
const WGET_VALUE_OPTS = new Set(['-o', '-a', '-e', '-t', '-T', '-w', '-U', '-i', '-B', '--header', '--user', '--password', '--referer', '--post-data', '--input-file', '--base', '--user-agent']);
const ARIA_VALUE_OPTS = new Set(['-d', '--dir', '-x', '-s', '-j', '-k', '--header', '-i', '--input-file']);
/** Commands that unpack what is piped in: the download is kept, not printed. */
const EXTRACTORS = new Set(['tar', 'bsdtar', 'unzip', 'gunzip', 'gzip', 'zcat', 'xz', 'unxz', 'zstd', 'bunzip2', 'bzip2', 'tee']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_SUBST_DEPTH = 5;
/** Characters substitution may add to one word: a URL is far shorter. */
const MAX_SUBST_CHARS = 8192;

interface Fetch {
  readonly url: Word;
  readonly via: string;
  readonly use: Use;
  readonly dest?: string;
}

export function scanShell(text: string, sink: DownloadSink, opts: ShellOptions): void {
  const vars = opts.vars ?? new Map<string, string>();
  for (const cmd of shellCommands(text)) {
    const fetched = new Set<number>();
    for (const f of commandFetches(cmd, vars, opts.dockerfile === true)) {
      fetched.add(f.url.start);
      sink.add({ raw: substitute(f.url.text, vars), line: opts.lineAt(f.url.start), via: f.via, use: f.use, ...(f.dest === undefined ? {} : { dest: substitute(f.dest, vars) }) });
    }
    // Any other word that is a weight or data URL: `python train.py --weights=https://…/yolo.pt`, `URL=https://…`.
    for (const w of cmd.words) {
      if (fetched.has(w.start) || !(w.text.includes('://') || w.text.includes('$'))) continue;
      const value = substitute(w.text, vars);
      const eq = value.indexOf('=');
      const url = /^https?:\/\//i.test(value) ? value : eq > 0 ? value.slice(eq + 1) : '';
      if (/^https?:\/\//i.test(url)) sink.add({ raw: url, line: opts.lineAt(w.start), via: VIA_LITERAL, use: 'literal' });
    }
  }
}

/** Strip assignments and prefixes; record variables; return what the command downloads. */
function commandFetches(cmd: Command, vars: Map<string, string>, dockerfile: boolean): Fetch[] {
  const words = execForm(cmd.words, dockerfile);
  let k = 0;
  while (k < words.length) {
    const w = (words[k] as Word).text;
    if (assignment(w, vars)) k++;
    else if (PREFIXES.has(w) || (w.startsWith('-') && k > 0 && PREFIXES.has((words[k - 1] as Word).text))) k++;
    else break;
  }
  const head = words[k]?.text ?? '';
  const args = words.slice(k + 1);
  if (DECLARES.has(head) || (dockerfile && (head === 'ENV' || head === 'ARG'))) {
    declare(args, vars, dockerfile && head === 'ENV');
    return [];
  }
  const name = head.slice(head.lastIndexOf('/') + 1);
  if (name === 'wget') return wget(args, cmd);
  if (name === 'curl') return curl(args, cmd);
  if (name === 'aria2c') return aria2c(args);
  if (dockerfile && head === 'ADD') return dockerAdd(args);
  return [];
}

/** Dockerfile exec form `RUN ["wget", "-O", "x", "URL"]`: the JSON brackets and commas stay on the words. */
function execForm(words: readonly Word[], dockerfile: boolean): Word[] {
  const second = words[1];
  if (!dockerfile || second === undefined || !second.text.startsWith('[')) return [...words];
  return [words[0] as Word, ...words.slice(1).map((w, i) => ({ start: w.start, text: (i === 0 ? w.text.slice(1) : w.text).replace(/[,\]]+$/, '') }))];
}

function assignment(word: string, vars: Map<string, string>): boolean {
  const eq = word.indexOf('=');
  if (eq <= 0 || !IDENT.test(word.slice(0, eq))) return false;
  vars.set(word.slice(0, eq), substitute(word.slice(eq + 1), vars));
  return true;
}

/** `export A=1 B=2`, Dockerfile `ARG A=1`, and the legacy `ENV A 1`. */
function declare(args: readonly Word[], vars: Map<string, string>, legacyEnv: boolean): void {
  const first = args[0]?.text ?? '';
  if (legacyEnv && args.length >= 2 && IDENT.test(first)) {
    vars.set(first, substitute(args.slice(1).map((w) => w.text).join(' '), vars));
    return;
  }
  for (const w of args) assignment(w.text, vars);
}

function wget(args: readonly Word[], cmd: Command): Fetch[] {
  let dest: string | undefined;
  const urls: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = (args[i] as Word).text;
    if (w === '-O' || w === '--output-document') dest = args[++i]?.text;
    else if (w.startsWith('--output-document=')) dest = w.slice(w.indexOf('=') + 1);
    else if (/^-[A-Za-z]*O./.test(w) && !w.startsWith('--')) dest = w.slice(w.indexOf('O') + 1);
    else if (/^-[A-Za-z]*O$/.test(w)) dest = args[++i]?.text;
    else if (WGET_VALUE_OPTS.has(w)) i++;
    else if (isUrl(w)) urls.push(args[i] as Word);
  }
  // `wget -O - URL` prints the download: unless it is unpacked, only a telling extension makes it one.
  const use: Use = dest === '-' && !EXTRACTORS.has(baseName(cmd.pipeTo ?? '')) ? 'fetch' : 'shell';
  return urls.map((url) => ({ url, via: 'wget', use, ...(dest === undefined || dest === '-' ? {} : { dest }) }));
}

function curl(args: readonly Word[], cmd: Command): Fetch[] {
  let dest: string | undefined = cmd.redirect;
  let saved = dest !== undefined || EXTRACTORS.has(baseName(cmd.pipeTo ?? ''));
  const urls: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = (args[i] as Word).text;
    if (w === '--output' || w === '-o') {
      dest = args[++i]?.text;
      saved = true;
    } else if (w.startsWith('--output=')) {
      dest = w.slice(9);
      saved = true;
    } else if (w === '--remote-name' || w === '--remote-name-all' || w === '--remote-header-name') {
      saved = true;
    } else if (w === '--url') {
      const u = args[++i];
      if (u !== undefined) urls.push(u);
    } else if (CURL_VALUE_OPTS.has(w)) {
      i++;
    } else if (/^-[A-Za-z0-9#]+$/.test(w)) {
      // A cluster of short flags (`-fsSLo FILE`, `-LO`): `o` takes a value, the rest of the cluster or the next word.
      const o = w.indexOf('o');
      if (w.includes('O') || w.includes('J')) saved = true;
      if (o > 0) {
        dest = o === w.length - 1 ? args[++i]?.text : w.slice(o + 1);
        saved = true;
      } else if (CURL_VALUE_OPTS.has(`-${w.slice(-1)}`)) i++;
    } else if (isUrl(w)) urls.push(args[i] as Word);
  }
  // Without an output, curl prints what it fetches (an API call, an installer piped to sh).
  const use: Use = saved && dest !== '-' ? 'shell' : 'fetch';
  return urls.map((url) => ({ url, via: 'curl', use, ...(dest === undefined || dest === '-' ? {} : { dest }) }));
}

function aria2c(args: readonly Word[]): Fetch[] {
  let dest: string | undefined;
  const urls: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = (args[i] as Word).text;
    if (w === '-o' || w === '--out') dest = args[++i]?.text;
    else if (w.startsWith('--out=')) dest = w.slice(6);
    else if (ARIA_VALUE_OPTS.has(w)) i++;
    else if (isUrl(w)) urls.push(args[i] as Word);
  }
  return urls.map((url) => ({ url, via: 'aria2c', use: 'shell' as const, ...(dest === undefined ? {} : { dest }) }));
}

/** `ADD [--checksum=…] [--chown=…] SRC… DEST`: every URL source is downloaded at build time. */
function dockerAdd(args: readonly Word[]): Fetch[] {
  const plain = args.filter((w) => !w.text.startsWith('--'));
  if (plain.length < 2) return [];
  const dest = (plain[plain.length - 1] as Word).text;
  const out: Fetch[] = [];
  for (const w of plain.slice(0, -1)) {
    if (isUrl(w.text)) out.push({ url: w, via: 'dockerfile-add', use: 'shell', ...(dest.endsWith('/') ? {} : { dest }) });
  }
  return out;
}

function isUrl(w: string): boolean {
  return /^(?:https?:\/\/|\$)/i.test(w) && w.length > 1;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * `$VAR`, `${VAR}`, `${VAR:-default}`, Make's `$(VAR)`, with the values this
 * file assigns; unknown ones stay (and keep the URL from being recorded).
 */
export function substitute(text: string, vars: ReadonlyMap<string, string>, depth = 0): string {
  if (!text.includes('$') || depth > MAX_SUBST_DEPTH) return text;
  // Variables that expand to each other can grow without bound; past the cap the rest stays unexpanded.
  let budget = MAX_SUBST_CHARS;
  const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}$]*))?\}|\(([A-Za-z_][A-Za-z0-9_]*)\)|([A-Za-z_][A-Za-z0-9_]*))/g, (m, braced?: string, dflt?: string, paren?: string, bare?: string) => {
    const value = vars.get(braced ?? paren ?? bare ?? '') ?? dflt;
    if (value === undefined || value.length > budget) return m;
    budget -= value.length;
    return value;
  });
  return out === text ? out : substitute(out, vars, depth + 1);
}

/**
 * A command given as a list of words (`subprocess.run(["wget", "-O", f, url])`);
 * `undefined` words are values the code computes. All on one line.
 */
export function scanWords(words: ReadonlyArray<string | undefined>, line: number, sink: DownloadSink): void {
  const list: Word[] = words.map((text, i) => ({ text: text ?? '$?', start: i }));
  const vars = new Map<string, string>();
  for (const f of commandFetches({ words: list }, vars, false)) {
    sink.add({ raw: f.url.text, line, via: f.via, use: f.use, ...(f.dest === undefined ? {} : { dest: f.dest }) });
  }
}
