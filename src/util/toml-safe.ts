/** TOML parsing that never throws and never echoes the document in a message. */
import { parse } from 'smol-toml';

/**
 * Parse a TOML document. smol-toml's messages quote the offending lines
 * (which may hold a secret), so an error keeps only the position.
 * `maxDepth` bounds table and array nesting (smol-toml's default is 1000).
 */
export function parseTomlSafely(text: string, maxDepth?: number): { data?: Record<string, unknown>; error?: string } {
  try {
    return { data: maxDepth === undefined ? parse(text) : parse(text, { maxDepth }) };
  } catch (err) {
    const line = (err as { line?: unknown }).line;
    return { error: typeof line === 'number' ? `invalid toml at line ${line}` : 'invalid toml' };
  }
}
