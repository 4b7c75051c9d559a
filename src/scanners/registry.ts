/**
 * Every per-file model scanner, in sniffing order: formats with a
 * distinctive magic first, generic containers (zip, pickle) last. A
 * meta-test checks that each folder under src/scanners/ is listed here
 * and has fixtures.
 */
import type { ModelFormat } from '../types.js';
import { scanner as coreml } from './coreml/index.js';
import { scanner as gguf } from './gguf/index.js';
import { scanner as keras } from './keras/index.js';
import { scanner as numpy } from './numpy/index.js';
import { scanner as onnx } from './onnx/index.js';
import { scanner as pickle } from './pickle/index.js';
import { scanner as pytorch } from './pytorch/index.js';
import { scanner as safetensors } from './safetensors/index.js';
import { scanner as tfSavedModel } from './tf-savedmodel/index.js';
import { scanner as tflite } from './tflite/index.js';
import { scanner as codeRefs } from './code-refs/index.js';
import { scanner as conda } from './conda/index.js';
import { scanner as configRefs } from './config-refs/index.js';
import { scanner as datasetFiles } from './dataset-files/index.js';
import { scanner as downloadUrls } from './download-urls/index.js';
import { scanner as npm } from './npm/index.js';
import { scanner as pip } from './pip/index.js';
import { scanner as promptFiles } from './prompt-files/index.js';
import type { FileScanner, SourceScanner } from './types.js';

export const FILE_SCANNERS: readonly FileScanner[] = [
  gguf,
  safetensors,
  tflite,
  numpy,
  keras,
  onnx,
  coreml,
  tfSavedModel,
  pytorch,
  pickle,
];

/** Scanners over text: code, notebooks, config, prompts, dataset cards, dependency manifests. */
export const SOURCE_SCANNERS: readonly SourceScanner[] = [codeRefs, configRefs, promptFiles, datasetFiles, pip, conda, npm, downloadUrls];

/** Folder scanners that are not per-file (they group files in resolve/). */
export const FOLDER_SCANNERS: readonly string[] = ['hf-model-dir'];

/** The format a scanner's name claims, for files it could not even open. */
export const CLAIMED_FORMAT: Readonly<Record<string, ModelFormat>> = {
  gguf: 'gguf',
  safetensors: 'safetensors',
  tflite: 'tflite',
  numpy: 'numpy',
  keras: 'keras',
  onnx: 'onnx',
  coreml: 'coreml',
  'tf-savedmodel': 'tf-savedmodel',
  pytorch: 'pytorch-zip',
  pickle: 'pickle',
};
