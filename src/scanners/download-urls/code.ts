/**
 * Download URLs in Python and JavaScript / TypeScript, from the token
 * stream of code-refs' lexers (so comments never match, and Python
 * docstrings are skipped): URLs passed to download calls, resolved through
 * the constants the file assigns, shell commands run from strings, and
 * string literals that are weight, data or Hub file URLs on their own.
 */
import { Bindings } from '../code-refs/bindings.js';
import { evalValue, extractCalls, type Call, type Value } from '../code-refs/calls.js';
import { bareStrings } from '../code-refs/strings.js';
import { isOp, matchBrackets, skipGroup, type Lang, type Token } from '../code-refs/tokens.js';
import { HF_HUB_URL, ruleFor, SHELL_COMMAND, type ArgSpec, type CallRule } from './call-rules.js';
import { scanShell, scanWords } from './shell.js';
import { VIA_LITERAL, type DownloadSink } from './sink.js';
import { hubResolveUrl } from './url.js';

/** Strings longer than this are data or prose, not one URL or command. */
const MAX_STRING = 4096;
const MAX_LIST_WORDS = 64;

interface Ctx {
  readonly tokens: readonly Token[];
  readonly match: Int32Array;
  readonly lang: Lang;
  readonly bindings: Bindings;
  readonly sink: DownloadSink;
}

export function scanCodeTokens(tokens: Token[], lang: Lang, sink: DownloadSink): void {
  const match = matchBrackets(tokens);
  const calls = extractCalls(tokens, match, lang);
  const bindings = new Bindings(tokens, match, lang, calls);
  const ctx: Ctx = { tokens, match, lang, bindings, sink };
  for (const call of calls) scanCall(ctx, call);
  // Docstrings hold usage examples, not downloads.
  const bare = lang === 'py' ? bareStrings(tokens) : new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'string' || !t.literal || bare[i] === 1 || t.text.length > MAX_STRING) continue;
    if (/^\s*https?:\/\//i.test(t.text)) sink.add({ raw: t.text, line: t.line, via: VIA_LITERAL, use: 'literal' });
    else if (SHELL_COMMAND.test(t.text)) scanShell(t.text, sink, { lineAt: () => t.line });
  }
}

function scanCall(ctx: Ctx, call: Call): void {
  const segments = canonical(ctx, call);
  const last = segments[segments.length - 1];
  if (last === HF_HUB_URL) {
    hfHubUrl(ctx, call, segments);
    return;
  }
  const rule = ruleFor(segments);
  if (rule !== undefined) {
    const via = viaOf(ctx, call, segments, rule);
    const dest = argText(ctx, call, rule.dest);
    for (const v of urlValues(ctx, call, rule.url)) {
      ctx.sink.add({ raw: v.text, line: v.line, via, use: rule.use, ...(dest === undefined ? {} : { dest }) });
    }
    return;
  }
  shellList(ctx, call);
}

/**
 * The callee with a Python import alias expanded (`from torch.hub import
 * load_state_dict_from_url as lsd` makes `lsd` `torch.hub.load_state_dict_from_url`).
 * JS module specifiers are not names, so JS callees stay as written.
 */
function canonical(ctx: Ctx, call: Call): string[] {
  const segs = call.callee.split('.');
  if (ctx.lang !== 'py') return segs;
  for (let k = Math.min(segs.length, 4); k >= 1; k--) {
    const imp = ctx.bindings.importOf(segs.slice(0, k).join('.'));
    if (imp !== undefined) return [...imp.module.split('.'), ...imp.path, ...segs.slice(k)];
  }
  return segs;
}

function viaOf(ctx: Ctx, call: Call, segments: readonly string[], rule: CallRule): string {
  const imported = ctx.lang === 'py' && segments.join('.') !== call.callee;
  if (imported) return segments.join('.');
  if (segments.length === 1 && rule.label !== undefined) return rule.label;
  return call.callee;
}

interface UrlValue {
  readonly text: string;
  readonly line: number;
}

/** The URL argument: a literal, a constant it resolves to, or every literal in a list / dict argument. */
function urlValues(ctx: Ctx, call: Call, spec: ArgSpec): UrlValue[] {
  const v = argValue(call, spec);
  if (v === undefined) return [];
  if (v.kind === 'str') return [{ text: v.text, line: v.line }];
  const r = ctx.bindings.resolveString(v, call.open);
  if (r !== undefined) return [{ text: r.text, line: call.line }];
  if (v.kind !== 'other') return [];
  // `data_files={"train": "https://…", "test": "https://…"}`, `[url_a, url_b]`.
  const out: UrlValue[] = [];
  for (let k = v.start; k < v.end && out.length < MAX_LIST_WORDS; k++) {
    const t = ctx.tokens[k] as Token;
    if (t.kind === 'string' && t.literal && /^\s*https?:\/\//i.test(t.text)) out.push({ text: t.text, line: t.line });
  }
  return out;
}

function argValue(call: Call, spec: ArgSpec | undefined): Value | undefined {
  if (spec === undefined) return undefined;
  for (const k of spec.kw ?? []) {
    const v = call.keywords.get(k);
    if (v !== undefined) return v;
  }
  return spec.pos === undefined ? undefined : call.positional[spec.pos];
}

function argText(ctx: Ctx, call: Call, spec: ArgSpec | undefined): string | undefined {
  return ctx.bindings.resolveString(argValue(call, spec), call.open)?.text;
}

/** `hf_hub_url("org/name", "model.safetensors", revision="v1")` → the Hub file URL it builds. */
function hfHubUrl(ctx: Ctx, call: Call, segments: readonly string[]): void {
  const repo = argText(ctx, call, { pos: 0, kw: ['repo_id'] });
  const file = argText(ctx, call, { pos: 1, kw: ['filename'] });
  const type = argText(ctx, call, { kw: ['repo_type'] });
  if (repo === undefined || file === undefined || (type !== undefined && type !== 'model' && type !== 'dataset')) return;
  const sub = argText(ctx, call, { kw: ['subfolder'] });
  const revision = argText(ctx, call, { kw: ['revision'] }) ?? 'main';
  const path = sub === undefined || sub === '' ? file : `${sub.replace(/\/+$/, '')}/${file}`;
  ctx.sink.add({ raw: hubResolveUrl(repo, path, revision, type === 'dataset'), line: call.line, via: segments.join('.'), use: 'model-download' });
}

/** `subprocess.run(["wget", "-O", path, url])`: a command as a list of words. */
function shellList(ctx: Ctx, call: Call): void {
  const arg = call.positional[0];
  if (arg?.kind !== 'other' || !isOp(ctx.tokens[arg.start], '[')) return;
  const first = ctx.tokens[arg.start + 1];
  if (first?.kind !== 'string' || !SHELL_COMMAND.test(`${first.text} `)) return;
  const close = ctx.match[arg.start] ?? -1;
  if (close < arg.start) return;
  const words: Array<string | undefined> = [];
  let p = arg.start + 1;
  while (p < close && words.length < MAX_LIST_WORDS) {
    let q = p;
    while (q < close && !isOp(ctx.tokens[q], ',')) q = skipGroup(ctx.tokens, ctx.match, q);
    if (q > p) words.push(ctx.bindings.resolveString(evalValue(ctx.tokens, ctx.match, p, q), call.open)?.text);
    p = q + 1;
  }
  scanWords(words, call.line, ctx.sink);
}
