/**
 * GGUF (llama.cpp / ggml) model files.
 *
 * Props emitted:
 * - `gguf_version`: header version (2 or 3).
 * - `tensor_count`: tensor count from the header.
 * - `kv_count`: metadata key-value count from the header.
 * - `file_type`: `general.file_type` as stored (llama_ftype number; its name goes to `model.quantization`).
 * - `quantization_version`: `general.quantization_version`.
 * - `basename`: `general.basename`, the model's base name without size or fine-tune.
 * - `size_label`: `general.size_label`, e.g. `8B`, `8x7B`.
 * - `has_chat_template`: true when `tokenizer.chat_template` is present (the template itself is `chatTemplate`).
 * - `gguf_truncated`: why the file is cut short after a complete metadata section
 *   (tensor infos end early, or a tensor starts past the end of the file).
 * - `gguf_tensor_info_error`: why the tensor infos could not be read (malformed or over a cap).
 *
 * Model facts: architecture, name, description, author, version, licenses
 * (`general.license`), quantization, contextLength (`<arch>.context_length`),
 * baseModels (`general.base_model.N.*`), datasets (`general.dataset.N.*`),
 * parameterCount (sum of tensor element counts).
 */
import type { FileScanner } from '../types.js';
import { parseGgufHeader, sniffGguf } from './parse.js';

export {
  parseGgufHeader,
  sniffGguf,
  MAX_HEADER_BYTES,
  MAX_KV_COUNT,
  MAX_TENSOR_COUNT,
  MAX_TENSOR_DIMS,
} from './parse.js';
export { FILE_TYPE_NAMES, hfRepoId } from './facts.js';

export const scanner: FileScanner = {
  name: 'gguf',
  extensions: ['.gguf'],
  sniff: sniffGguf,
  scan: (src) => parseGgufHeader(src),
};
