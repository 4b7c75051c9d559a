/**
 * `--update`: refresh the generated facts of an existing card without losing
 * a human edit.
 *
 * A draft records what mlbom generated: each generated block sits between
 * `<!-- mlbom:begin NAME sha256=… -->` and `<!-- mlbom:end NAME -->` with the
 * hash of what was generated, and the generated front matter is recorded in a
 * trailing `<!-- mlbom:front-matter … -->` comment. On update a block or a
 * front-matter value is replaced only when it is still exactly what mlbom
 * wrote; anything a person changed (or added, or deleted) stays as it is.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { MlbomError } from '../errors.js';

const BLOCK = /<!-- mlbom:begin ([a-z-]+)(?: sha256=([0-9a-f]+))? -->([\s\S]*?)<!-- mlbom:end \1 -->/g;
const RECORD = /\n?<!-- mlbom:front-matter ([A-Za-z0-9+/=]*) -->\n?/;

const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Stamp every generated block with the hash of its content, and record the generated front matter. */
export function stampCard(md: string, fm: Record<string, unknown>): string {
  const stamped = md.replace(BLOCK, (_all, name: string, _h: string | undefined, inner: string) => `<!-- mlbom:begin ${name} sha256=${shortHash(inner)} -->${inner}<!-- mlbom:end ${name} -->`);
  const record = Buffer.from(JSON.stringify(fm), 'utf8').toString('base64');
  return `${stamped.trimEnd()}\n\n<!-- mlbom:front-matter ${record} -->\n`;
}

function splitFrontMatter(md: string): { fm: string | undefined; body: string } {
  const m = /^---\r?\n([\s\S]*?\r?\n)?---\r?\n/.exec(md);
  if (m === null) return { fm: undefined, body: md };
  return { fm: m[1] ?? '', body: md.slice(m[0].length) };
}

export interface UpdateResult {
  text: string;
  refreshed: string[];
  kept: string[];
}

/** Merge a fresh draft (`fresh`, stamped) into an existing card. */
export function updateCard(existing: string, fresh: string, freshFm: Record<string, unknown>): UpdateResult {
  const refreshed: string[] = [];
  const kept: string[] = [];
  const old = splitFrontMatter(existing);
  const rec = RECORD.exec(old.body);
  let prevFm: Record<string, unknown> = {};
  if (rec !== null) {
    try {
      prevFm = JSON.parse(Buffer.from(rec[1]!, 'base64').toString('utf8')) as Record<string, unknown>;
    } catch {
      prevFm = {};
    }
  }
  // Front matter: a key is mlbom's only while it still holds what mlbom wrote.
  const doc = parseDocument(old.fm ?? '');
  if (doc.errors.length > 0) throw new MlbomError('INPUT', `the existing card's front matter is not valid YAML: ${doc.errors[0]!.message}`);
  const current = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof current !== 'object' || Array.isArray(current)) throw new MlbomError('INPUT', "the existing card's front matter is not a YAML mapping");
  let fmChanged = false;
  for (const key of new Set([...Object.keys(freshFm), ...Object.keys(prevFm)])) {
    const has = Object.prototype.hasOwnProperty.call(current, key);
    const hadPrev = Object.prototype.hasOwnProperty.call(prevFm, key);
    const next = freshFm[key];
    if (has) {
      if (isDeepStrictEqual(current[key], next)) continue;
      if (hadPrev && isDeepStrictEqual(current[key], prevFm[key])) {
        if (next === undefined) doc.delete(key);
        else doc.set(key, doc.createNode(next));
        refreshed.push(`front matter ${key}`);
        fmChanged = true;
      } else if (next !== undefined) kept.push(`front matter ${key} (edited by hand; the BOM now says ${JSON.stringify(next)})`);
    } else if (next !== undefined && !hadPrev) {
      doc.set(key, doc.createNode(next));
      refreshed.push(`front matter ${key} (added)`);
      fmChanged = true;
    }
  }
  // Body: replace each generated block that nobody edited.
  const freshBlocks = new Map<string, string>();
  for (const m of splitFrontMatter(fresh).body.matchAll(BLOCK)) freshBlocks.set(m[1]!, m[0]);
  let body = old.body.replace(BLOCK, (all, name: string, hash: string | undefined, inner: string) => {
    const repl = freshBlocks.get(name);
    if (repl === undefined) return all;
    if (hash === undefined || hash !== shortHash(inner)) {
      if (repl !== all) kept.push(`${name} (edited by hand)`);
      return all;
    }
    if (repl !== all) refreshed.push(name);
    return repl;
  });
  const record = `<!-- mlbom:front-matter ${Buffer.from(JSON.stringify(freshFm), 'utf8').toString('base64')} -->`;
  body = RECORD.test(body) ? body.replace(RECORD, (m) => m.replace(/<!--[\s\S]*-->/, record)) : `${body.trimEnd()}\n\n${record}\n`;
  let fmText: string;
  if (old.fm !== undefined && !fmChanged) fmText = `---\n${old.fm}---\n`;
  else {
    const s = doc.contents === null ? '' : doc.toString({ lineWidth: 0 });
    fmText = s.trim() === '' || s.trim() === '{}' ? '' : `---\n${s}---\n`;
  }
  return { text: `${fmText}${body}`, refreshed, kept };
}

/** A unified diff of two texts (line based, 3 lines of context). */
export function unifiedDiff(a: string, b: string, nameA: string, nameB: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  type Op = { t: ' ' | '-' | '+'; s: string; i: number; j: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ t: ' ', s: x[i]!, i: i++, j: j++ });
    else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ t: '+', s: y[j]!, i, j: j++ });
    else ops.push({ t: '-', s: x[i]!, i: i++, j });
  }
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.t === ' ') { k++; continue; }
    let start = Math.max(0, k - 3);
    let end = k;
    while (end < ops.length) {
      if (ops[end]!.t !== ' ') { end++; continue; }
      let run = 0;
      while (end + run < ops.length && ops[end + run]!.t === ' ') run++;
      if (end + run >= ops.length || run > 6) { end = Math.min(ops.length, end + 3); break; }
      end += run;
    }
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${hunk[0]!.i + 1},${aLen} +${hunk[0]!.j + 1},${bLen} @@`);
    for (const o of hunk) out.push(`${o.t}${o.s}`);
    k = end;
    start = end;
  }
  if (out.length === 0) return '';
  return `--- ${nameA}\n+++ ${nameB}\n${out.join('\n')}\n`;
}
