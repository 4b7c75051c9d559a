/**
 * Datasets kept in the tree: Hugging Face dataset cards (a `SourceScanner`
 * claiming README.md outside vendored and test folders) and local data files (pure, bounded helpers the pipeline calls per file;
 * data files are not text to load whole).
 *
 * Props emitted on dataset-card assets (names without the `mlbom:` prefix):
 * - task_categories, task_ids, size_categories, source_datasets: the card keys, sorted
 * - languages: card `language` (or the older `languages`), sorted
 * - pretty_name: card `pretty_name`
 * - configs: `configs[].config_name`, sorted
 * - data_files: paths and glob patterns from `configs[].data_files`, sorted (at most 500)
 * - splits: split names from `configs[].data_files[].split` and `dataset_info.splits[].name`, sorted
 * - license_name, license_link: card keys, used with `license: other`
 *
 * For data files `describeDataFile` returns facts the pipeline writes as
 * `format`, `rows`, `rows_capped`, `columns` and `compressed`.
 */
import type { SourceScanner } from '../types.js';
import { scanDatasetCard, SCANNER } from './card.js';
import { claims } from './claims.js';

export { DATASET_CARD_KEYS, MODEL_CARD_ONLY_KEYS, isDatasetCardData, scanDatasetCard } from './card.js';
export { cardContents, cardTitle, MAX_CONTENTS_CHARS } from './card-body.js';
export { DATA_FORMATS, dataFormatOf, isDatasetCandidate, isVendoredOrTestPath } from './paths.js';
export { describeDataFile, type DataFileInfo } from './describe.js';
export { claims } from './claims.js';
export { MAX_SCAN_BYTES } from './chunks.js';
export { MAX_FOOTER_BYTES } from './parquet.js';
// Moved to util/secrets.ts; re-exported for existing importers.
export { looksLikeSecret } from '../../util/secrets.js';

export const scanner: SourceScanner = {
  name: SCANNER,
  claims,
  scan: (text, ctx) => scanDatasetCard(text, ctx.path),
};
