/**
 * Models named in config files (YAML, JSON, TOML, `.env` templates): a value
 * under a model-ish key (`model`, `model_name`, `embedding_model`, `llm`,
 * `deployment_name`, `OPENAI_MODEL`, …) that looks like a model id: a Hub
 * repo id, a known API model family, or an Ollama `name:tag`. Also Hub
 * datasets under dataset keys, Hub URLs under any key, and API services
 * whose base URL the config names.
 *
 * Props emitted (names without the `mlbom:` prefix):
 * - config_key: the dotted key path the value was found under, e.g. `llm.model`.
 */
import type { Asset, Issue, SourceScan } from '../../types.js';
import { parseTomlSafely } from '../../util/toml-safe.js';
import type { SourceScanContext, SourceScanner } from '../types.js';
import { datasetRefAsset, mergeInFile, modelRefAsset, providerEnvVars, serviceAsset, servesLinks } from './assets.js';
import { claims, configFormat, MAX_BYTES, type ConfigFormat } from './claims.js';
import { envTree } from './env-file.js';
import { jsonLocator, tomlLocator, type Locate } from './lines.js';
import { fromJs, newBudget, type CNode } from './tree.js';
import { walkConfig, type Finding } from './walk.js';
import { yamlTree } from './yaml-tree.js';

export { classifyModelValue, apiFamily, isHubId, type ModelRef, type Classified } from './model-id.js';
export { modelRefAsset, modelRefId, normalizeRefPath } from './assets.js';
export { claims, configFormat } from './claims.js';
// Moved to util/; re-exported for existing importers.
export { providerFromWord } from '../../util/ai-providers.js';
export { looksLikeSecretValue as looksSecret } from '../../util/secrets.js';
export { parseYamlValue } from '../../util/yaml-safe.js';

const SCANNER = 'config-refs';
/** Config bigger than this is data; yaml composes about 1 MB per second. */

export const scanner: SourceScanner = {
  name: SCANNER,
  maxBytes: MAX_BYTES,
  claims,
  scan: scanConfig,
};

interface Parsed {
  roots: CNode[];
  locate?: Locate;
  error?: string;
}

export function scanConfig(text: string, ctx: SourceScanContext): SourceScan {
  const issues: Issue[] = [];
  const format = configFormat(ctx.path);
  if (format === undefined || typeof text !== 'string') return { assets: [], relationships: [], issues };
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let findings: Finding[] = [];
  try {
    const parsed = parse(src, format);
    if (parsed.error !== undefined) issues.push({ path: ctx.path, scanner: SCANNER, message: parsed.error });
    findings = walkConfig(parsed.roots, {
      path: ctx.path,
      exists: (p) => safeExists(ctx, p),
      flat: format === 'env',
      ...(parsed.locate === undefined ? {} : { locate: parsed.locate }),
    });
  } catch {
    // Defensive: the walkers are bounded and total, but a scan must never throw.
    issues.push({ path: ctx.path, scanner: SCANNER, message: 'could not read config' });
  }
  const envKeys = format === 'env' ? envKeyNames(src) : [];
  const assets = mergeInFile(findings.map((f) => toAsset(f, ctx.path, envKeys)));
  return { assets, relationships: servesLinks(assets), issues };
}

function parse(text: string, format: ConfigFormat): Parsed {
  const budget = newBudget();
  if (format === 'yaml') {
    const t = yamlTree(text, budget);
    // Helm and Jinja templates are not YAML until rendered; failing to read them is expected, not an issue.
    const templated = /\{\{|\{%/.test(text);
    return t.error === undefined || templated ? { roots: t.roots } : { roots: t.roots, error: t.error };
  }
  if (format === 'env') return { roots: [envTree(text)] };
  if (format === 'json') {
    if (text.trim() === '') return { roots: [] };
    const value = parseJson(text) ?? parseJson(stripJsonComments(text));
    // V8's message quotes the text around the error, which may hold a secret: say only what failed.
    if (value === undefined) return { roots: [], error: 'invalid json' };
    return { roots: [fromJs(value.v, budget)], locate: jsonLocator(text) };
  }
  const parsed = parseTomlSafely(text, 64);
  if (parsed.data === undefined) return { roots: [], error: parsed.error ?? 'invalid toml' };
  return { roots: [fromJs(parsed.data, budget)], locate: tomlLocator(text) };
}

function parseJson(text: string): { v: unknown } | undefined {
  try {
    return { v: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * JSON with comments and trailing commas (devcontainer.json, VS Code-style
 * settings): drop `//` and `/* *\/` comments outside strings and commas before `}`/`]`.
 */
function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const m = /^"(?:[^"\\\n]|\\.)*"?/.exec(text.slice(i, i + 100_000));
      const s = m?.[0] ?? '"';
      out += s;
      i += s.length;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      out += c;
      i += 1;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function toAsset(f: Finding, path: string, envKeys: readonly string[]): Asset {
  const location = f.line === undefined ? { path } : { path, line: f.line };
  if (f.type === 'endpoint') {
    const envVars = [...f.envVars, ...providerEnvVars(f.provider, envKeys)];
    return serviceAsset(f.provider, f.url, envVars, { scanner: SCANNER, location, confidence: 0.8 });
  }
  const common = { scanner: SCANNER, location, confidence: f.found.confidence, props: { config_key: f.keyPath } };
  if (f.type === 'dataset') return datasetRefAsset(f.found.ref, common);
  return modelRefAsset(f.found.ref, {
    ...common,
    ...(f.revision === undefined ? {} : { revision: f.revision }),
    ...(f.trustRemoteCode ? { trustRemoteCode: true } : {}),
  });
}

function envKeyNames(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)) if (m[1] !== undefined) out.push(m[1]);
  return out;
}

function safeExists(ctx: SourceScanContext, p: string): boolean {
  try {
    return ctx.exists(p);
  } catch {
    return false;
  }
}
