/**
 * JSON normalizers that add what the library drops (see extensions.ts).
 * Field order follows the JSON schema's property order for readability;
 * JSON consumers do not depend on it.
 */
import type * as Models from '@cyclonedx/cyclonedx-library/Models';
import type * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import { Serialize as Lib } from './cdx-serialize.js';
import type { SpecProtocol } from './spec-features.js';
import type { ComponentDataExt, ExtensionTable, IdentityExt, ModelCardExt, OccurrenceExt } from './extensions.js';
import { identityIsList, supportsOccurrenceLine } from './spec-features.js';

type JsonObject = Record<string, unknown>;
type NormalizerOptions = Parameters<Serialize.JSON.Normalize.ComponentNormalizer['normalize']>[1];

export class ExtendedJsonFactory extends Lib.JSON.Normalize.Factory {
  readonly extensions: ExtensionTable;

  constructor(spec: SpecProtocol, extensions: ExtensionTable) {
    super(spec);
    this.extensions = extensions;
  }

  override makeForComponent(): Serialize.JSON.Normalize.ComponentNormalizer {
    return new ExtendedComponentNormalizer(this);
  }

  override makeForService(): Serialize.JSON.Normalize.ServiceNormalizer {
    return new ExtendedServiceNormalizer(this);
  }
}

class ExtendedServiceNormalizer extends Lib.JSON.Normalize.ServiceNormalizer {
  override normalize(data: Models.Service, options: NormalizerOptions): Serialize.JSON.Types.Normalized.Service {
    const base = super.normalize(data, options) as unknown as JsonObject;
    const ext = (this.factory as ExtendedJsonFactory).extensions.forService(data);
    if (ext === undefined) return base as unknown as Serialize.JSON.Types.Normalized.Service;
    // Rebuild in schema order so the extra fields sit beside their neighbours.
    const { licenses, externalReferences, properties, services, ...head } = base;
    return {
      ...head,
      endpoints: ext.endpoints !== undefined && ext.endpoints.length > 0 ? [...ext.endpoints] : undefined,
      authenticated: ext.authenticated,
      'x-trust-boundary': ext.trustBoundary,
      data: ext.data !== undefined && ext.data.length > 0 ? ext.data.map((d) => ({ flow: d.flow, classification: d.classification })) : undefined,
      licenses,
      externalReferences,
      properties,
      services,
    } as unknown as Serialize.JSON.Types.Normalized.Service;
  }
}

class ExtendedComponentNormalizer extends Lib.JSON.Normalize.ComponentNormalizer {
  override normalize(data: Models.Component, options: NormalizerOptions): Serialize.JSON.Types.Normalized.Component | undefined {
    const base = super.normalize(data, options) as JsonObject | undefined;
    if (base === undefined) return undefined;
    const factory = this.factory as ExtendedJsonFactory;
    const ext = factory.extensions.forComponent(data);
    if (ext === undefined) return base as unknown as Serialize.JSON.Types.Normalized.Component;
    const spec = factory.spec.version;
    if (ext.ancestors !== undefined && ext.ancestors.length > 0) {
      base['pedigree'] = {
        ancestors: ext.ancestors.map((a) => this.normalize(a, options)).filter((a) => a !== undefined),
      };
    }
    const identity = ext.identity === undefined ? undefined : identityJson(ext.identity, spec);
    const occurrences = ext.occurrences !== undefined && ext.occurrences.length > 0
      ? ext.occurrences.map((o) => occurrenceJson(o, supportsOccurrenceLine(spec)))
      : undefined;
    if (identity !== undefined || occurrences !== undefined) {
      const evidence = (base['evidence'] as JsonObject | undefined) ?? {};
      base['evidence'] = nonEmpty({ identity, occurrences, ...evidence });
    }
    if (ext.modelCard !== undefined && data.type === 'machine-learning-model') {
      const card = modelCardJson(ext.modelCard);
      if (card !== undefined) base['modelCard'] = card;
    }
    if (ext.data !== undefined && data.type === 'data') {
      base['data'] = [componentDataJson(ext.data)];
    }
    return base as unknown as Serialize.JSON.Types.Normalized.Component;
  }
}

/** 1.5 has a single identity object; 1.6 made it a list. */
function identityJson(id: IdentityExt, spec: string): unknown {
  const confidence = Math.round(id.confidence * 100) / 100;
  const one = { field: id.field, confidence, methods: [{ technique: id.technique, confidence }] };
  return identityIsList(spec) ? [one] : one;
}

function occurrenceJson(o: OccurrenceExt, withLine: boolean): JsonObject {
  return withLine && o.line !== undefined ? { location: o.location, line: o.line } : { location: o.location };
}

function nonEmpty(o: JsonObject): JsonObject | undefined {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export function modelCardJson(card: ModelCardExt): JsonObject | undefined {
  return nonEmpty({
    modelParameters: nonEmpty({
      task: card.task,
      architectureFamily: card.architectureFamily,
      modelArchitecture: card.modelArchitecture,
      datasets: card.datasetRefs?.map((ref) => ({ ref })),
    }),
    quantitativeAnalysis: nonEmpty({
      performanceMetrics: card.performanceMetrics?.map((m) => nonEmpty({ type: m.type, value: m.value, slice: m.slice })),
    }),
    properties: card.properties?.map(([name, value]) => ({ name, value })),
  });
}

export function componentDataJson(d: ComponentDataExt): JsonObject {
  return nonEmpty({
    type: d.type,
    name: d.name,
    contents: d.contentsUrl === undefined ? undefined : { url: d.contentsUrl },
    classification: d.classification,
    description: d.description,
  }) ?? { type: d.type };
}
