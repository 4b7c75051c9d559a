/**
 * Facts about the AI API providers that more than one scanner needs: their
 * display names, default endpoints, API hosts, the environment variables
 * their SDKs read, and the words configs use to name them. Sources: each
 * SDK's README (openai-python, anthropic-sdk-python, google-genai, boto3
 * bedrock-runtime, mistralai, cohere, groq, together, ollama,
 * huggingface_hub InferenceClient) and LiteLLM's provider list
 * (https://docs.litellm.ai/docs/providers).
 */
import type { ProviderId } from '../types.js';

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

/** The organization behind each provider: the CycloneDX service `provider`. */
export const PROVIDER_ORGANIZATIONS: Readonly<Record<ProviderId, string>> = {
  openai: 'OpenAI',
  'azure-openai': 'Microsoft Azure OpenAI',
  anthropic: 'Anthropic',
  'google-gemini': 'Google',
  'google-vertex': 'Google Cloud',
  'aws-bedrock': 'Amazon Web Services',
  mistral: 'Mistral AI',
  cohere: 'Cohere',
  groq: 'Groq',
  together: 'Together AI',
  ollama: 'Ollama',
  'huggingface-inference': 'Hugging Face',
};

/** Region- and resource-specific hosts are written without the variable part (`{region}` is not a valid URI). */
export const DEFAULT_ENDPOINTS: Readonly<Record<ProviderId, string>> = {
  openai: 'https://api.openai.com/v1',
  'azure-openai': 'https://openai.azure.com',
  anthropic: 'https://api.anthropic.com',
  'google-gemini': 'https://generativelanguage.googleapis.com',
  'google-vertex': 'https://aiplatform.googleapis.com',
  'aws-bedrock': 'https://bedrock-runtime.amazonaws.com',
  mistral: 'https://api.mistral.ai/v1',
  cohere: 'https://api.cohere.com',
  groq: 'https://api.groq.com/openai/v1',
  together: 'https://api.together.xyz/v1',
  ollama: 'http://localhost:11434',
  'huggingface-inference': 'https://api-inference.huggingface.co',
};

/**
 * The provider whose API a host (and Ollama's well-known port) serves, for
 * the hosts every scanner recognises; code-refs and config-refs each add a
 * few more of their own.
 */
export function apiHostProvider(host: string, port: string): ProviderId | undefined {
  const h = host.toLowerCase();
  if (port === '11434') return 'ollama';
  if (h === 'api.openai.com') return 'openai';
  if (h.endsWith('.openai.azure.com')) return 'azure-openai';
  if (h === 'api.anthropic.com') return 'anthropic';
  if (h === 'generativelanguage.googleapis.com') return 'google-gemini';
  if (h === 'aiplatform.googleapis.com' || h.endsWith('-aiplatform.googleapis.com')) return 'google-vertex';
  if (/^bedrock-runtime\.[a-z0-9-]+\.amazonaws\.com$/.test(h)) return 'aws-bedrock';
  if (h === 'api.mistral.ai') return 'mistral';
  if (h === 'api.cohere.com' || h === 'api.cohere.ai') return 'cohere';
  if (h === 'api.groq.com') return 'groq';
  if (h === 'api.together.xyz' || h === 'api.together.ai') return 'together';
  if (h === 'api-inference.huggingface.co' || h === 'router.huggingface.co' || h.endsWith('.endpoints.huggingface.cloud')) {
    return 'huggingface-inference';
  }
  return undefined;
}

/**
 * Environment variable names (never values) each provider's SDK reads, by
 * exact name: what code-refs looks for in `os.environ[…]` / `process.env.…`.
 * A Map: code strings like `"constructor"` must not hit Object.prototype.
 */
export const ENV_VAR_PROVIDERS: ReadonlyMap<string, readonly ProviderId[]> = new Map(Object.entries<readonly ProviderId[]>({
  OPENAI_API_KEY: ['openai'],
  OPENAI_BASE_URL: ['openai'],
  OPENAI_API_BASE: ['openai'],
  OPENAI_ORG_ID: ['openai'],
  AZURE_OPENAI_API_KEY: ['azure-openai'],
  AZURE_OPENAI_ENDPOINT: ['azure-openai'],
  AZURE_OPENAI_DEPLOYMENT: ['azure-openai'],
  OPENAI_API_VERSION: ['azure-openai'],
  ANTHROPIC_API_KEY: ['anthropic'],
  GOOGLE_API_KEY: ['google-gemini'],
  GEMINI_API_KEY: ['google-gemini'],
  GOOGLE_APPLICATION_CREDENTIALS: ['google-vertex'],
  GOOGLE_CLOUD_PROJECT: ['google-vertex'],
  AWS_ACCESS_KEY_ID: ['aws-bedrock'],
  AWS_SECRET_ACCESS_KEY: ['aws-bedrock'],
  AWS_REGION: ['aws-bedrock'],
  AWS_DEFAULT_REGION: ['aws-bedrock'],
  AWS_PROFILE: ['aws-bedrock'],
  MISTRAL_API_KEY: ['mistral'],
  CO_API_KEY: ['cohere'],
  COHERE_API_KEY: ['cohere'],
  GROQ_API_KEY: ['groq'],
  TOGETHER_API_KEY: ['together'],
  OLLAMA_HOST: ['ollama'],
  OLLAMA_BASE_URL: ['ollama'],
  HF_TOKEN: ['huggingface-inference'],
  HUGGINGFACEHUB_API_TOKEN: ['huggingface-inference'],
  HUGGING_FACE_HUB_TOKEN: ['huggingface-inference'],
}));

/**
 * Environment variable name prefixes (ending in `_`) and exact names of each
 * provider, wider than {@link ENV_VAR_PROVIDERS}: what config-refs records
 * from the keys of a flat `.env` file beside a provider's endpoint.
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

/**
 * The words people use for a provider in config and prompt files
 * (`provider: azure_openai`, prompty `type: azure_openai`), after
 * lower-casing and dropping `-`, `_`, `.` and spaces.
 */
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

/** A provider named by a whole word or value (`azure_openai`, `Ollama`), else undefined. */
export function providerFromWord(word: string): ProviderId | undefined {
  const key = word.toLowerCase().replace(/[-_.\s]/g, '');
  return Object.hasOwn(PROVIDER_WORDS, key) ? PROVIDER_WORDS[key] : undefined;
}
