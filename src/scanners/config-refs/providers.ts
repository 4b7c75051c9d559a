/**
 * What names an AI API provider in config: the words people use for it
 * (`provider: azure_openai`, a `[openai]` section, `OLLAMA_MODEL`), the
 * prefixes routers put before a model id (LiteLLM `groq/…`, dotprompt
 * `googleai/…`, pydantic-ai `openai:…`), and the API hosts. Facts shared
 * with other scanners live in util/ai-providers.ts.
 *
 * LiteLLM providers: https://docs.litellm.ai/docs/providers
 * Genkit/dotprompt model refs: https://genkit.dev/docs/dotprompt/
 */
import type { ProviderId } from '../../types.js';
import { apiHostProvider } from '../../util/ai-providers.js';

/**
 * A provider named inside a key or class name: `OPENAI_MODEL`,
 * `azure_deployment`, `langchain_openai.ChatOpenAI`. Azure wins over OpenAI
 * because Azure keys also say "openai".
 */
export function providerInName(name: string): ProviderId | undefined {
  const low = name.toLowerCase();
  if (low.includes('azure')) return 'azure-openai';
  const checks: Array<[RegExp, ProviderId]> = [
    [/openai/, 'openai'],
    [/anthropic|claude/, 'anthropic'],
    [/vertex/, 'google-vertex'],
    [/gemini|google_?genai|googleai/, 'google-gemini'],
    [/bedrock/, 'aws-bedrock'],
    [/mistral/, 'mistral'],
    [/cohere/, 'cohere'],
    [/groq/, 'groq'],
    [/together/, 'together'],
    [/ollama/, 'ollama'],
  ];
  for (const [re, provider] of checks) if (re.test(low)) return provider;
  return undefined;
}

/**
 * Router prefixes that never start a Hub repo id, so `prefix/rest` always
 * means "this provider, model rest". Lower-case as the routers write them.
 */
const ROUTER_PREFIXES: Readonly<Record<string, ProviderId>> = {
  azure: 'azure-openai',
  azure_openai: 'azure-openai',
  'azure-openai': 'azure-openai',
  azureopenai: 'azure-openai',
  azure_ai: 'azure-openai',
  bedrock: 'aws-bedrock',
  bedrock_converse: 'aws-bedrock',
  vertex: 'google-vertex',
  vertex_ai: 'google-vertex',
  vertexai: 'google-vertex',
  'vertex-ai': 'google-vertex',
  'google-vertex': 'google-vertex',
  googleai: 'google-gemini',
  gemini: 'google-gemini',
  'google-gla': 'google-gemini',
  google_genai: 'google-gemini',
  'google-genai': 'google-gemini',
  ollama: 'ollama',
  ollama_chat: 'ollama',
  groq: 'groq',
  together_ai: 'together',
  togetherai: 'together',
};

/**
 * Prefixes that are also real Hub namespaces (`openai/whisper-large-v3`,
 * `google/gemma-2b`, `mistralai/Mistral-7B-v0.1`): they mean the provider
 * only when the rest is one of its API model ids.
 */
const SHARED_PREFIXES: Readonly<Record<string, ProviderId>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google-gemini',
  mistral: 'mistral',
  mistralai: 'mistral',
  'mistral-ai': 'mistral',
  cohere: 'cohere',
};

export function routerPrefix(prefix: string): ProviderId | undefined {
  return Object.hasOwn(ROUTER_PREFIXES, prefix) ? ROUTER_PREFIXES[prefix] : undefined;
}

export function sharedPrefix(prefix: string): ProviderId | undefined {
  return Object.hasOwn(SHARED_PREFIXES, prefix) ? SHARED_PREFIXES[prefix] : undefined;
}

/**
 * Provider of an API base URL's host, or undefined for any other host:
 * the shared hosts plus Azure AI Services resources, Bedrock's FIPS
 * endpoints and Mistral's Codestral endpoint.
 */
export function providerOfHost(host: string, port: string): ProviderId | undefined {
  const shared = apiHostProvider(host, port);
  if (shared !== undefined) return shared;
  const h = host.toLowerCase();
  if (h.endsWith('.cognitiveservices.azure.com')) return 'azure-openai';
  if (/^bedrock-runtime-fips\.[a-z0-9-]+\.amazonaws\.com$/.test(h)) return 'aws-bedrock';
  if (h === 'codestral.mistral.ai') return 'mistral';
  return undefined;
}
