/**
 * Guards for parsing untrusted YAML with the `yaml` library: a nesting bound
 * checked before composing, an alias-expansion bound, and error messages that
 * never quote the document. Shared by front matter (model and dataset cards,
 * prompt files), config-refs and conda environment files.
 * https://eemeli.org/yaml/#documents
 */
import { CST, Lexer, parseAllDocuments } from 'yaml';

/**
 * Each alias expansion can multiply the output; 100 stops "billion laughs"
 * documents while leaving room for the few anchors real files use.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/**
 * The yaml composer recurses once per nesting level. Near the stack limit V8
 * can abort the whole process (a regexp compiled at that depth fails with a
 * fatal out-of-memory, not a RangeError), so deep documents are refused before
 * composing. Real cards and configs nest about 10 levels (model-index is 7).
 */
export const MAX_YAML_NESTING = 100;

/**
 * An upper bound on nesting, from the yaml lexer (which is iterative): block
 * depth is at most a line's indent plus its `-`/`?`/`:` indicators; flow
 * depth is the count of open brackets (brackets in quoted scalars and
 * comments are inside their own tokens and do not count). Stops early once
 * past `cap`, so the result is exact only up to `cap + 1`.
 */
export function yamlNestingDepth(text: string, cap: number = MAX_YAML_NESTING): number {
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
    if (max > cap) return max;
  }
  return max;
}

/** Does the text nest deeper than `cap` (see {@link yamlNestingDepth})? Refuse it before composing. */
export function isYamlTooDeep(text: string, cap: number = MAX_YAML_NESTING): boolean {
  return yamlNestingDepth(text, cap) > cap;
}

/** The library's messages quote the source; only the code and line are safe to repeat. */
export function yamlErrorMessage(code: string, line: number | undefined): string {
  return `invalid yaml (${code.toLowerCase().replace(/_/g, ' ')}${line === undefined ? '' : ` at line ${line}`})`;
}

/** Parse a whole YAML file (its first document) to plain JS, under both guards. Never throws. */
export function parseYamlValue(text: string): { value?: unknown; error?: string } {
  try {
    if (isYamlTooDeep(text)) return { error: `yaml nests deeper than ${MAX_YAML_NESTING} levels` };
    const docs = parseAllDocuments(text, { logLevel: 'error', uniqueKeys: false });
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (doc === undefined) return { value: null };
    const first = doc.errors[0];
    const value: unknown = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
    return first === undefined ? { value } : { value, error: yamlErrorMessage(first.code, first.linePos?.[0]?.line) };
  } catch (err) {
    return { error: err instanceof RangeError ? 'yaml too deep or too large' : 'invalid yaml' };
  }
}
