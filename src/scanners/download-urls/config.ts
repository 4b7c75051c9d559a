/**
 * Download URLs in YAML, JSON and TOML: a URL value under a download-ish key
 * (`weights:`, `checkpoint_url:`, `data_url:`, `download_url:`, `source:`),
 * a weight, data or Hub file URL under any key, and `wget` / `curl`
 * commands inside string values (CI `run:` steps, package.json scripts,
 * docker-compose `command:`). Parsing reuses config-refs' bounded trees.
 */
import { configFormat } from '../config-refs/claims.js';
import { jsonLocator, tomlLocator, type Locate } from '../config-refs/lines.js';
import { fromJs, MAX_DEPTH, newBudget, type CNode } from '../config-refs/tree.js';
import { yamlTree } from '../config-refs/yaml-tree.js';
import { parseTomlSafely } from '../../util/toml-safe.js';
import type { UseContext } from './classify.js';
import { scanShell } from './shell.js';
import type { DownloadSink } from './sink.js';

export type ConfigKind = 'yaml' | 'json' | 'toml';

/** YAML composes at about 1 MB a second; bigger YAML or TOML is data, not config. */
const MAX_PARSED_BYTES = 1024 * 1024;
const VIA = 'config';
const SHELL_IN_VALUE = /(?:^|[\s;&|(])(?:wget|curl|aria2c)\s/;

const MODEL_TOKENS = new Set(['model', 'models', 'weight', 'weights', 'checkpoint', 'checkpoints', 'ckpt', 'pretrained', 'backbone']);
const DATA_TOKENS = new Set(['data', 'dataset', 'datasets', 'corpus', 'train', 'training', 'validation', 'val', 'test', 'eval']);
const URL_TOKENS = new Set(['url', 'urls', 'uri', 'uris', 'download', 'downloads', 'source', 'src', 'file', 'files', 'path', 'location', 'remote', 'mirror']);
/** OpenMMLab's `load_from` / `resume_from` name a checkpoint. */
const CHECKPOINT_KEYS = new Set(['load_from', 'resume_from', 'init_from']);

interface Parsed {
  readonly roots: CNode[];
  readonly locate?: Locate;
  readonly error?: string;
}

export function scanConfigText(text: string, kind: ConfigKind, path: string, sink: DownloadSink): void {
  // config-refs reads the same YAML, JSON and TOML and reports why it could not: one warning per file is enough.
  const reported = configFormat(path) !== undefined;
  if ((kind === 'yaml' || kind === 'toml') && text.length > MAX_PARSED_BYTES) {
    if (!reported) sink.issue(`${kind} larger than 1 MiB; not read for download URLs`);
    return;
  }
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const parsed = parse(src, kind);
  if (parsed.error !== undefined && !reported) sink.issue(parsed.error);
  const w = new ConfigWalker(src, sink, parsed.locate);
  for (const root of parsed.roots) w.node(root, [], 0);
}

function parse(text: string, kind: ConfigKind): Parsed {
  const budget = newBudget();
  if (kind === 'yaml') {
    const t = yamlTree(text, budget);
    // Helm and Jinja templates are not YAML until rendered: what parsed is used, and no warning.
    const templated = /\{\{|\{%/.test(text);
    return t.error === undefined || templated ? { roots: t.roots } : { roots: t.roots, error: t.error };
  }
  if (kind === 'json') {
    if (text.trim() === '') return { roots: [] };
    try {
      return { roots: [fromJs(JSON.parse(text) as unknown, budget)], locate: jsonLocator(text) };
    } catch {
      // V8's message quotes the text around the error, which may hold a secret.
      return { roots: [], error: 'invalid json' };
    }
  }
  const t = parseTomlSafely(text, 64);
  if (t.data === undefined) return { roots: [], error: t.error ?? 'invalid toml' };
  return { roots: [fromJs(t.data, budget)], locate: tomlLocator(text) };
}

class ConfigWalker {
  private starts: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly sink: DownloadSink,
    private readonly locate: Locate | undefined,
  ) {}

  node(n: CNode, keys: string[], depth: number): void {
    if (depth > MAX_DEPTH) return;
    if (n.t === 'map') {
      for (const e of n.entries) {
        const path = [...keys, e.key];
        if (e.value.t === 'scalar') this.scalar(e.key, e.value.value, e.value.line ?? e.line, path, true);
        else this.node(e.value, path, depth + 1);
      }
    } else if (n.t === 'seq') {
      // A list item takes its meaning from the list's key (`weights: [url, url]`).
      const key = keys[keys.length - 1] ?? '';
      for (const item of n.items) {
        if (item.t === 'scalar') this.scalar(key, item.value, item.line, keys, false);
        else this.node(item, keys, depth + 1);
      }
    }
  }

  private scalar(key: string, value: unknown, line: number | undefined, path: string[], keyed: boolean): void {
    if (typeof value !== 'string' || value.length > 65536) return;
    // JSON and TOML lines are found by a text search: only for the values that are kept.
    const at = (): number => line ?? this.locate?.(keyed ? key : undefined, value) ?? this.search(value, 1);
    const trimmed = value.trim();
    if (/^https?:\/\//i.test(trimmed)) {
      const ctx = keyContext(key, path[path.length - 2]);
      this.sink.add({ raw: trimmed, line: at, via: VIA, configKey: path.join('.'), ...ctx });
    } else if (SHELL_IN_VALUE.test(value) && value.includes('://')) {
      // A block scalar's lines follow its key; find each URL where it is written.
      const from = at();
      scanShell(value, this.sink, { lineAt: (off) => this.search(wordAt(value, off), from) });
    }
  }

  /** First line at or after `from` that holds `needle` as written; `from` when none does. */
  private search(needle: string, from: number): number {
    if (needle === '') return from;
    if (this.starts === undefined) {
      this.starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    }
    const offset = this.starts[from - 1];
    const found = offset === undefined ? -1 : this.text.indexOf(needle, offset);
    return found < 0 ? from : lineOf(this.starts, found);
  }
}

/** 1-based line of an offset, by binary search over the line starts. */
function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The word of `text` starting at `off`, as written (up to whitespace or a quote). */
function wordAt(text: string, off: number): string {
  const m = /^[^\s'"]+/.exec(text.slice(off, off + 2048));
  return m?.[0] ?? '';
}

/**
 * What a key says about the URL under it. A generic key (`url`, `source`)
 * takes its kind from the key above it: `data: {download_url: …}`.
 */
export function keyContext(key: string, parent?: string): Pick<UseContext, 'use' | 'keyKind' | 'keyDownload'> {
  if (CHECKPOINT_KEYS.has(key.toLowerCase())) return { use: 'config-key', keyKind: 'model', keyDownload: true };
  const own = keyTokens(key);
  const kind = tokenKind(own);
  const url = own.some((t) => URL_TOKENS.has(t));
  if (kind === undefined && !url) return { use: 'literal' };
  const keyKind = kind ?? (parent === undefined ? undefined : tokenKind(keyTokens(parent))) ?? 'generic';
  return { use: 'config-key', keyKind, keyDownload: own.some((t) => t === 'download' || t === 'downloads') };
}

function keyTokens(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');
}

function tokenKind(tokens: readonly string[]): 'model' | 'dataset' | undefined {
  if (tokens.some((t) => MODEL_TOKENS.has(t))) return 'model';
  if (tokens.some((t) => DATA_TOKENS.has(t))) return 'dataset';
  return undefined;
}
