/**
 * The CycloneDX fields that @cyclonedx/cyclonedx-library does not model
 * (it drops them silently): modelCard, component data, pedigree ancestors,
 * evidence occurrences. They live in a side table keyed by the library's
 * model object, and the normalizers in `normalize-json.ts` and
 * `normalize-xml.ts` write them. This is the one place mlbom extends the
 * library; later issues add service endpoints and data here.
 */
import type * as Models from '@cyclonedx/cyclonedx-library/Models';

export interface PerformanceMetricExt {
  readonly type: string;
  readonly value: string;
  readonly slice?: string;
}

export interface ModelCardExt {
  readonly task?: string;
  readonly architectureFamily?: string;
  readonly modelArchitecture?: string;
  /** bom-refs of `data` components. */
  readonly datasetRefs?: readonly string[];
  readonly performanceMetrics?: readonly PerformanceMetricExt[];
  readonly properties?: ReadonlyArray<readonly [string, string]>;
}

export type ComponentDataType = 'source-code' | 'configuration' | 'dataset' | 'definition' | 'other';

export interface ComponentDataExt {
  readonly type: ComponentDataType;
  readonly name?: string;
  readonly contentsUrl?: string;
  readonly classification?: string;
  readonly description?: string;
}

export interface OccurrenceExt {
  readonly location: string;
  /** Written for spec 1.6 and later only (1.5 has no `line`). */
  readonly line?: number;
}

export type IdentityField = 'group' | 'name' | 'version' | 'purl' | 'hash';
export type IdentityTechnique =
  | 'source-code-analysis'
  | 'binary-analysis'
  | 'manifest-analysis'
  | 'filename'
  | 'hash-comparison'
  | 'other';

/** `evidence.identity`: how sure mlbom is of the component's identity, and how it knows. */
export interface IdentityExt {
  readonly field: IdentityField;
  /** 0..1 */
  readonly confidence: number;
  readonly technique: IdentityTechnique;
}

export interface ServiceDataFlowExt {
  readonly flow: 'inbound' | 'outbound' | 'bi-directional' | 'unknown';
  readonly classification: string;
}

export interface ServiceExt {
  readonly endpoints?: readonly string[];
  readonly authenticated?: boolean;
  readonly trustBoundary?: boolean;
  readonly data?: readonly ServiceDataFlowExt[];
}

export interface ComponentExt {
  identity?: IdentityExt;
  modelCard?: ModelCardExt;
  data?: ComponentDataExt;
  occurrences?: readonly OccurrenceExt[];
  /** Components for `pedigree.ancestors`, normalized with the library's own component normalizer. */
  ancestors?: readonly Models.Component[];
}

/** The side table. A WeakMap so a dropped BOM frees its extras. */
export class ExtensionTable {
  readonly #components = new WeakMap<Models.Component, ComponentExt>();
  readonly #services = new WeakMap<Models.Service, ServiceExt>();

  forService(s: Models.Service): ServiceExt | undefined {
    return this.#services.get(s);
  }

  setService(s: Models.Service, ext: ServiceExt): void {
    this.#services.set(s, { ...this.#services.get(s), ...ext });
  }

  forComponent(c: Models.Component): ComponentExt | undefined {
    return this.#components.get(c);
  }

  setComponent(c: Models.Component, ext: ComponentExt): void {
    this.#components.set(c, { ...this.#components.get(c), ...ext });
  }
}
