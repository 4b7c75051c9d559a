/** TOML parsing that never throws and never echoes the document in a message. */
import { parse } from 'smol-toml';

export type TomlObject = Record<string, unknown>;

export function parseToml(text: string): { data?: TomlObject; error?: string } {
  try {
    return { data: parse(text) as TomlObject };
  } catch (err) {
    // smol-toml's message quotes the offending lines (which may hold a secret): keep only the position.
    const line = (err as { line?: unknown }).line;
    return { error: typeof line === 'number' ? `invalid toml at line ${line}` : 'invalid toml' };
  }
}

export function isTable(v: unknown): v is TomlObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export function table(v: unknown): TomlObject {
  return isTable(v) ? v : {};
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
