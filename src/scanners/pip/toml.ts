/** Reading TOML manifests: parsing without throwing, and typed access to parsed values. */
import type { PackageCollector } from '../../util/package-asset.js';
import { parseTomlSafely } from '../../util/toml-safe.js';

export type TomlObject = Record<string, unknown>;

/** Parse a manifest; when it cannot be read, that is the file's one issue. */
export function parseTomlManifest(text: string, out: PackageCollector): TomlObject | undefined {
  const parsed = parseTomlSafely(text);
  if (parsed.data === undefined) out.issue(parsed.error ?? 'invalid toml');
  return parsed.data;
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
