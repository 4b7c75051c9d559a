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
import { claims as codeRefsClaims, MAX_BYTES as CODE_REFS_MAX } from './code-refs/claims.js';
import { claims as condaClaims } from './conda/claims.js';
import { claims as configRefsClaims, MAX_BYTES as CONFIG_REFS_MAX } from './config-refs/claims.js';
import { claims as datasetFilesClaims } from './dataset-files/claims.js';
import { claims as downloadUrlsClaims, MAX_BYTES as DOWNLOAD_URLS_MAX } from './download-urls/claims.js';
import { claims as npmClaims, MAX_BYTES as NPM_MAX } from './npm/claims.js';
import { claims as pipClaims, MAX_BYTES as PIP_MAX } from './pip/claims.js';
import { claims as promptFilesClaims } from './prompt-files/claims.js';
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

/** The source scanners' code, loaded once, on the first file any of them claims. */
let loadedSources: Promise<ReadonlyMap<string, SourceScanner>> | undefined;
function sourceScanner(name: string): Promise<SourceScanner | undefined> {
  loadedSources ??= import('./source-scanners.js').then((m) => new Map(m.LOADED_SOURCE_SCANNERS.map((s) => [s.name, s])));
  return loadedSources.then((byName) => byName.get(name));
}

/**
 * A source scanner whose code loads with its first file. What it claims is
 * known without it (each folder's `claims.ts`), so a tree without a single
 * source file, manifest, config file or card (a folder of weights) never
 * loads the source scanners, nor yaml, semver or smol-toml for them: about
 * 400 KB of the 1 MB of JavaScript such a scan loaded. A test checks that
 * each entry is named, claims, caps and scans as its scanner.
 */
function lazy(name: string, claims: (path: string) => boolean, maxBytes: number | undefined): SourceScanner {
  return {
    name,
    claims,
    ...(maxBytes === undefined ? {} : { maxBytes }),
    scan: async (text, ctx) => {
      const scanner = await sourceScanner(name);
      if (scanner === undefined) throw new Error(`source scanner ${name} is not in scanners/source-scanners.ts`);
      return scanner.scan(text, ctx);
    },
  };
}

/** Scanners over text: code, notebooks, config, prompts, dataset cards, dependency manifests. */
export const SOURCE_SCANNERS: readonly SourceScanner[] = [
  lazy('code-refs', codeRefsClaims, CODE_REFS_MAX),
  lazy('config-refs', configRefsClaims, CONFIG_REFS_MAX),
  lazy('prompt-files', promptFilesClaims, undefined),
  lazy('dataset-files', datasetFilesClaims, undefined),
  lazy('pip', pipClaims, PIP_MAX),
  lazy('conda', condaClaims, undefined),
  lazy('npm', npmClaims, NPM_MAX),
  lazy('download-urls', downloadUrlsClaims, DOWNLOAD_URLS_MAX),
];

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
