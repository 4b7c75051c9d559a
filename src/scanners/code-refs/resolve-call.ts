/**
 * Which AI API provider a call talks to. A call is attributed through what
 * its callee's root names: an imported SDK member (`OpenAI(...)`,
 * `genai.GenerativeModel(...)`), a variable assigned from one (`client =
 * OpenAI()` … `client.chat.completions.create(...)`), or a parameter
 * annotated with one. Never from the model string itself.
 */
import type { ProviderId } from '../../types.js';
import { credentialFreeEndpoint } from '../../util/secrets.js';
import type { Assignment } from './bindings.js';
import { calleeText, lastSegment, type Call } from './calls.js';
import type { FileCtx } from './hub-refs.js';
import type { ImportBinding } from './imports.js';
import { classify, hostProvider, isSelfHostedHost } from './providers.js';

export interface CallProvider {
  readonly provider: ProviderId;
  readonly sdk: string;
  /** The import the attribution went through (for import-only services). */
  readonly via?: ImportBinding;
  /** The callee takes the model id as its first argument. */
  readonly positionalModel: boolean;
  /** A `base_url`-style override the client was built with (cleaned). */
  readonly endpoint?: string;
  /** The client points at a server on this machine or network (vLLM, TGI, LM Studio…). */
  readonly selfHosted?: boolean;
  /** An OpenAI-compatible client pointed at a host that is none of the known providers. */
  readonly foreignHost?: boolean;
  /** The call constructs the client / wrapper (as opposed to using one). */
  readonly constructs: boolean;
}

const MAX_DEPTH = 8;
const ENDPOINT_KEYS = ['base_url', 'baseURL', 'baseUrl', 'api_base', 'openai_api_base', 'azure_endpoint', 'endpoint', 'endpoint_url', 'host', 'basePath'];
const BEDROCK_SERVICES = new Set(['bedrock-runtime', 'bedrock', 'bedrock-agent-runtime']);
/** Members that take the model positionally: Gemini/Vertex `GenerativeModel("gemini-1.5-pro")`, Vertex `X.from_pretrained("text-embedding-004")`, HF `InferenceClient("org/name")`. */
const POSITIONAL_MEMBERS = new Set(['GenerativeModel', 'from_pretrained', 'InferenceClient', 'AsyncInferenceClient']);

export class CallResolver {
  private readonly memo = new Map<Call, CallProvider | null>();
  private readonly rootCalls = new Map<number, Call>();
  /** Imports some call was attributed through. */
  readonly usedImports = new Set<ImportBinding>();

  constructor(private readonly ctx: FileCtx) {
    for (const c of ctx.calls) if (c.segments.length === 1) this.rootCalls.set(c.root, c);
  }

  of(call: Call, depth = 0): CallProvider | undefined {
    const known = this.memo.get(call);
    if (known !== undefined) return known ?? undefined;
    if (depth > MAX_DEPTH) return undefined;
    this.memo.set(call, null); // cycles resolve to nothing
    const r = this.compute(call, depth);
    this.memo.set(call, r ?? null);
    return r;
  }

  private compute(call: Call, depth: number): CallProvider | undefined {
    const segs = call.segments;
    if (segs[0] === '?') return undefined;
    const bedrock = this.bedrockClient(call);
    if (bedrock !== undefined) return bedrock;
    if ((segs[0] as string).endsWith('()')) {
      // `OpenAI(base_url=…).chat.completions.create(…)`: the inner call decides.
      const inner = this.rootCalls.get(call.root);
      const p = inner === undefined || inner === call ? undefined : this.of(inner, depth + 1);
      return p === undefined ? undefined : { ...p, positionalModel: false, constructs: false };
    }
    for (let k = Math.min(segs.length, 4); k >= 1; k--) {
      const name = segs.slice(0, k).join('.');
      if (segs.slice(0, k).some((s) => s.endsWith('()'))) continue;
      const a = this.ctx.bindings.assignment(name, call.root);
      if (a !== undefined) return this.viaAssignment(a, call, k, depth);
      const imp = this.ctx.bindings.importOf(name);
      if (imp !== undefined) return this.viaImport(imp, call, segs.slice(k));
    }
    return undefined;
  }

  private viaAssignment(a: Assignment, call: Call, used: number, depth: number): CallProvider | undefined {
    let p: CallProvider | undefined;
    if (a.call !== undefined) p = this.of(a.call, depth + 1);
    else if (a.value?.kind === 'ref') p = this.ofName(a.value.text, a.index, depth + 1);
    else if (a.typeRef !== undefined) p = this.ofName(a.typeRef, a.index, depth + 1, true);
    if (p === undefined) return undefined;
    // Calling the client itself: an AI SDK provider instance, `groq("llama3-8b-8192")`.
    const direct = used === call.segments.length;
    return { ...p, positionalModel: direct && p.positionalModel, constructs: false };
  }

  /** A name used as a value (`client = other_client`) or a type (`client: OpenAI`). */
  private ofName(name: string, at: number, depth: number, asType = false): CallProvider | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const parts = name.split('.');
    for (let k = parts.length; k >= 1; k--) {
      const head = parts.slice(0, k).join('.');
      const a = asType ? undefined : this.ctx.bindings.assignment(head, at);
      if (a !== undefined) {
        if (a.call !== undefined) return this.of(a.call, depth + 1);
        if (a.value?.kind === 'ref') return this.ofName(a.value.text, a.index, depth + 1);
        return undefined;
      }
      const imp = this.ctx.bindings.importOf(head);
      if (imp === undefined) continue;
      const c = classify(this.ctx.lang, imp.module, [...imp.path, ...parts.slice(k)]);
      if (c === undefined) return undefined;
      this.usedImports.add(imp);
      return { provider: c.provider, sdk: c.sdk, via: imp, positionalModel: c.positionalModel, constructs: false };
    }
    return undefined;
  }

  private viaImport(imp: ImportBinding, call: Call, rest: readonly string[]): CallProvider | undefined {
    const members = [...imp.path, ...rest.map((s) => (s.endsWith('()') ? s.slice(0, -2) : s))];
    const c = classify(this.ctx.lang, imp.module, members);
    if (c === undefined) return undefined;
    this.usedImports.add(imp);
    const last = members[members.length - 1] ?? '';
    // JS `new InferenceClient(token)` takes the token first, Python `InferenceClient(model)` the model.
    const positional = c.positionalModel || (POSITIONAL_MEMBERS.has(last) && (this.ctx.lang === 'py' || !last.includes('Inference')));
    const direct = !rest.some((s) => s.endsWith('()'));
    const base: CallProvider = { provider: c.provider, sdk: c.sdk, via: imp, positionalModel: positional && direct, constructs: direct };
    return direct ? this.reattribute(base, call) : base;
  }

  /**
   * An OpenAI-compatible client pointed at another provider's URL talks to
   * that provider (`OpenAI(base_url="https://api.groq.com/openai/v1")` is Groq),
   * and `genai.Client(vertexai=True)` talks to Vertex.
   */
  private reattribute(p: CallProvider, call: Call): CallProvider {
    const endpoint = this.endpointOf(call, p.provider);
    let provider = p.provider;
    let selfHosted = false;
    let foreignHost = false;
    if (endpoint !== undefined) {
      const url = new URL(endpoint);
      const host = hostProvider(url);
      if (p.provider === 'openai' && host !== undefined) provider = host;
      selfHosted = host === undefined && isSelfHostedHost(url.hostname);
      foreignHost = host === undefined && !selfHosted;
    }
    const vertex = call.keywords.get('vertexai');
    if (p.provider === 'google-gemini' && vertex?.kind === 'bool' && vertex.value) provider = 'google-vertex';
    const flags = { ...(selfHosted ? { selfHosted } : {}), ...(foreignHost ? { foreignHost } : {}) };
    return { ...p, provider, ...(endpoint === undefined ? {} : { endpoint }), ...flags };
  }

  endpointOf(call: Call, provider: ProviderId): string | undefined {
    for (const key of ENDPOINT_KEYS) {
      if (key === 'host' && provider !== 'ollama') continue;
      const r = this.ctx.bindings.resolveString(call.keywords.get(key), call.open);
      if (r === undefined) continue;
      const raw = key === 'host' && !/^[a-z]+:\/\//i.test(r.text) ? `http://${r.text}` : r.text;
      const clean = cleanEndpoint(raw);
      if (clean !== undefined) return clean;
    }
    return undefined;
  }

  /** `boto3.client("bedrock-runtime")`, `session.client(service_name="bedrock-runtime")`. */
  private bedrockClient(call: Call): CallProvider | undefined {
    const last = lastSegment(call);
    if (last !== 'client' && last !== 'Client') return undefined;
    const name = this.ctx.bindings.resolveString(call.keywords.get('service_name') ?? call.positional[0], call.open);
    if (name === undefined || !BEDROCK_SERVICES.has(name.text)) return undefined;
    const sdk = calleeText(call).startsWith('aioboto3') ? 'aioboto3' : 'boto3';
    return { provider: 'aws-bedrock', sdk, positionalModel: false, constructs: true };
  }
}

/**
 * An endpoint safe to record: http(s) only, without credentials, query or
 * fragment (where keys travel), trailing slash dropped.
 */
export function cleanEndpoint(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return credentialFreeEndpoint(url);
}
