/**
 * The role of each file in a Hugging Face model folder, from its name alone.
 * File names follow transformers/diffusers/peft `save_pretrained` output.
 */
import type { FileRole } from '../../types.js';

const CONFIG_NAMES = new Set([
  'config.json',
  'generation_config.json',
  'adapter_config.json',
  'model_index.json',
  // Written by save_pretrained of processors, diffusers schedulers and sentence-transformers.
  'preprocessor_config.json',
  'processor_config.json',
  'scheduler_config.json',
  'sentence_bert_config.json',
  'config_sentence_transformers.json',
]);

const TOKENIZER_NAMES = new Set([
  'merges.txt',
  'special_tokens_map.json',
  'added_tokens.json',
  'spiece.model',
  'sentencepiece.bpe.model',
  'tokenizer.model',
]);

const TEMPLATE_NAMES = new Set(['chat_template.jinja', 'chat_template.json']);

const WEIGHT_EXTENSIONS = [
  '.safetensors',
  '.bin',
  '.pt',
  '.pth',
  '.ckpt',
  '.gguf',
  '.onnx',
  // ONNX external tensor data: the weights of a large .onnx file live here.
  '.onnx_data',
  '.h5',
  '.msgpack',
  '.tflite',
  '.mlmodel',
  '.keras',
  '.npz',
];

/**
 * Pickled Trainer state, not weights: transformers' `Trainer` writes it next
 * to the model. (Its pickle content is still reported by the pickle scanner.)
 */
const NOT_WEIGHTS = new Set(['training_args.bin']);

export function fileRole(path: string): FileRole {
  const slash = path.lastIndexOf('/');
  const base = (slash === -1 ? path : path.slice(slash + 1)).toLowerCase();
  const parent = slash === -1 ? '' : path.slice(0, slash);
  if (base === 'readme.md') return 'card';
  if (CONFIG_NAMES.has(base)) return 'config';
  if (TEMPLATE_NAMES.has(base)) return 'template';
  // transformers >= 4.53 saves extra named templates as additional_chat_templates/<name>.jinja.
  if (base.endsWith('.jinja') && /(?:^|\/)additional_chat_templates$/.test(parent)) return 'template';
  if (isTokenizerFile(base)) return 'tokenizer';
  if (base.endsWith('.index.json')) return 'index';
  if (NOT_WEIGHTS.has(base)) return 'other';
  if (WEIGHT_EXTENSIONS.some((ext) => base.endsWith(ext))) return 'weights';
  return 'other';
}

function isTokenizerFile(base: string): boolean {
  if (TOKENIZER_NAMES.has(base)) return true;
  if (base.startsWith('tokenizer') && base.endsWith('.json')) return true;
  if (base.startsWith('vocab.')) return true;
  return base.endsWith('.tiktoken');
}
