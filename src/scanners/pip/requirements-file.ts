/**
 * pip requirements files (`requirements*.txt`, `requirements/*.txt`,
 * `constraints*.txt`). Format:
 * https://pip.pypa.io/en/stable/reference/requirements-file-format/
 * `-r`/`-c` targets are separate files, scanned on their own when claimed;
 * here they are only checked to exist.
 */
import type { DependencyScope, Props, SourceScan } from '../../types.js';
import { PackageCollector } from '../../util/package-asset.js';
import type { SourceScanContext } from '../types.js';
import { requirementInput } from './pypi-input.js';
import { parseRequirementLine } from './requirement.js';
import { fileScope } from './scope.js';

/** pip's comment rule: `#` at the start or after whitespace (so `#egg=` in URLs stays). */
function stripComment(line: string): string {
  for (let at = line.indexOf('#'); at !== -1; at = line.indexOf('#', at + 1)) {
    if (at === 0 || /\s/.test(line[at - 1]!)) return line.slice(0, at);
  }
  return line;
}

export interface LogicalLine {
  readonly text: string;
  /** 1-based line of its first physical line. */
  readonly line: number;
}

/** pip's `join_lines` then `ignore_comments`, in one linear pass. */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = text.split(/\r?\n/);
  let parts: string[] = [];
  let first = 0;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!;
    const isComment = raw.trimStart().startsWith('#');
    if (raw.endsWith('\\') && !isComment) {
      if (parts.length === 0) first = i + 1;
      parts.push(raw.slice(0, -1));
      continue;
    }
    const joined = parts.length === 0 ? raw : [...parts, isComment ? ` ${raw}` : raw].join('');
    const line = parts.length === 0 ? i + 1 : first;
    parts = [];
    const stripped = stripComment(joined).trim();
    if (stripped !== '') out.push({ text: stripped, line });
  }
  if (parts.length > 0) {
    const stripped = stripComment(parts.join('')).trim();
    if (stripped !== '') out.push({ text: stripped, line: first });
  }
  return out;
}

/** Join a relative include target onto the including file's folder (POSIX, `..` resolved). */
export function resolveInclude(fromPath: string, target: string): string | undefined {
  const dir = fromPath.split('/').slice(0, -1);
  const parts = target.startsWith('/') ? [] : dir;
  for (const seg of target.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined; // outside the scan root
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length === 0 ? undefined : parts.join('/');
}

export function scanRequirementsFile(
  text: string, ctx: SourceScanContext, scanner: string, claims: (path: string) => boolean,
): SourceScan {
  const out = new PackageCollector({ path: ctx.path, scanner, confidence: 0.95 });
  const scope = fileScope(ctx.path);
  const base = (ctx.path.split('/').pop() ?? '').toLowerCase();
  const props: Props = base.startsWith('constraints') ? { constraint: true } : {};
  for (const { text: lineText, line } of logicalLines(text)) addRequirementLine(out, ctx, lineText, scope, line, claims, props);
  return out.result();
}

/**
 * One requirements-file line (joined, without its comment): a requirement,
 * an `-r`/`-c` include to check, or an issue. Also what conda environment
 * files hold in their `pip:` list.
 */
export function addRequirementLine(
  out: PackageCollector, ctx: SourceScanContext, text: string, scope: DependencyScope, line: number | undefined,
  claims: (path: string) => boolean, props: Props = {},
): void {
  const parsed = parseRequirementLine(text);
  switch (parsed.kind) {
    case 'requirement':
      for (const w of parsed.warnings) out.issue(w, line);
      out.add(requirementInput(parsed.req, scope, line, props));
      break;
    case 'include':
      // Include issues point at a line; a line-less entry has nothing to point at.
      if (line !== undefined) checkInclude(out, ctx, parsed.target, line, claims);
      break;
    case 'error':
      out.issue(parsed.message, line);
      break;
    case 'ignored':
      break;
  }
}

function checkInclude(
  out: PackageCollector, ctx: SourceScanContext, target: string, line: number, claims: (path: string) => boolean,
): void {
  // URLs and `${VAR}` targets cannot be checked offline.
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.includes('${')) return;
  const resolved = resolveInclude(ctx.path, target);
  const shown = target.slice(0, 200);
  if (resolved === undefined) {
    out.issue(`included file is outside the scan root: ${shown}`, line);
  } else if (!ctx.exists(resolved)) {
    out.issue(`included file not found: ${shown}`, line);
  } else if (!claims(resolved)) {
    out.issue(`included file is not named like a requirements file and is not scanned: ${shown}`, line);
  }
}
