/** Differences between the spec versions mlbom writes that the library does not track for us. */
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';

export type SpecProtocol = (typeof Spec.SpecVersionDict)[keyof typeof Spec.SpecVersionDict] & object;
export type SpecVersionString = '1.5' | '1.6' | '1.7';
export const SPEC_VERSIONS: readonly SpecVersionString[] = ['1.5', '1.6', '1.7'];
export const DEFAULT_SPEC_VERSION: SpecVersionString = '1.6';

export function specFor(version: SpecVersionString): SpecProtocol {
  const spec = Spec.SpecVersionDict[version as Spec.Version];
  if (spec === undefined) throw new RangeError(`unsupported spec version ${version}`);
  return spec;
}

/** `evidence.occurrences[].line` arrived in 1.6. */
export function supportsOccurrenceLine(version: string): boolean {
  return version !== Spec.Version.v1dot5 && version !== Spec.Version.v1dot4;
}

/** `evidence.identity` became a list in 1.6. */
export function identityIsList(version: string): boolean {
  return supportsOccurrenceLine(version);
}
