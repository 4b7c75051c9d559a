/**
 * Every property mlbom writes sits under one prefix, and every name is
 * documented in docs/PROPERTIES.md. A test checks the two agree.
 */
export const PROPERTY_PREFIX = 'mlbom:';

export function propertyName(key: string): string {
  return `${PROPERTY_PREFIX}${key}`;
}
