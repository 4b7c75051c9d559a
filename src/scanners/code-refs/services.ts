/**
 * External AI API services and the model names used with them. Each
 * provider seen in a file becomes `service:<provider>`; each model id
 * passed to one of its calls becomes `model:<provider>:<id>` (or
 * `model:hf:<id>` for the HF Inference API and self-hosted
 * OpenAI-compatible servers), linked `serves` from the service.
 */
import type { ProviderId } from '../../types.js';
import { DEFAULT_ENDPOINTS, PROVIDER_NAMES } from '../../util/ai-providers.js';
import { secretProvider } from '../../util/secrets.js';
import { sortedUnique } from '../../util/sort.js';
import type { Resolved } from './bindings.js';
import { calleeText, type Call } from './calls.js';
import { emitHub, emitHubRef, type FileCtx } from './hub-refs.js';
import { hubUrlRefs, isHubId } from './hub-ids.js';
import { isPlainHttpToRemote } from '../../util/net.js';
import { classify } from './providers.js';
import type { CallProvider, CallResolver } from './resolve-call.js';

export class Usage {
  readonly lines = new Set<number>();
  readonly sdks = new Set<string>();
  readonly endpoints = new Set<string>();
  confidence = 0;
  secret = false;
  /** Some use relies on the SDK's default endpoint (no `base_url`-style override). */
  usesDefault = false;
}

export type UsageMap = Map<ProviderId, Usage>;

export function use(usage: UsageMap, provider: ProviderId, line: number, confidence: number, sdk?: string, endpoint?: string): Usage {
  const u = usage.get(provider) ?? new Usage();
  usage.set(provider, u);
  u.lines.add(line);
  u.confidence = Math.max(u.confidence, confidence);
  if (sdk !== undefined) u.sdks.add(sdk);
  if (endpoint !== undefined) u.endpoints.add(endpoint);
  return u;
}

const MODEL_KEYS = ['model', 'model_name', 'model_id', 'modelId', 'modelName', 'azure_deployment', 'deployment_name', 'deployment_id', 'azureDeployment', 'azureOpenAIApiDeploymentName'];
const EXTRA_KEYS: Partial<Record<ProviderId, readonly string[]>> = {
  'azure-openai': ['deployment', 'engine'],
  openai: ['engine'],
  'huggingface-inference': ['repo_id'],
};
/** API model ids: letters, digits and `._:/@+-` (Bedrock ARNs, Ollama tags, Vertex `@version`). */
const API_MODEL = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;
/**
 * Method chains that only AI SDK clients have; a `model=` call on a client
 * we could not trace (a parameter, a factory's result) is attributed to the
 * file's single provider only through one of these.
 */
const SDK_METHOD =
  /(?:^|\.)(?:chat\.completions\.(?:create|parse|stream)|completions\.create|messages\.(?:create|stream|count_tokens)|embeddings\.create|responses\.(?:create|parse|stream)|models\.(?:generate_content|generateContent|generate_content_stream|generateContentStream|embed_content|embedContent)|generate_content|generateContent|generate_content_async|getGenerativeModel|invoke_model|invoke_model_with_response_stream|converse|converse_stream|chat\.complete|chat\.stream|text_generation|chat_completion|textGeneration|chatCompletion|chatCompletionStream)$/;

/** Find provider calls, their models, and import-only SDK use. Returns the usage for the string pass to extend. */
export function scanServiceCalls(ctx: FileCtx, resolver: CallResolver): UsageMap {
  const usage: UsageMap = new Map();
  const pending: Array<{ call: Call; p: CallProvider; value: Resolved }> = [];
  const unresolved: Array<{ call: Call; value: Resolved }> = [];
  for (const call of ctx.calls) {
    const p = resolver.of(call);
    if (p === undefined) {
      const value = ctx.bindings.resolveString(call.keywords.get('model'), call.open);
      if (value !== undefined && SDK_METHOD.test(calleeText(call))) unresolved.push({ call, value });
      continue;
    }
    const u = use(usage, p.provider, call.line, 0.95, p.sdk, p.endpoint);
    if (p.constructs && p.endpoint === undefined) u.usesDefault = true;
    for (const value of modelValues(ctx, call, p)) pending.push({ call, p, value });
  }
  for (const imp of ctx.bindings.imports) {
    const c = classify(ctx.lang, imp.module, imp.path);
    if (c === undefined) continue;
    if (!resolver.usedImports.has(imp)) use(usage, c.provider, imp.line, 0.85, c.sdk).usesDefault = true;
    else if (usage.has(c.provider)) use(usage, c.provider, imp.line, 0.85, c.sdk);
  }
  for (const { call, p, value } of pending) {
    // A model served by some other OpenAI-compatible API (DeepSeek, OpenRouter…) is not the provider's model.
    if (p.foreignHost !== true) emitApiModel(ctx, p.provider, value, call.line, p.selfHosted === true);
    else ctx.sink.apiModelTexts.add(value.text.trim());
  }
  // Precision first: an untraced client is attributed only when one provider is in play.
  if (usage.size === 1) {
    const provider = [...usage.keys()][0] as ProviderId;
    for (const { call, value } of unresolved) {
      emitApiModel(ctx, provider, { text: value.text, confidence: Math.min(value.confidence, 0.7) }, call.line, false);
    }
  }
  return usage;
}

function modelValues(ctx: FileCtx, call: Call, p: CallProvider): Resolved[] {
  const out: Resolved[] = [];
  for (const key of [...MODEL_KEYS, ...(EXTRA_KEYS[p.provider] ?? [])]) {
    const r = ctx.bindings.resolveString(call.keywords.get(key), call.open);
    if (r !== undefined) out.push(r);
  }
  if (p.positionalModel) {
    const r = ctx.bindings.resolveString(call.positional[0], call.open);
    if (r !== undefined) out.push(r);
  }
  return out;
}

/** Record one model id used with a provider, and the `serves` link from its service. */
export function emitApiModel(ctx: FileCtx, provider: ProviderId, value: Resolved, line: number, selfHosted: boolean): void {
  const text = value.text.trim();
  if (text === '' || secretProvider(text) !== undefined) return;
  ctx.sink.apiModelTexts.add(text);
  const service = `service:${provider}`;
  if (/^https?:\/\//i.test(text)) {
    // `InferenceClient(model="https://…")` names an endpoint, not a model; a Hub URL still names a repo.
    for (const r of hubUrlRefs(text)) {
      if (r.kind === 'model') ctx.sink.relate(service, emitHub(ctx, { value, kind: 'model', allowBare: false, line }, r.id, value.confidence), 'serves');
    }
    return;
  }
  if (provider === 'huggingface-inference') {
    const id = emitHubRef(ctx, { value, kind: 'model', allowBare: true, line });
    if (id !== undefined && id.startsWith('model:hf:')) ctx.sink.relate(service, id, 'serves');
    return;
  }
  if ((provider === 'openai' || provider === 'azure-openai') && text.includes('/')) {
    // OpenAI names have no `/`. Behind a self-hosted OpenAI-compatible server (vLLM, TGI) an
    // `org/name` is the Hub model it serves; elsewhere (routers, proxies) it is not ours to guess.
    if (selfHosted && isHubId(text, false)) {
      ctx.sink.relate(service, emitHub(ctx, { value, kind: 'model', allowBare: false, line }, text, Math.min(value.confidence, 0.6)), 'serves');
    }
    return;
  }
  if (selfHosted || !API_MODEL.test(text)) return;
  const name = provider === 'google-gemini' || provider === 'google-vertex' ? text.replace(/^(?:publishers\/google\/)?models\//, '') : text;
  const asset = ctx.sink.add({ id: `model:${provider}:${name}`, kind: 'model', name, group: provider, line, confidence: value.confidence });
  ctx.sink.relate(service, asset.id, 'serves');
}

/** Turn the usage into service assets. */
export function emitServices(ctx: FileCtx, usage: UsageMap, envVars: ReadonlyMap<string, readonly ProviderId[]>): void {
  for (const [provider, u] of usage) {
    const endpoints = sortedUnique(u.usesDefault || u.endpoints.size === 0 ? [...u.endpoints, DEFAULT_ENDPOINTS[provider]] : u.endpoints);
    const props: Record<string, boolean> = {};
    if (endpoints.some(isPlainHttpToRemote)) props['insecure_endpoint'] = true;
    if (u.secret) props['hardcoded_secret'] = true;
    const names = sortedUnique([...envVars].filter(([, ps]) => ps.includes(provider)).map(([n]) => n));
    for (const line of [...u.lines].sort((a, b) => a - b)) {
      ctx.sink.add({
        id: `service:${provider}`,
        kind: 'service',
        name: PROVIDER_NAMES[provider],
        line,
        confidence: u.confidence,
        props,
        service: { provider, endpoints, authenticated: provider !== 'ollama', envVars: names, sdks: sortedUnique(u.sdks) },
      });
    }
  }
}

