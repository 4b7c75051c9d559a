/**
 * Code-point ordering. `localeCompare` depends on the process locale, so
 * output sorted with it could differ between two CI machines.
 */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedBy<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  return [...items].sort((x, y) => compareCodePoints(key(x), key(y)));
}

export function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(compareCodePoints);
}
