/**
 * One shape for every config format, so a single walker reads YAML, JSON,
 * TOML and `.env` files. Scalars carry their 1-based line when the parser
 * knows it (YAML, `.env`); JSON and TOML lines are found afterwards by text search.
 */

export type CNode = CMap | CSeq | CScalar;

export interface CMap {
  readonly t: 'map';
  readonly entries: CEntry[];
}

export interface CSeq {
  readonly t: 'seq';
  readonly items: CNode[];
}

export interface CScalar {
  readonly t: 'scalar';
  /** Strings as written; other scalars as their JS value. */
  readonly value: unknown;
  readonly line?: number;
}

export interface CEntry {
  readonly key: string;
  readonly value: CNode;
  /** Line of the key, when known. */
  readonly line?: number;
}

/** Config files nest a few levels; deeper documents are data, not config. */
export const MAX_DEPTH = 64;
/** Bounds the walk over large or alias-amplified documents. */
export const MAX_NODES = 50_000;

export interface Budget {
  nodes: number;
  truncated: boolean;
}

export function newBudget(): Budget {
  return { nodes: 0, truncated: false };
}

/** Convert a parsed JSON or TOML value. Stops at the depth and node caps. */
export function fromJs(value: unknown, budget: Budget, depth = 0): CNode {
  budget.nodes += 1;
  if (depth > MAX_DEPTH || budget.nodes > MAX_NODES) {
    budget.truncated = true;
    return { t: 'scalar', value: null };
  }
  if (Array.isArray(value)) {
    const items: CNode[] = [];
    for (const item of value) {
      if (budget.nodes > MAX_NODES) break;
      items.push(fromJs(item, budget, depth + 1));
    }
    return { t: 'seq', items };
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries: CEntry[] = [];
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (budget.nodes > MAX_NODES) break;
      entries.push({ key, value: fromJs(v, budget, depth + 1) });
    }
    return { t: 'map', entries };
  }
  return { t: 'scalar', value };
}
