/** Licence strings as found → CycloneDX licence models. */
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import { normalizeLicense } from '../util/license.js';

export function licenseFor(raw: string): Models.License {
  const n = normalizeLicense(raw);
  if (n.spdx !== undefined) return new Models.SpdxLicense(n.spdx);
  if (n.expression !== undefined) return new Models.LicenseExpression(n.expression);
  return new Models.NamedLicense(n.name ?? raw);
}
