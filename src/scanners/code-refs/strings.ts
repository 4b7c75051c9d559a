/**
 * One pass over string literals for what can appear anywhere in code:
 * Hub URLs (`https://huggingface.co/org/name`, `hf://datasets/…`), AI API
 * URLs (raw HTTP use of a provider), environment-variable names, and
 * strings shaped like API keys (flagged, never copied).
 */
import type { ProviderId } from '../../types.js';
import { ENV_VAR_PROVIDERS } from '../../util/ai-providers.js';
import { secretProvider } from '../../util/secrets.js';
import type { Resolved } from './bindings.js';
import type { Call } from './calls.js';
import { emitHub, type FileCtx } from './hub-refs.js';
import { hubUrlRefs } from './hub-ids.js';
import { hostProvider } from './providers.js';
import { cleanEndpoint, type CallResolver } from './resolve-call.js';
import { emitApiModel, use, type UsageMap } from './services.js';
import { isName, isOp, type Token } from './tokens.js';

const URL_IN_TEXT = /https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[^\s"'<>()[\]{}`\\]*)?/g;
const MAX_URLS_PER_STRING = 32;
/** Request-body keys that carry the model in raw HTTP calls. */
const BODY_MODEL_KEYS = new Set(['model', 'modelId', 'model_id']);

/**
 * Python strings standing alone as a statement are docstrings (or disabled
 * blocks): examples in them are documentation, not references. Marks each
 * string token of such statements; linear over runs of adjacent strings.
 */
export function bareStrings(tokens: readonly Token[]): Uint8Array {
  const bare = new Uint8Array(tokens.length);
  for (let s = 0; s < tokens.length; ) {
    if (tokens[s]?.kind !== 'string') {
      s++;
      continue;
    }
    let e = s + 1;
    while (tokens[e]?.kind === 'string' && !(tokens[e] as Token).bol) e++;
    const next = tokens[e];
    if ((tokens[s] as Token).bol && (next === undefined || next.bol || next.kind === 'break')) bare.fill(1, s, e);
    s = e;
  }
  return bare;
}

/** At most this many key-shaped strings are reported per file. */
const MAX_SECRETS = 50;

export function scanStrings(ctx: FileCtx, resolver: CallResolver, usage: UsageMap, bare: Uint8Array): Map<string, readonly ProviderId[]> {
  const envVars = new Map<string, readonly ProviderId[]>();
  const secrets: Array<{ index: number; hint: ProviderId | 'unknown'; line: number }> = [];
  const { tokens } = ctx;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'name' && isOp(tokens[i - 1], '.') && /^env(?:iron)?$/.test(tokens[i - 2]?.text ?? '')) {
      const providers = ENV_VAR_PROVIDERS.get(t.text);
      if (providers !== undefined) envVars.set(t.text, providers);
    }
    if (t.kind !== 'string') continue;
    const hint = secretProvider(t.text);
    if (hint !== undefined) {
      if (secrets.length < MAX_SECRETS) secrets.push({ index: i, hint, line: t.line });
      continue;
    }
    if (!t.literal || bare[i] === 1) continue;
    const providers = ENV_VAR_PROVIDERS.get(t.text);
    if (providers !== undefined) envVars.set(t.text, providers);
    if (t.text.includes('://') || t.text.startsWith('hf-hub:') || t.text.startsWith('hf_hub:')) scanUrls(ctx, t, usage);
  }
  rawHttpModels(ctx, usage);
  flagSecrets(ctx, resolver, usage, secrets);
  return envVars;
}

function scanUrls(ctx: FileCtx, t: Token, usage: UsageMap): void {
  const value: Resolved = { text: t.text, confidence: 0.85 };
  for (const r of hubUrlRefs(t.text)) {
    const conf = t.text.startsWith('hf://') ? 0.9 : 0.85;
    const rev = r.revision === undefined ? {} : { revision: { text: r.revision, confidence: conf } };
    const id = emitHub(ctx, { value, kind: r.kind, allowBare: false, line: t.line, ...rev }, r.id, conf);
    if (r.inference === true) {
      use(usage, 'huggingface-inference', t.line, 0.8);
      ctx.sink.relate('service:huggingface-inference', id, 'serves');
    }
  }
  let n = 0;
  for (const m of t.text.slice(0, 65536).matchAll(URL_IN_TEXT)) {
    if (n++ >= MAX_URLS_PER_STRING) break;
    const endpoint = cleanEndpoint(m[0]);
    if (endpoint === undefined) continue;
    const provider = hostProvider(new URL(endpoint));
    if (provider !== undefined) use(usage, provider, t.line, 0.8, undefined, endpoint);
  }
}

/**
 * `requests.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o"})`:
 * the model is read from the request body written inside the same call.
 */
function rawHttpModels(ctx: FileCtx, usage: UsageMap): void {
  for (const call of ctx.calls) {
    const url = ctx.bindings.resolveString(call.positional[0] ?? call.keywords.get('url'), call.open);
    if (url === undefined || !/^https?:\/\//i.test(url.text)) continue;
    const endpoint = cleanEndpoint(url.text);
    const provider = endpoint === undefined ? undefined : hostProvider(new URL(endpoint));
    if (provider === undefined) continue;
    use(usage, provider, call.line, 0.8, undefined, endpoint);
    for (const m of bodyModels(ctx, call)) emitApiModel(ctx, provider, { text: m, confidence: 0.8 }, call.line, false);
  }
}

function bodyModels(ctx: FileCtx, call: Call): string[] {
  const out: string[] = [];
  const { tokens } = ctx;
  for (let k = call.open + 1; k < call.close - 2 && out.length < 8; k++) {
    const key = tokens[k] as Token;
    const isKey = (key.kind === 'string' && key.literal) || key.kind === 'name';
    const sep = tokens[k + 1];
    const val = tokens[k + 2];
    if (isKey && BODY_MODEL_KEYS.has(key.text) && (isOp(sep, ':') || (key.kind === 'name' && isOp(sep, '='))) && val?.kind === 'string' && val.literal) {
      if (!(key.kind === 'name' && isOp(sep, ':') && isName(tokens[k - 1], 'case'))) out.push(val.text);
    }
  }
  return out;
}

/**
 * A key is flagged on the service it is passed to, else on the service its
 * format belongs to when that service is in the file; the issue is raised
 * either way. The value is never kept.
 */
function flagSecrets(ctx: FileCtx, resolver: CallResolver, usage: UsageMap, secrets: ReadonlyArray<{ index: number; hint: ProviderId | 'unknown'; line: number }>): void {
  for (const s of secrets) {
    ctx.sink.issue(`possible hard-coded api key on line ${s.line}; value not recorded`);
    const around = ctx.calls.filter((c) => c.open < s.index && s.index < c.close).map((c) => resolver.of(c)?.provider).find((p) => p !== undefined);
    const target = around ?? (s.hint !== 'unknown' && usage.has(s.hint) ? s.hint : undefined);
    const u = target === undefined ? undefined : usage.get(target);
    if (u !== undefined) u.secret = true;
  }
}
