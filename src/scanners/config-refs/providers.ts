/**
 * What names an AI API provider in config: the words people use for it
 * (`provider: azure_openai`, a `[openai]` section, `OLLAMA_MODEL`), the
 * prefixes routers put before a model id (LiteLLM `groq/…`, dotprompt
 * `googleai/…`, pydantic-ai `openai:…`), and the API hosts.
 *
 * LiteLLM providers: https://docs.litellm.ai/docs/providers
 * Genkit/dotprompt model refs: https://genkit.dev/docs/dotprompt/
 */
import type { ProviderId } from '../../types.js';

/** Provider words after lower-casing and dropping `-`, `_`, `.` and spaces. */
const PROVIDER_WORDS: Readonly<Record<string, ProviderId>> = {
  openai: 'openai',
  azure: 'azure-openai',
  azureopenai: 'azure-openai',
  azureai: 'azure-openai',
  anthropic: 'anthropic',
  claude: 'anthropic',
  google: 'google-gemini',
  googleai: 'google-gemini',
  gemini: 'google-gemini',
  googlegenai: 'google-gemini',
  genai: 'google-gemini',
  googlegla: 'google-gemini',
  vertex: 'google-vertex',
  vertexai: 'google-vertex',
  googlevertex: 'google-vertex',
  googlevertexai: 'google-vertex',
  bedrock: 'aws-bedrock',
  awsbedrock: 'aws-bedrock',
  amazonbedrock: 'aws-bedrock',
  bedrockconverse: 'aws-bedrock',
  mistral: 'mistral',
  mistralai: 'mistral',
  cohere: 'cohere',
  groq: 'groq',
  together: 'together',
  togetherai: 'together',
  ollama: 'ollama',
  huggingface: 'huggingface-inference',
  huggingfacehub: 'huggingface-inference',
  huggingfaceinference: 'huggingface-inference',
  hfinference: 'huggingface-inference',
};

export function fold(word: string): string {
  return word.toLowerCase().replace(/[-_.\s]/g, '');
}

/** A provider named by a whole word or value (`azure_openai`, `Ollama`), else undefined. */
export function providerFromWord(word: string): ProviderId | undefined {
  const key = fold(word);
  return Object.hasOwn(PROVIDER_WORDS, key) ? PROVIDER_WORDS[key] : undefined;
}

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

/** Human names for service assets. */
export const PROVIDER_NAMES: Readonly<Record<ProviderId, string>> = {
  openai: 'OpenAI API',
  'azure-openai': 'Azure OpenAI Service',
  anthropic: 'Anthropic API',
  'google-gemini': 'Google Gemini API',
  'google-vertex': 'Google Vertex AI',
  'aws-bedrock': 'Amazon Bedrock',
  mistral: 'Mistral AI API',
  cohere: 'Cohere API',
  groq: 'Groq API',
  together: 'Together AI API',
  ollama: 'Ollama',
  'huggingface-inference': 'Hugging Face Inference API',
};

/** Provider of an API base URL's host, or undefined for any other host. */
export function providerOfHost(host: string, port: string): ProviderId | undefined {
  const h = host.toLowerCase();
  if (port === '11434') return 'ollama';
  if (h === 'api.openai.com') return 'openai';
  if (h.endsWith('.openai.azure.com') || h.endsWith('.cognitiveservices.azure.com')) return 'azure-openai';
  if (h === 'api.anthropic.com') return 'anthropic';
  if (h === 'generativelanguage.googleapis.com') return 'google-gemini';
  if (h === 'aiplatform.googleapis.com' || h.endsWith('-aiplatform.googleapis.com')) return 'google-vertex';
  if (/^bedrock-runtime(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com$/.test(h)) return 'aws-bedrock';
  if (h === 'api.mistral.ai' || h === 'codestral.mistral.ai') return 'mistral';
  if (h === 'api.cohere.ai' || h === 'api.cohere.com') return 'cohere';
  if (h === 'api.groq.com') return 'groq';
  if (h === 'api.together.xyz' || h === 'api.together.ai') return 'together';
  if (h === 'api-inference.huggingface.co' || h === 'router.huggingface.co' || h.endsWith('.endpoints.huggingface.cloud')) {
    return 'huggingface-inference';
  }
  return undefined;
}

/**
 * Environment variable name prefixes of each provider; names (never values)
 * of variables with these prefixes are recorded on the service.
 */
export const ENV_PREFIXES: Readonly<Record<ProviderId, readonly string[]>> = {
  openai: ['OPENAI_'],
  'azure-openai': ['AZURE_OPENAI_'],
  anthropic: ['ANTHROPIC_'],
  'google-gemini': ['GEMINI_', 'GOOGLE_API_KEY'],
  'google-vertex': ['VERTEX_', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_APPLICATION_CREDENTIALS'],
  'aws-bedrock': ['BEDROCK_', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'],
  mistral: ['MISTRAL_'],
  cohere: ['COHERE_', 'CO_API_KEY'],
  groq: ['GROQ_'],
  together: ['TOGETHER_'],
  ollama: ['OLLAMA_'],
  'huggingface-inference': ['HF_TOKEN', 'HUGGINGFACEHUB_API_TOKEN', 'HF_API_TOKEN', 'HUGGINGFACE_API_KEY'],
};
