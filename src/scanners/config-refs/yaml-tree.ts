/**
 * YAML config into the common tree, keeping each scalar's line.
 * https://eemeli.org/yaml/#documents
 */
import { CST, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { MAX_DEPTH, MAX_NODES, type Budget, type CEntry, type CNode } from './tree.js';

/** Each alias expansion can multiply the output; 100 stops "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 100;

/**
 * The yaml composer recurses once per nesting level and V8 can abort the
 * process near the stack limit, so deep documents are refused before
 * composing. Same bound and estimate as util/front-matter.ts (not exported there).
 */
const MAX_NESTING = 100;

export interface YamlTree {
  readonly roots: CNode[];
  /** Why (part of) the file could not be read, short and lowercase; never quotes the content. */
  readonly error?: string;
}

export function yamlTree(text: string, budget: Budget): YamlTree {
  try {
    if (nestingEstimate(text) > MAX_NESTING) return { roots: [], error: `yaml nests deeper than ${MAX_NESTING} levels` };
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter, logLevel: 'error', uniqueKeys: false });
    const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
    const roots: CNode[] = [];
    let error: string | undefined;
    for (const doc of list) {
      const first = doc.errors[0];
      if (first !== undefined && error === undefined) error = yamlErrorMessage(first.code, first.linePos?.[0]?.line);
      const conv = new Converter(doc, lineCounter, budget);
      if (doc.contents !== null) roots.push(conv.node(doc.contents, 0));
    }
    return error === undefined ? { roots } : { roots, error };
  } catch (err) {
    return { roots: [], error: err instanceof RangeError ? 'yaml too deep or too large' : 'invalid yaml' };
  }
}

/** The library's messages quote the source; only the code and line are safe to repeat. */
export function yamlErrorMessage(code: string, line: number | undefined): string {
  return `invalid yaml (${code.toLowerCase().replace(/_/g, ' ')}${line === undefined ? '' : ` at line ${line}`})`;
}

class Converter {
  private aliases = 0;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly budget: Budget,
  ) {}

  node(n: unknown, depth: number): CNode {
    this.budget.nodes += 1;
    if (depth > MAX_DEPTH || this.budget.truncated || this.budget.nodes > MAX_NODES) {
      this.budget.truncated = true;
      return { t: 'scalar', value: null };
    }
    if (isAlias(n)) {
      this.aliases += 1;
      if (this.aliases > MAX_ALIAS_COUNT) {
        this.budget.truncated = true;
        return { t: 'scalar', value: null };
      }
      const target = n.resolve(this.doc);
      return target === undefined ? { t: 'scalar', value: null } : this.node(target, depth + 1);
    }
    if (isMap(n)) {
      const entries: CEntry[] = [];
      for (const pair of n.items) {
        const key = this.keyText(pair.key);
        if (key === undefined) continue;
        const line = this.lineOf(pair.key);
        entries.push(line === undefined ? { key, value: this.node(pair.value, depth + 1) } : { key, value: this.node(pair.value, depth + 1), line });
      }
      return { t: 'map', entries };
    }
    if (isSeq(n)) return { t: 'seq', items: n.items.map((item) => this.node(item, depth + 1)) };
    if (isScalar(n)) {
      const line = this.lineOf(n);
      return line === undefined ? { t: 'scalar', value: n.value } : { t: 'scalar', value: n.value, line };
    }
    return { t: 'scalar', value: null };
  }

  private keyText(key: unknown): string | undefined {
    if (isScalar(key)) return key.value === null || key.value === undefined ? undefined : String(key.value);
    return undefined;
  }

  private lineOf(n: unknown): number | undefined {
    const range = (n as Node | null)?.range;
    return range === undefined || range === null ? undefined : this.lines.linePos(range[0]).line;
  }
}

/** Parse a whole YAML file to plain JS (prompt files). Never throws. */
export function parseYamlValue(text: string): { value?: unknown; error?: string } {
  try {
    if (nestingEstimate(text) > MAX_NESTING) return { error: `yaml nests deeper than ${MAX_NESTING} levels` };
    const docs = parseAllDocuments(text, { logLevel: 'error', uniqueKeys: false });
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (doc === undefined) return { value: null };
    const first = doc.errors[0];
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return first === undefined ? { value } : { value, error: yamlErrorMessage(first.code, first.linePos?.[0]?.line) };
  } catch (err) {
    return { error: err instanceof RangeError ? 'yaml too deep or too large' : 'invalid yaml' };
  }
}

/**
 * An upper bound on nesting, from the yaml lexer (which is iterative): block
 * depth is at most a line's indent plus its `-`/`?`/`:` indicators; flow
 * depth is the count of open brackets. Stops early once past the cap.
 */
function nestingEstimate(text: string): number {
  let max = 0;
  let indent = 0;
  let indicators = 0;
  let flow = 0;
  let atLineStart = true;
  let skipScalar = false;
  for (const token of new Lexer().lex(text)) {
    if (skipScalar) {
      skipScalar = false;
      atLineStart = false;
      continue;
    }
    const type = CST.tokenType(token);
    if (type === 'scalar') skipScalar = true;
    if (type === 'newline') {
      indent = 0;
      indicators = 0;
      atLineStart = true;
      continue;
    }
    if (type === 'space' && atLineStart) indent = token.length;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') flow += 1;
    else if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1);
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') indicators += 1;
    if (type !== 'space' && type !== 'scalar') atLineStart = false;
    max = Math.max(max, indent + indicators + flow);
    if (max > MAX_NESTING) return max;
  }
  return max;
}
