/**
 * mlbom's public library API. The CLI in `cli/` is a thin layer over these.
 */
export { scan, type ScanOptions, type ScanProgress } from './scan.js';
export { hashFiles, type HashJob, type HashOptions, type HashOutcome, type HashProgress } from './hash/engine.js';
export { findRisks, RULES, SEVERITIES, atOrAbove, type Rule } from './findings/index.js';
export { toSarif, serializeSarif, sarifAssets, type SarifInput, type SarifLog } from './report/sarif.js';
export { enrich, type EnrichOptions, type EnrichResult } from './enrich/index.js';
export { buildBom, type BuildOptions, type BuiltBom } from './bom/build.js';
export { serializeBom, type BomFormat, type SerializeOptions } from './bom/serialize.js';
export { validateBomText, type ValidationResult } from './bom/validate.js';
export { SPEC_VERSIONS, DEFAULT_SPEC_VERSION, type SpecVersionString } from './bom/spec-features.js';
export { PROPERTY_PREFIX } from './bom/properties.js';
export { MlbomError, EXIT, type MlbomErrorCode } from './errors.js';
export { FILE_SCANNERS } from './scanners/registry.js';
export type * from './types.js';
export * from './card/index.js';
export { parseBomText, diffBoms, parseGates, evaluateGates, renderDiff, type DiffResult, type Change, type DiffFormat } from './diff/index.js';
export { verify, renderVerify, type VerifyOptions, type VerifyResult, type VerifiedFile, type VerifyStatus, type VerifyCounts, type VerifyFormat } from './verify/index.js';
export { run, type CliIo } from './cli/index.js';
