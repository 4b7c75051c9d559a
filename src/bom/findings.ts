/**
 * Findings → CycloneDX `vulnerabilities`. The spec's vulnerability object
 * is its one place for a risk tied to a component, with severity
 * (`ratings`), weakness (`cwes`), advice (`recommendation`) and the
 * component it is about (`affects`); Dependency-Track and other consumers
 * already read it. mlbom findings are configuration and supply-chain
 * weaknesses rather than CVEs, so `source.name` is `mlbom` and `id` is the
 * finding id (`<rule>/<hash>`); docs/FINDINGS.md spells out the mapping.
 */
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Types from '@cyclonedx/cyclonedx-library/Types';
import { FINDINGS_DOCS_URL, RULES, formatLocation } from '../findings/rules.js';
import type { Finding, Severity } from '../types.js';
import { propertyName } from './properties.js';

const SEVERITY: Readonly<Record<Severity, Enums.Vulnerability.Severity>> = {
  critical: Enums.Vulnerability.Severity.Critical,
  high: Enums.Vulnerability.Severity.High,
  medium: Enums.Vulnerability.Severity.Medium,
  low: Enums.Vulnerability.Severity.Low,
  info: Enums.Vulnerability.Severity.Info,
};

/** One vulnerability per finding, in the findings' (already fixed) order. */
export function findingVulnerabilities(findings: readonly Finding[], refs: ReadonlyMap<string, Models.BomRef>): Models.Vulnerability.Vulnerability[] {
  return findings.map((f) => {
    const rule = RULES.get(f.rule);
    const source = new Models.Vulnerability.Source({ name: 'mlbom', url: `${FINDINGS_DOCS_URL}#${f.rule}` });
    const ref = refs.get(f.assetId);
    const properties = [
      new Models.Property(propertyName('rule'), f.rule),
      ...f.evidence.map((l) => new Models.Property(propertyName('evidence'), formatLocation(l))),
      ...(f.details ?? []).map((d) => new Models.Property(propertyName('finding_detail'), d)),
    ];
    return new Models.Vulnerability.Vulnerability({
      bomRef: `finding:${f.id}`,
      id: f.id,
      source,
      ratings: new Models.Vulnerability.RatingRepository([
        new Models.Vulnerability.Rating({ severity: SEVERITY[f.severity], method: Enums.Vulnerability.RatingMethod.Other, source }),
      ]),
      cwes: new Types.CweRepository(rule === undefined ? [] : [rule.cwe]),
      description: f.message,
      detail: rule?.description,
      recommendation: f.remediation,
      affects: new Models.Vulnerability.AffectRepository(ref === undefined ? [] : [new Models.Vulnerability.Affect(ref)]),
      properties: new Models.PropertyRepository(properties),
    });
  });
}
