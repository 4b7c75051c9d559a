/**
 * conda environment files (`environment.yml`, `environment-*.yml`,
 * `conda.yaml` as MLflow writes it): `channels` and `dependencies`, whose
 * nested `- pip:` list holds pip requirement lines.
 * https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html#create-env-file-manually
 *
 * conda entries become `package:conda:<lowercased name>` with
 * `pkg:conda/<name>@<version>?channel=<channel>` (the channel from
 * `chan::name`, else the only listed channel); pip entries become
 * `package:pypi:<name>` exactly as in requirements files. `python` and `pip`
 * themselves are the interpreter and installer, not dependencies.
 *
 * Props emitted: `manifest`, `conda_build` (the build string of
 * `name=ver=build`), `ai_category`, `other_versions`, and for pip entries
 * `extras`, `marker`, `source_url`, `vcs_ref`, `editable` (as the pip scanner).
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { DependencyScope, SourceScan } from '../../types.js';
import { PackageCollector } from '../pip/package-asset.js';
import { requirementInput } from '../pip/pypi-input.js';
import { parseRequirementLine } from '../pip/requirement.js';
import { checkInclude } from '../pip/requirements-file.js';
import { claims as pipClaims } from '../pip/index.js';
import { isVendoredPath } from '../pip/paths.js';
import { fileScope } from '../pip/scope.js';
import type { SourceScanContext, SourceScanner } from '../types.js';
import { cleanChannel, parseCondaSpec } from './spec.js';

export { parseCondaSpec, cleanChannel } from './spec.js';

const NAME = 'conda';
const SKIP = new Set(['python', 'pip']);
/** The yaml composer recurses per nesting level; environment files nest 3 deep. */
const MAX_NESTING = 64;

export function claims(path: string): boolean {
  if (typeof path !== 'string' || isVendoredPath(path)) return false;
  const base = (path.split('/').pop() ?? '').toLowerCase();
  return /^environment[\w.-]*\.ya?ml$/.test(base) || base === 'conda.yaml' || base === 'conda.yml';
}

/**
 * A cheap upper bound on nesting (flow brackets plus indentation), so a
 * hostile document is refused before the recursive composer sees it.
 */
function tooDeep(text: string): boolean {
  let flow = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) flow += 1;
    else if ((c === 0x5d || c === 0x7d) && flow > 0) flow -= 1;
    if (flow > MAX_NESTING) return true;
  }
  return text.split('\n').some((l) => l.length - l.trimStart().length > MAX_NESTING * 4);
}

export function scan(text: string, ctx: SourceScanContext): SourceScan {
  const out = new PackageCollector({ path: ctx.path, scanner: NAME, confidence: 0.95 });
  const done = (): SourceScan => ({ assets: out.assets(), relationships: [], issues: out.issues });
  try {
    if (tooDeep(text)) {
      out.issue('yaml nests too deeply');
      return done();
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, logLevel: 'silent', uniqueKeys: false });
    const firstError = doc.errors[0];
    if (firstError !== undefined) {
      // The library's message quotes the document; keep only the position.
      const line = firstError.linePos?.[0]?.line;
      out.issue(line === undefined ? 'invalid yaml' : `invalid yaml at line ${line}`);
      // A broken document's structure is unreliable: a stray string could pass for a package.
      return done();
    }
    if (!isMap(doc.contents)) return done();
    const lineOf = (node: Node): number | undefined => (node.range ? lines.linePos(node.range[0]).line : undefined);
    const channelsNode = doc.contents.get('channels', true);
    const channels = isSeq(channelsNode)
      ? channelsNode.items.flatMap((c) => (isScalar(c) && typeof c.value === 'string' ? [cleanChannel(c.value)] : []))
      : [];
    const defaultChannel = channels.length === 1 ? channels[0] : undefined;
    const deps = doc.contents.get('dependencies', true);
    if (deps === undefined) return done();
    if (!isSeq(deps)) {
      out.issue('dependencies is not a list');
      return done();
    }
    const scope = fileScope(ctx.path);
    for (const item of deps.items) {
      if (isScalar(item)) {
        if (typeof item.value === 'string') addConda(out, item.value, scope, lineOf(item), defaultChannel);
        else out.issue('dependency is not a string', lineOf(item));
      } else if (isMap(item)) {
        const pip = item.get('pip', true);
        if (!isSeq(pip)) continue;
        for (const p of pip.items) {
          if (isScalar(p) && typeof p.value === 'string') addPip(out, ctx, p.value, scope, lineOf(p));
          else if (p !== null && typeof p === 'object') out.issue('pip dependency is not a string', lineOf(p as Node));
        }
      }
    }
  } catch {
    out.issue('internal error while reading the environment file');
  }
  return done();
}

function addConda(out: PackageCollector, spec: string, scope: DependencyScope, line: number | undefined, defaultChannel: string | undefined): void {
  const parsed = parseCondaSpec(spec);
  if ('error' in parsed) {
    out.issue(parsed.error, line);
    return;
  }
  if (SKIP.has(parsed.name.toLowerCase())) return;
  const channel = parsed.channel ?? defaultChannel;
  out.add({
    ecosystem: 'conda',
    name: parsed.name,
    ...(parsed.version !== undefined ? { version: parsed.version } : {}),
    ...(parsed.range !== undefined ? { versionRange: parsed.range } : {}),
    scope,
    line,
    ...(channel !== undefined ? { channel } : {}),
    props: parsed.build !== undefined ? { conda_build: parsed.build } : {},
  });
}

function addPip(out: PackageCollector, ctx: SourceScanContext, text: string, scope: DependencyScope, line: number | undefined): void {
  const parsed = parseRequirementLine(text.replace(/(^|\s)#.*$/, ''));
  switch (parsed.kind) {
    case 'requirement':
      for (const w of parsed.warnings) out.issue(w, line);
      out.add(requirementInput(parsed.req, scope, line));
      break;
    case 'include':
      if (line !== undefined) checkInclude(out, ctx, parsed.target, line, pipClaims);
      break;
    case 'error':
      out.issue(parsed.message, line);
      break;
    case 'ignored':
      break;
  }
}

export const scanner: SourceScanner = { name: NAME, claims, scan };
