/**
 * AI frameworks and SDKs among dependency-manifest packages. A curated list:
 * guessing by substring ("ai", "ml", "gpt") flags far too much. The only
 * prefix rules are for families that publish dozens of integration packages
 * under one prefix (`langchain-*`, `llama-index-*`, `@langchain/*`, …).
 *
 * Categories:
 * - `framework`: model code and training/inference frameworks (torch, tensorflow, transformers, scikit-learn…)
 * - `training`: fine-tuning and distributed-training helpers (accelerate, peft, trl, deepspeed…)
 * - `inference`: runtimes, compilers and quantizers (onnxruntime, vllm, llama-cpp-python, bitsandbytes…)
 * - `llm-sdk`: clients of hosted model APIs (openai, anthropic, mistralai, the Vercel AI SDK…)
 * - `agent-framework`: LLM orchestration (langchain*, llama-index*, haystack, dspy, autogen, crewai…)
 * - `vector-store`: vector database clients (chromadb, faiss, pinecone, qdrant…)
 * - `model-hub`: model and dataset hub clients (huggingface-hub, datasets)
 * - `mlops`: experiment tracking and ML platforms (mlflow, wandb, ray)
 */

export type AiEcosystem = 'pypi' | 'npm' | 'conda';

const list = (category: string, names: string): Array<[string, string]> =>
  names.split(/\s+/).filter((n) => n !== '').map((n) => [n, category]);

/** Keys are PEP 503-normalized names. */
const PYPI: ReadonlyMap<string, string> = new Map([
  ...list('framework', `torch torchvision torchaudio torchtext tensorflow tf-keras keras keras-nlp keras-hub jax jaxlib flax
    transformers diffusers tokenizers safetensors sentence-transformers timm sentencepiece tiktoken
    scikit-learn xgboost lightgbm catboost spacy nltk gensim mxnet paddlepaddle mlx mlx-lm ultralytics openai-whisper`),
  ...list('training', 'accelerate peft trl deepspeed pytorch-lightning lightning unsloth'),
  ...list('inference', `onnx onnxruntime onnxruntime-gpu onnxruntime-directml openvino tensorrt vllm llama-cpp-python
    ctransformers xformers bitsandbytes auto-gptq autoawq optimum text-generation`),
  ...list('llm-sdk', `openai anthropic google-generativeai google-genai google-cloud-aiplatform vertexai mistralai cohere
    groq together ollama litellm replicate azure-ai-inference voyageai`),
  ...list('agent-framework', `langchain langgraph haystack-ai farm-haystack dspy dspy-ai instructor guidance semantic-kernel
    autogen pyautogen autogen-agentchat autogen-core autogen-ext crewai llamaindex smolagents`),
  ...list('vector-store', 'chromadb faiss-cpu faiss-gpu pinecone pinecone-client weaviate-client qdrant-client pymilvus'),
  ...list('model-hub', 'huggingface-hub datasets'),
  ...list('mlops', 'mlflow wandb ray langsmith'),
]);

const NPM: ReadonlyMap<string, string> = new Map([
  ...list('framework', '@huggingface/transformers @xenova/transformers ml5 brain.js'),
  ...list('inference', 'onnxruntime-node onnxruntime-web onnxruntime-common @mlc-ai/web-llm'),
  ...list('llm-sdk', `openai @anthropic-ai/sdk @google/generative-ai @google/genai @google-cloud/vertexai
    @aws-sdk/client-bedrock-runtime @aws-sdk/client-bedrock @mistralai/mistralai cohere-ai groq-sdk together-ai ollama
    @huggingface/inference @azure/openai replicate ai`),
  ...list('agent-framework', 'langchain llamaindex'),
  ...list('vector-store', '@pinecone-database/pinecone chromadb @qdrant/js-client-rest'),
  ...list('model-hub', '@huggingface/hub'),
]);

/** conda names that differ from their PyPI names; the rest fall back to the PyPI list. */
const CONDA: ReadonlyMap<string, string> = new Map([
  ...list('framework', 'pytorch pytorch-cuda pytorch-gpu pytorch-cpu tensorflow-gpu py-xgboost libtorch'),
  ...list('vector-store', 'faiss'),
]);

const NPM_PREFIXES: ReadonlyArray<[string, string]> = [
  ['@langchain/', 'agent-framework'],
  ['@llamaindex/', 'agent-framework'],
  ['@tensorflow/tfjs', 'framework'],
  ['@ai-sdk/', 'llm-sdk'],
];

/** PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function pypiCategory(name: string): string | undefined {
  const n = normalizePypiName(name);
  const known = PYPI.get(n);
  if (known !== undefined) return known;
  if (n.startsWith('langchain-') || n.startsWith('llama-index')) return 'agent-framework';
  if (n.startsWith('tensorflow-')) return 'framework';
  return undefined;
}

/** The AI category of a package, or undefined when it is not an AI framework or SDK. */
export function aiPackageCategory(ecosystem: AiEcosystem, name: string): string | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  if (ecosystem === 'npm') {
    const known = NPM.get(name);
    if (known !== undefined) return known;
    return NPM_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1];
  }
  if (ecosystem === 'conda') return CONDA.get(name.toLowerCase()) ?? pypiCategory(name);
  return pypiCategory(name);
}

export function isAiPackage(ecosystem: AiEcosystem, name: string): boolean {
  return aiPackageCategory(ecosystem, name) !== undefined;
}
