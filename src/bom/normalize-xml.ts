/**
 * XML normalizers that add what the library drops (see extensions.ts).
 * Unlike JSON, XML element order is fixed by the XSD's sequences, so each
 * addition is placed where the schema wants it.
 */
import type * as Models from '@cyclonedx/cyclonedx-library/Models';
import type * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import { Serialize as Lib } from './cdx-serialize.js';
import type { SpecProtocol } from './spec-features.js';
import type { ComponentDataExt, ExtensionTable, IdentityExt, ModelCardExt, OccurrenceExt } from './extensions.js';
import { supportsOccurrenceLine } from './spec-features.js';

type Element = Serialize.XML.Types.SimpleXml.Element;
type Child = Element | Serialize.XML.Types.SimpleXml.Comment;
type NormalizerOptions = Parameters<Serialize.XML.Normalize.ComponentNormalizer['normalize']>[1];

export class ExtendedXmlFactory extends Lib.XML.Normalize.Factory {
  readonly extensions: ExtensionTable;

  constructor(spec: SpecProtocol, extensions: ExtensionTable) {
    super(spec);
    this.extensions = extensions;
  }

  override makeForComponent(): Serialize.XML.Normalize.ComponentNormalizer {
    return new ExtendedComponentNormalizer(this);
  }

  override makeForService(): Serialize.XML.Normalize.ServiceNormalizer {
    return new ExtendedServiceNormalizer(this);
  }
}

/** Service children that come after `data` in every supported XSD. */
const AFTER_SERVICE_DATA = new Set(['licenses', 'externalReferences', 'properties', 'services', 'releaseNotes', 'tags']);

class ExtendedServiceNormalizer extends Lib.XML.Normalize.ServiceNormalizer {
  override normalize(data: Models.Service, options: NormalizerOptions, elementName: string): Element {
    const base = super.normalize(data, options, elementName);
    const ext = (this.factory as ExtendedXmlFactory).extensions.forService(data);
    if (ext === undefined) return base;
    const children: Child[] = [...((base.children ?? []) as Iterable<Child>)];
    const extra = compact([
      wrapIfAny('endpoints', (ext.endpoints ?? []).map((e) => el('endpoint', e))),
      text('authenticated', ext.authenticated === undefined ? undefined : String(ext.authenticated)),
      text('x-trust-boundary', ext.trustBoundary === undefined ? undefined : String(ext.trustBoundary)),
      wrapIfAny('data', (ext.data ?? []).map((d) => el('classification', d.classification, { flow: d.flow }))),
    ]);
    const at = children.findIndex((c) => c.type === 'element' && AFTER_SERVICE_DATA.has(c.name));
    children.splice(at === -1 ? children.length : at, 0, ...extra);
    return { ...base, children };
  }
}

/** Component children that come after `pedigree` in every supported XSD. */
const AFTER_PEDIGREE = new Set(['externalReferences', 'properties', 'components', 'evidence', 'releaseNotes', 'modelCard', 'data']);

class ExtendedComponentNormalizer extends Lib.XML.Normalize.ComponentNormalizer {
  override normalize(data: Models.Component, options: NormalizerOptions, elementName: string): Element | undefined {
    const base = super.normalize(data, options, elementName);
    if (base === undefined) return undefined;
    const factory = this.factory as ExtendedXmlFactory;
    const ext = factory.extensions.forComponent(data);
    if (ext === undefined) return base;
    const children: Child[] = [...((base.children ?? []) as Iterable<Child>)];
    const spec = factory.spec.version;
    if (ext.ancestors !== undefined && ext.ancestors.length > 0) {
      const ancestors = ext.ancestors.map((a) => this.normalize(a, options, 'component')).filter((a) => a !== undefined);
      const pedigree = el('pedigree', [el('ancestors', ancestors)]);
      const at = children.findIndex((c) => c.type === 'element' && AFTER_PEDIGREE.has(c.name));
      children.splice(at === -1 ? children.length : at, 0, pedigree);
    }
    // NOTE: mlbom never sets the library's own evidence, so there is no
    // existing <evidence> element to merge into.
    const evidence = compact([
      ext.identity === undefined ? undefined : identityXml(ext.identity),
      ext.occurrences === undefined || ext.occurrences.length === 0
        ? undefined
        : el('occurrences', ext.occurrences.map((o) => occurrenceXml(o, supportsOccurrenceLine(spec)))),
    ]);
    if (evidence.length > 0) children.push(el('evidence', evidence));
    if (ext.modelCard !== undefined && data.type === 'machine-learning-model') {
      const card = modelCardXml(ext.modelCard);
      if (card !== undefined) children.push(card);
    }
    if (ext.data !== undefined && data.type === 'data') {
      children.push(componentDataXml(ext.data));
    }
    return { ...base, children };
  }
}

function el(name: string, children: Iterable<Child> | string | number, attributes?: Record<string, string>): Element {
  return attributes === undefined ? { type: 'element', name, children } : { type: 'element', name, attributes, children };
}

function text(name: string, value: string | number | undefined): Element | undefined {
  return value === undefined ? undefined : el(name, value);
}

function compact(items: ReadonlyArray<Element | undefined>): Element[] {
  return items.filter((i): i is Element => i !== undefined);
}

/** The same element serves 1.5 (one identity) and 1.6+ (a list of one). */
function identityXml(id: IdentityExt): Element {
  const confidence = String(Math.round(id.confidence * 100) / 100);
  return el('identity', [
    el('field', id.field),
    el('confidence', confidence),
    el('methods', [el('method', [el('technique', id.technique), el('confidence', confidence)])]),
  ]);
}

function occurrenceXml(o: OccurrenceExt, withLine: boolean): Element {
  return el('occurrence', compact([text('location', o.location), withLine ? text('line', o.line) : undefined]));
}

function wrapIfAny(name: string, children: Element[]): Element | undefined {
  return children.length > 0 ? el(name, children) : undefined;
}

function modelCardXml(card: ModelCardExt): Element | undefined {
  const params = wrapIfAny('modelParameters', compact([
    text('task', card.task),
    text('architectureFamily', card.architectureFamily),
    text('modelArchitecture', card.modelArchitecture),
    wrapIfAny('datasets', (card.datasetRefs ?? []).map((ref) => el('ref', ref))),
  ]));
  const metrics = (card.performanceMetrics ?? []).map((m) =>
    el('performanceMetric', compact([text('type', m.type), text('value', m.value), text('slice', m.slice)])),
  );
  const analysis = wrapIfAny('quantitativeAnalysis', compact([wrapIfAny('performanceMetrics', metrics)]));
  const props = wrapIfAny('properties', (card.properties ?? []).map(([name, value]) => el('property', value, { name })));
  return wrapIfAny('modelCard', compact([params, analysis, props]));
}

function componentDataXml(d: ComponentDataExt): Element {
  return el('data', compact([
    text('type', d.type),
    text('name', d.name),
    d.contentsUrl === undefined ? undefined : el('contents', [el('url', d.contentsUrl)]),
    text('classification', d.classification),
    text('description', d.description),
  ]));
}
