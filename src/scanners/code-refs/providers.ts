/**
 * Which SDK modules and classes talk to which AI API provider, and which
 * hosts are self-hosted. Sources: each SDK's README (openai-python,
 * anthropic-sdk-python, google-genai, boto3 bedrock-runtime, mistralai,
 * cohere, groq, together, ollama, huggingface_hub InferenceClient) and the
 * LangChain / LlamaIndex / Vercel AI SDK integration packages. Names,
 * default endpoints, API hosts and environment variables shared with other
 * scanners live in util/ai-providers.ts.
 */
import type { ProviderId } from '../../types.js';
import { apiHostProvider } from '../../util/ai-providers.js';
import type { Lang } from './tokens.js';

export interface ModuleRule {
  readonly module: string;
  readonly sdk: string;
  /** Provider for every member, unless `classes` says otherwise. */
  readonly provider?: ProviderId;
  /** Per-member provider; `null` marks a member that is not an API client (e.g. a local embedder). */
  readonly classes?: Readonly<Record<string, ProviderId | null>>;
  /** A multi-provider package: only members named in CLASS_PROVIDERS count. */
  readonly byClass?: boolean;
  /** Vercel AI SDK: the provider function takes the model id positionally, `openai('gpt-4o')`. */
  readonly positionalModel?: boolean;
}

const AZURE = { AzureOpenAI: 'azure-openai', AsyncAzureOpenAI: 'azure-openai' } as const;
const LC_AZURE = { AzureChatOpenAI: 'azure-openai', AzureOpenAI: 'azure-openai', AzureOpenAIEmbeddings: 'azure-openai' } as const;

/** Wrapper classes of multi-provider packages (LangChain, LlamaIndex), by name. */
export const CLASS_PROVIDERS: Readonly<Record<string, ProviderId | null>> = {
  ChatOpenAI: 'openai', OpenAI: 'openai', OpenAIEmbeddings: 'openai', OpenAIEmbedding: 'openai', OpenAIChat: 'openai',
  AzureChatOpenAI: 'azure-openai', AzureOpenAI: 'azure-openai', AzureOpenAIEmbeddings: 'azure-openai', AzureOpenAIEmbedding: 'azure-openai',
  ChatAnthropic: 'anthropic', Anthropic: 'anthropic', AnthropicLLM: 'anthropic',
  ChatGoogleGenerativeAI: 'google-gemini', GoogleGenerativeAI: 'google-gemini', GoogleGenerativeAIEmbeddings: 'google-gemini',
  Gemini: 'google-gemini', GeminiEmbedding: 'google-gemini', GoogleGenAI: 'google-gemini', GoogleGenAIEmbedding: 'google-gemini',
  ChatVertexAI: 'google-vertex', VertexAI: 'google-vertex', VertexAIEmbeddings: 'google-vertex', Vertex: 'google-vertex', ChatAnthropicVertex: 'google-vertex',
  ChatBedrock: 'aws-bedrock', ChatBedrockConverse: 'aws-bedrock', BedrockChat: 'aws-bedrock', Bedrock: 'aws-bedrock', BedrockLLM: 'aws-bedrock', BedrockEmbeddings: 'aws-bedrock', BedrockConverse: 'aws-bedrock',
  ChatMistralAI: 'mistral', MistralAI: 'mistral', MistralAIEmbeddings: 'mistral', MistralAIEmbedding: 'mistral',
  ChatCohere: 'cohere', Cohere: 'cohere', CohereEmbeddings: 'cohere', CohereEmbedding: 'cohere', CohereRerank: 'cohere',
  ChatGroq: 'groq', Groq: 'groq',
  ChatTogether: 'together', Together: 'together', TogetherLLM: 'together', TogetherEmbeddings: 'together', TogetherEmbedding: 'together', ChatTogetherAI: 'together', TogetherAI: 'together', TogetherAIEmbeddings: 'together',
  ChatOllama: 'ollama', Ollama: 'ollama', OllamaLLM: 'ollama', OllamaEmbeddings: 'ollama', OllamaEmbedding: 'ollama',
  HuggingFaceEndpoint: 'huggingface-inference', HuggingFaceHub: 'huggingface-inference', HuggingFaceInferenceAPI: 'huggingface-inference',
  HuggingFaceInference: 'huggingface-inference', HuggingFaceInferenceAPIEmbeddings: 'huggingface-inference',
  HuggingFaceEndpointEmbeddings: 'huggingface-inference', HuggingFaceInferenceEmbeddings: 'huggingface-inference',
  HuggingFaceEmbeddings: null, HuggingFaceEmbedding: null, HuggingFacePipeline: null, HuggingFaceLLM: null,
};

/** LlamaIndex integration packages: `llama_index.llms.<x>` / `llama_index.embeddings.<x>`. */
const LLAMA_INDEX: ReadonlyArray<[string, ProviderId]> = [
  ['openai', 'openai'], ['openai_like', 'openai'], ['azure_openai', 'azure-openai'], ['anthropic', 'anthropic'],
  ['gemini', 'google-gemini'], ['google_genai', 'google-gemini'], ['vertex', 'google-vertex'], ['bedrock', 'aws-bedrock'],
  ['bedrock_converse', 'aws-bedrock'], ['mistralai', 'mistral'], ['cohere', 'cohere'], ['groq', 'groq'], ['together', 'together'],
  ['ollama', 'ollama'], ['huggingface_api', 'huggingface-inference'],
];

const PY_RULES: ModuleRule[] = [
  { module: 'openai', sdk: 'openai', provider: 'openai', classes: AZURE },
  {
    module: 'anthropic', sdk: 'anthropic', provider: 'anthropic',
    classes: { AnthropicBedrock: 'aws-bedrock', AsyncAnthropicBedrock: 'aws-bedrock', AnthropicVertex: 'google-vertex', AsyncAnthropicVertex: 'google-vertex' },
  },
  { module: 'google.generativeai', sdk: 'google-generativeai', provider: 'google-gemini' },
  { module: 'google.genai', sdk: 'google-genai', provider: 'google-gemini' },
  { module: 'google.ai.generativelanguage', sdk: 'google-ai-generativelanguage', provider: 'google-gemini' },
  { module: 'vertexai', sdk: 'google-cloud-aiplatform', provider: 'google-vertex' },
  { module: 'google.cloud.aiplatform', sdk: 'google-cloud-aiplatform', provider: 'google-vertex' },
  { module: 'mistralai', sdk: 'mistralai', provider: 'mistral' },
  { module: 'cohere', sdk: 'cohere', provider: 'cohere' },
  { module: 'groq', sdk: 'groq', provider: 'groq' },
  { module: 'together', sdk: 'together', provider: 'together' },
  { module: 'ollama', sdk: 'ollama', provider: 'ollama' },
  {
    module: 'huggingface_hub', sdk: 'huggingface-hub',
    classes: { InferenceClient: 'huggingface-inference', AsyncInferenceClient: 'huggingface-inference', InferenceApi: 'huggingface-inference' },
  },
  { module: 'langchain_openai', sdk: 'langchain-openai', provider: 'openai', classes: LC_AZURE },
  { module: 'langchain_anthropic', sdk: 'langchain-anthropic', provider: 'anthropic' },
  { module: 'langchain_google_genai', sdk: 'langchain-google-genai', provider: 'google-gemini' },
  { module: 'langchain_google_vertexai', sdk: 'langchain-google-vertexai', provider: 'google-vertex' },
  { module: 'langchain_aws', sdk: 'langchain-aws', provider: 'aws-bedrock' },
  { module: 'langchain_mistralai', sdk: 'langchain-mistralai', provider: 'mistral' },
  { module: 'langchain_cohere', sdk: 'langchain-cohere', provider: 'cohere' },
  { module: 'langchain_groq', sdk: 'langchain-groq', provider: 'groq' },
  { module: 'langchain_together', sdk: 'langchain-together', provider: 'together' },
  { module: 'langchain_ollama', sdk: 'langchain-ollama', provider: 'ollama' },
  { module: 'langchain_huggingface', sdk: 'langchain-huggingface', byClass: true },
  { module: 'langchain_community', sdk: 'langchain-community', byClass: true },
  { module: 'langchain', sdk: 'langchain', byClass: true },
  { module: 'llama_index.llms', sdk: 'llama-index', byClass: true },
  ...LLAMA_INDEX.flatMap(([suffix, provider]) =>
    ['llms', 'embeddings', 'multi_modal_llms'].map((kind) => ({ module: `llama_index.${kind}.${suffix}`, sdk: 'llama-index', provider })),
  ),
];

const AI_SDK: ReadonlyArray<[string, ProviderId]> = [
  ['@ai-sdk/openai', 'openai'], ['@ai-sdk/azure', 'azure-openai'], ['@ai-sdk/anthropic', 'anthropic'], ['@ai-sdk/google', 'google-gemini'],
  ['@ai-sdk/google-vertex', 'google-vertex'], ['@ai-sdk/amazon-bedrock', 'aws-bedrock'], ['@ai-sdk/mistral', 'mistral'],
  ['@ai-sdk/cohere', 'cohere'], ['@ai-sdk/groq', 'groq'], ['@ai-sdk/togetherai', 'together'], ['ollama-ai-provider', 'ollama'],
  ['ollama-ai-provider-v2', 'ollama'],
];
const LC_JS: ReadonlyArray<[string, ProviderId]> = [
  ['@langchain/anthropic', 'anthropic'], ['@langchain/google-genai', 'google-gemini'], ['@langchain/google-vertexai', 'google-vertex'],
  ['@langchain/aws', 'aws-bedrock'], ['@langchain/mistralai', 'mistral'], ['@langchain/cohere', 'cohere'], ['@langchain/groq', 'groq'],
  ['@langchain/ollama', 'ollama'],
];

const JS_RULES: ModuleRule[] = [
  { module: 'openai', sdk: 'openai', provider: 'openai', classes: AZURE },
  { module: '@anthropic-ai/sdk', sdk: '@anthropic-ai/sdk', provider: 'anthropic' },
  { module: '@anthropic-ai/bedrock-sdk', sdk: '@anthropic-ai/bedrock-sdk', provider: 'aws-bedrock' },
  { module: '@anthropic-ai/vertex-sdk', sdk: '@anthropic-ai/vertex-sdk', provider: 'google-vertex' },
  { module: '@google/generative-ai', sdk: '@google/generative-ai', provider: 'google-gemini' },
  { module: '@google/genai', sdk: '@google/genai', provider: 'google-gemini' },
  { module: '@google-cloud/vertexai', sdk: '@google-cloud/vertexai', provider: 'google-vertex' },
  { module: '@google-cloud/aiplatform', sdk: '@google-cloud/aiplatform', provider: 'google-vertex' },
  { module: '@aws-sdk/client-bedrock-runtime', sdk: '@aws-sdk/client-bedrock-runtime', provider: 'aws-bedrock' },
  { module: '@aws-sdk/client-bedrock-agent-runtime', sdk: '@aws-sdk/client-bedrock-agent-runtime', provider: 'aws-bedrock' },
  { module: '@mistralai/mistralai', sdk: '@mistralai/mistralai', provider: 'mistral' },
  { module: 'cohere-ai', sdk: 'cohere-ai', provider: 'cohere' },
  { module: 'groq-sdk', sdk: 'groq-sdk', provider: 'groq' },
  { module: 'together-ai', sdk: 'together-ai', provider: 'together' },
  { module: 'ollama', sdk: 'ollama', provider: 'ollama' },
  { module: '@huggingface/inference', sdk: '@huggingface/inference', provider: 'huggingface-inference' },
  { module: '@langchain/openai', sdk: '@langchain/openai', provider: 'openai', classes: LC_AZURE },
  ...LC_JS.map(([module, provider]) => ({ module, sdk: module, provider })),
  { module: '@langchain/community', sdk: '@langchain/community', byClass: true },
  { module: 'langchain', sdk: 'langchain', byClass: true },
  { module: 'llamaindex', sdk: 'llamaindex', byClass: true },
  { module: '@llamaindex/openai', sdk: '@llamaindex/openai', provider: 'openai' },
  { module: '@llamaindex/anthropic', sdk: '@llamaindex/anthropic', provider: 'anthropic' },
  { module: '@llamaindex/ollama', sdk: '@llamaindex/ollama', provider: 'ollama' },
  { module: '@llamaindex/groq', sdk: '@llamaindex/groq', provider: 'groq' },
  { module: '@llamaindex/mistral', sdk: '@llamaindex/mistral', provider: 'mistral' },
  ...AI_SDK.map(([module, provider]) => ({ module, sdk: module, provider, positionalModel: true })),
];

export interface Classified {
  readonly provider: ProviderId;
  readonly sdk: string;
  /** The class that decided the provider, else the member right below the module (`OpenAI`, `chat`). */
  readonly member: string;
  /** Members after the module, e.g. ['chat','completions','create']. */
  readonly members: readonly string[];
  readonly positionalModel: boolean;
}

/** The provider a module member belongs to, if any. */
export function classify(lang: Lang, module: string, path: readonly string[]): Classified | undefined {
  const sep = lang === 'py' ? '.' : '/';
  // Python: `from google import genai` imports the module `google.genai`.
  const full = lang === 'py' ? [module, ...path].join('.') : module;
  let best: ModuleRule | undefined;
  for (const r of lang === 'py' ? PY_RULES : JS_RULES) {
    if ((full === r.module || full.startsWith(r.module + sep)) && (best === undefined || r.module.length > best.module.length)) best = r;
  }
  if (best === undefined) return undefined;
  const members = lang === 'py' ? full.slice(best.module.length).split('.').filter((s) => s !== '') : [...path];
  // The class may sit below a submodule: `from langchain.chat_models import ChatOpenAI`.
  const table = best.byClass === true ? CLASS_PROVIDERS : (best.classes ?? {});
  const at = members.findIndex((m) => Object.hasOwn(table, m));
  const provider = at >= 0 ? table[members[at] as string] : best.byClass === true ? undefined : best.provider;
  if (provider === undefined || provider === null) return undefined;
  const member = members[Math.max(at, 0)] ?? '';
  return { provider, sdk: best.sdk, member, members, positionalModel: best.positionalModel === true };
}

export { isLoopbackHost, isSelfHostedHost } from '../../util/net.js';

/** Bedrock's control-plane and agents APIs, which SDK code also calls (`boto3.client("bedrock-agent-runtime")`). */
const BEDROCK_OTHER_HOST = /^bedrock(?:-agent-runtime)?\.[a-z0-9-]+\.amazonaws\.com$/;

/** The provider an API URL belongs to, from its host (and Ollama's well-known port). */
export function hostProvider(url: URL): ProviderId | undefined {
  const shared = apiHostProvider(url.hostname, url.port);
  if (shared !== undefined) return shared;
  return BEDROCK_OTHER_HOST.test(url.hostname.toLowerCase()) ? 'aws-bedrock' : undefined;
}
