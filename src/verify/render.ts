/**
 * Verify reports: text for people (one line per file that is not ok, then a
 * summary) and JSON with a stable, versioned shape (documented in the
 * README's `mlbom verify` section; add fields, never rename them).
 */
import { shownText } from './entries.js';
import type { VerifiedFile, VerifyResult } from './index.js';

export type VerifyFormat = 'text' | 'json';

/** Bumped only for a change that could break a reader of the JSON report. */
export const VERIFY_JSON_VERSION = 1;

export function renderVerify(r: VerifyResult, format: VerifyFormat, options: { verbose?: boolean } = {}): string {
  return format === 'json' ? renderVerifyJson(r) : renderVerifyText(r, options);
}

export function renderVerifyText(r: VerifyResult, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  for (const f of r.files) {
    if (f.status === 'ok' && options.verbose !== true) continue;
    lines.push(`${f.status.padEnd(10)}  ${shown(f.path)}${detail(f)}`);
  }
  const c = r.counts;
  lines.push(
    `verify ${r.passed ? 'passed' : 'failed'}${r.strict ? ' (strict)' : ''}: ${c.recorded} recorded, ${c.ok} ok, ${c.modified} modified, ${c.missing} missing, ${c.unreadable} unreadable, ${c.unexpected} unexpected, ${c.skipped} skipped`,
  );
  return `${lines.join('\n')}\n`;
}

function detail(f: VerifiedFile): string {
  switch (f.status) {
    case 'modified':
      return `  expected ${f.expected ?? '?'}  actual ${f.actual ?? '?'}`;
    case 'unexpected':
      return `  (${f.format ?? 'model'}, ${f.size ?? 0} ${f.size === 1 ? 'byte' : 'bytes'})`;
    default:
      return f.reason === undefined ? '' : `  (${f.reason})`;
  }
}

/** A path with control characters or edge spaces is quoted, so one file is always one readable line. */
function shown(path: string): string {
  return /^\s|\s$/.test(path) ? JSON.stringify(path) : shownText(path);
}

export function renderVerifyJson(r: VerifyResult): string {
  const doc = {
    format: 'mlbom-verify',
    formatVersion: VERIFY_JSON_VERSION,
    passed: r.passed,
    strict: r.strict,
    bomSpecVersion: r.specVersion,
    counts: r.counts,
    files: r.files.map((f) => ({
      path: f.path,
      status: f.status,
      expected: f.expected ?? null,
      actual: f.actual ?? null,
      size: f.size ?? null,
      components: f.components.map((c) => ({ bomRef: c.bomRef ?? null, name: c.name })),
      reason: f.reason ?? null,
      format: f.format ?? null,
    })),
    skipped: r.skipped.map((s) => ({ location: s.location, component: { bomRef: s.component.bomRef ?? null, name: s.component.name }, reason: s.reason })),
    findings: r.findings,
    warnings: r.issues.map((i) => ({ path: i.path, source: i.scanner, message: i.message })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
