/** What the entries of poetry.lock, uv.lock and Pipfile.lock have in common. */
import { TomlLocator } from './lines.js';
import { arr, type TomlObject } from './toml.js';

export interface LockedPackage {
  /** The `[[package]]` table as parsed. */
  readonly value: unknown;
  /** Line of its `name` key, else of its header. */
  readonly line: number | undefined;
}

/** Every `[[package]]` table of a TOML lock file, with its line. */
export function lockPackages(text: string, data: TomlObject): LockedPackage[] {
  const loc = new TomlLocator(text);
  const entries = loc.arrayEntries('package');
  return arr(data['package']).map((value, i) => {
    const entry = entries[i];
    const line = entry === undefined ? undefined : loc.keyLineIn('name', entry) ?? loc.index.lineAt(entry.start);
    return { value, line };
  });
}

/** The well-formed `alg:hex` hashes among lock-file values, lower-cased. */
export function lockHashes(values: readonly unknown[]): string[] {
  return values
    .filter((h): h is string => typeof h === 'string' && /^[a-z0-9]+:[0-9a-f]+$/i.test(h))
    .map((h) => h.toLowerCase());
}
