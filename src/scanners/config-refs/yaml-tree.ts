/**
 * YAML config into the common tree, keeping each scalar's line.
 * https://eemeli.org/yaml/#documents
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { isYamlTooDeep, MAX_YAML_ALIAS_COUNT, MAX_YAML_NESTING, yamlErrorMessage } from '../../util/yaml-safe.js';
import { MAX_DEPTH, MAX_NODES, type Budget, type CEntry, type CNode } from './tree.js';

export interface YamlTree {
  readonly roots: CNode[];
  /** Why (part of) the file could not be read, short and lowercase; never quotes the content. */
  readonly error?: string;
}

export function yamlTree(text: string, budget: Budget): YamlTree {
  try {
    if (isYamlTooDeep(text)) return { roots: [], error: `yaml nests deeper than ${MAX_YAML_NESTING} levels` };
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
      if (this.aliases > MAX_YAML_ALIAS_COUNT) {
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
