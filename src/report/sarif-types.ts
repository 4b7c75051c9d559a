/**
 * The subset of the SARIF 2.1.0 object model that mlbom writes, in the
 * property order it is serialized in (so output is byte-stable).
 */
import type { Severity } from '../types.js';
import type { SarifLevel, SarifReportingDescriptor } from './sarif-rules.js';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const MLBOM_INFORMATION_URI = 'https://github.com/mlbom/mlbom';
export const SRCROOT = '%SRCROOT%';
/** The `partialFingerprints` key that carries `Finding.id`. */
export const FINDING_FINGERPRINT = 'mlbomFindingId/v1';

export interface SarifArtifactLocation {
  readonly uri?: string;
  readonly uriBaseId?: string;
  readonly description?: { readonly text: string };
}

export interface SarifLocation {
  readonly id?: number;
  readonly physicalLocation: {
    readonly artifactLocation: SarifArtifactLocation;
    readonly region?: { readonly startLine: number };
  };
  readonly message?: { readonly text: string };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations: readonly [SarifLocation];
  readonly relatedLocations?: readonly SarifLocation[];
  readonly partialFingerprints: { readonly [FINDING_FINGERPRINT]: string };
  readonly properties: {
    readonly severity: Severity;
    readonly component: string;
    readonly purl?: string;
    readonly remediation: string;
    readonly details?: readonly string[];
  };
}

export interface SarifRun {
  readonly tool: {
    readonly driver: {
      readonly name: string;
      readonly version: string;
      readonly informationUri: string;
      readonly rules: readonly SarifReportingDescriptor[];
    };
  };
  readonly automationDetails?: { readonly id: string };
  readonly invocations?: readonly [{ readonly executionSuccessful: true; readonly startTimeUtc: string }];
  readonly originalUriBaseIds: { readonly [SRCROOT]: SarifArtifactLocation };
  readonly columnKind: 'utf16CodeUnits';
  readonly results: readonly SarifResult[];
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: typeof SARIF_VERSION;
  readonly runs: readonly [SarifRun];
}

