/**
 * The source scanners themselves, loaded together by the registry's lazy
 * entries (registry.ts) when the first claimed file comes: one import for
 * all of them. Loaded one by one, as each scanner's first file came, a real
 * repository loaded them all anyway, in more and smaller chunks: the demo
 * project took 30-60 ms more CPU to scan.
 */
import { scanner as codeRefs } from './code-refs/index.js';
import { scanner as conda } from './conda/index.js';
import { scanner as configRefs } from './config-refs/index.js';
import { scanner as datasetFiles } from './dataset-files/index.js';
import { scanner as downloadUrls } from './download-urls/index.js';
import { scanner as npm } from './npm/index.js';
import { scanner as pip } from './pip/index.js';
import { scanner as promptFiles } from './prompt-files/index.js';
import type { SourceScanner } from './types.js';

export const LOADED_SOURCE_SCANNERS: readonly SourceScanner[] = [codeRefs, configRefs, promptFiles, datasetFiles, pip, conda, npm, downloadUrls];
