/** `diff`: load two BOMs → pure comparison → renderers. */
export { parseBomText, purlBase } from './load.js';
export { diffBoms, matchAssets } from './compare.js';
export { parseGates, evaluateGates, gateMatches, gateLabel, GATE_NAMES, type Gate, type GateName } from './gates.js';
export { renderDiff, renderJson, renderMarkdown, renderText, type DiffFormat } from './render.js';
export type { Asset, AssetType, Bom, Change, ChangeKind, DiffResult, DiffSummary, Severity } from './types.js';
