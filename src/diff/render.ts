/** Renderers: text (terminal), markdown (PR comment), json (stable schema, docs/DIFF.md). */
import { ASSET_TYPES, type AssetType, type Change, type DiffResult } from './types.js';

export type DiffFormat = 'text' | 'markdown' | 'json';

const TITLES: Record<AssetType, string> = {
  model: 'Models', dataset: 'Datasets', prompt: 'Prompts', service: 'Services', package: 'Packages', other: 'Other components',
};

export function renderJson(r: DiffResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

function short(v: string | null, max = 80): string {
  if (v === null) return '∅';
  const one = v.replace(/\s*\n\s*/g, '; ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function describe(c: Change, max: number): string {
  const sev = c.severity !== undefined ? ` [${c.severity}]` : '';
  switch (c.kind) {
    case 'added': return `added ${short(c.after, max)}${c.pickle ? ' [pickle]' : ''}`;
    case 'removed': return `removed ${short(c.before, max)}`;
    case 'dataset-added': return `training dataset added: ${short(c.after, max)}`;
    case 'dataset-removed': return `training dataset removed: ${short(c.before, max)}`;
    case 'finding-added': return `finding added: ${short(c.after, max)}`;
    case 'finding-resolved': return `finding resolved: ${short(c.before, max)}`;
    case 'integrity': return `INTEGRITY: same version, different content (${c.field}): ${short(c.before, max)} → ${short(c.after, max)}`;
    case 'metric-changed': {
      const d = c.delta !== undefined ? ` (Δ ${c.delta > 0 ? '+' : ''}${c.delta})` : '';
      return `${c.field}: ${short(c.before, max)} → ${short(c.after, max)}${d}${sev}`;
    }
    default: return `${c.field}: ${short(c.before, max)} → ${short(c.after, max)}${sev}${c.pickle ? ' [pickle]' : ''}`;
  }
}

function grouped(r: DiffResult): [AssetType, Map<string, Change[]>][] {
  const out: [AssetType, Map<string, Change[]>][] = [];
  for (const t of ASSET_TYPES) {
    const m = new Map<string, Change[]>();
    for (const c of r.changes) {
      if (c.assetType !== t) continue;
      const key = `${c.name}${c.ref !== null ? ` (${c.ref})` : ''}`;
      const l = m.get(key);
      if (l) l.push(c);
      else m.set(key, [c]);
    }
    if (m.size > 0) out.push([t, m]);
  }
  return out;
}

export function renderText(r: DiffResult, opts: { color?: boolean } = {}): string {
  const paint = (code: string, s: string): string => (opts.color === true ? `\u001b[${code}m${s}\u001b[0m` : s);
  const s = r.summary;
  if (r.changes.length === 0) return 'No changes.\n';
  const lines = [`${s.added} added, ${s.removed} removed, ${s.changed} changed`];
  for (const [t, m] of grouped(r)) {
    const c = s.byAssetType[t];
    lines.push('', paint('1', `${TITLES[t]} (+${c.added} -${c.removed} ~${c.changed})`));
    for (const [who, changes] of m) {
      const only = changes.length === 1 && (changes[0]!.kind === 'added' || changes[0]!.kind === 'removed') ? changes[0]! : undefined;
      if (only !== undefined) {
        lines.push(only.kind === 'added' ? paint('32', `  + ${who}${only.pickle ? ' [pickle]' : ''}`) : paint('31', `  - ${who}`));
        continue;
      }
      lines.push(`  ~ ${who}`);
      for (const ch of changes) {
        const alert = ch.kind === 'integrity' || ch.severity === 'regression' || ch.severity === 'downgrade';
        lines.push(alert ? paint('31', `      ${describe(ch, 100)}`) : `      ${describe(ch, 100)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function md(s: string): string {
  return s.replace(/[|\\`*_<>[\]]/g, (ch) => `\\${ch}`);
}

function code(v: string | null): string {
  if (v === null) return '—';
  const one = v.replace(/\s*\n\s*/g, '; ').replace(/\|/g, '\\|');
  const t = one.length > 200 ? `${one.slice(0, 199)}…` : one;
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

export function renderMarkdown(r: DiffResult): string {
  const s = r.summary;
  const out: string[] = ['## mlbom diff', ''];
  if (r.changes.length === 0) return `${out.join('\n')}No changes to the AI supply chain.\n`;
  const alerts = r.changes.filter((c) => c.kind === 'integrity' || c.severity === 'regression' || c.pickle === true || (c.kind === 'added' && c.assetType === 'service'));
  out.push(`**${s.added} added, ${s.removed} removed, ${s.changed} changed**`, '');
  out.push('| asset type | added | removed | changed |', '|---|---:|---:|---:|');
  for (const t of ASSET_TYPES) {
    const c = s.byAssetType[t];
    if (c.added + c.removed + c.changed > 0) out.push(`| ${TITLES[t]} | ${c.added} | ${c.removed} | ${c.changed} |`);
  }
  if (alerts.length > 0) {
    out.push('', '**Alerts**', '');
    for (const a of alerts) out.push(`- :warning: ${md(a.name)}: ${md(describe(a, 120))}`);
  }
  for (const [t, m] of grouped(r)) {
    out.push('', `<details><summary><b>${TITLES[t]}</b> (${m.size})</summary>`, '', '| asset | change | field | before | after |', '|---|---|---|---|---|');
    for (const [who, changes] of m) {
      for (const c of changes) {
        const extra = [c.severity !== c.kind ? c.severity : undefined, c.delta !== undefined ? `Δ ${c.delta > 0 ? '+' : ''}${c.delta}` : undefined, c.pickle ? 'pickle' : undefined].filter(Boolean).join(', ');
        out.push(`| ${md(who)} | ${c.kind}${extra !== '' ? ` (${extra})` : ''} | ${c.field !== null ? code(c.field) : ''} | ${code(c.before)} | ${code(c.after)} |`);
      }
    }
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}

export function renderDiff(r: DiffResult, format: DiffFormat, opts: { color?: boolean } = {}): string {
  if (format === 'json') return renderJson(r);
  if (format === 'markdown') return renderMarkdown(r);
  return renderText(r, opts);
}
