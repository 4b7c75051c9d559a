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
import { PackageCollector } from '../../util/package-asset.js';
import { isYamlTooDeep } from '../../util/yaml-safe.js';
import { addPipRequirement, fileScope } from '../pip/index.js';
import type { SourceScanContext, SourceScanner } from '../types.js';
import { cleanChannel, parseCondaSpec } from './spec.js';
import { claims } from './claims.js';

export { parseCondaSpec, cleanChannel } from './spec.js';
export { claims } from './claims.js';

const NAME = 'conda';
const SKIP = new Set(['python', 'pip']);
/** Environment files nest about 3 deep, so the cap is tighter than util/yaml-safe.ts's default. */
const MAX_NESTING = 64;


export function scan(text: string, ctx: SourceScanContext): SourceScan {
  const out = new PackageCollector({ path: ctx.path, scanner: NAME, confidence: 0.95 });
  try {
    if (isYamlTooDeep(text, MAX_NESTING)) {
      out.issue('yaml nests too deeply');
      return out.result();
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, logLevel: 'silent', uniqueKeys: false });
    const firstError = doc.errors[0];
    if (firstError !== undefined) {
      // The library's message quotes the document; keep only the position.
      const line = firstError.linePos?.[0]?.line;
      out.issue(line === undefined ? 'invalid yaml' : `invalid yaml at line ${line}`);
      // A broken document's structure is unreliable: a stray string could pass for a package.
      return out.result();
    }
    if (!isMap(doc.contents)) return out.result();
    const lineOf = (node: Node): number | undefined => (node.range ? lines.linePos(node.range[0]).line : undefined);
    const channelsNode = doc.contents.get('channels', true);
    const channels = isSeq(channelsNode)
      ? channelsNode.items.flatMap((c) => (isScalar(c) && typeof c.value === 'string' ? [cleanChannel(c.value)] : []))
      : [];
    const defaultChannel = channels.length === 1 ? channels[0] : undefined;
    const deps = doc.contents.get('dependencies', true);
    if (deps === undefined) return out.result();
    if (!isSeq(deps)) {
      out.issue('dependencies is not a list');
      return out.result();
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
          if (isScalar(p) && typeof p.value === 'string') addPipRequirement(out, ctx, p.value.replace(/(^|\s)#.*$/, ''), scope, lineOf(p));
          else if (p !== null && typeof p === 'object') out.issue('pip dependency is not a string', lineOf(p as Node));
        }
      }
    }
  } catch {
    out.issue('internal error while reading the environment file');
  }
  return out.result();
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

export const scanner: SourceScanner = { name: NAME, claims, scan };
