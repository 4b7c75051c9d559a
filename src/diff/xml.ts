/**
 * CycloneDX XML → the JSON shape load.ts reads, for the elements diff
 * compares only. xmlbuilder2's reader does not expand DTD entities.
 */
import { create } from 'xmlbuilder2';
import { MlbomError } from '../errors.js';
import { asObj, str, type Json } from './load.js';

type X = Record<string, unknown>;

export function xmlToJson(text: string, shown: string): Json {
  // The XML reader is lenient about a missing end; a truncated BOM must not pass as a smaller one.
  if (!/<\/(?:[\w.-]+:)?bom\s*>\s*$/.test(text) && !/^(?:<\?[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[\w.-]+:)?bom\b[^>]*\/>\s*$/.test(text)) {
    throw new MlbomError('INPUT', `${shown} is not a complete CycloneDX XML BOM (no closing </bom>; truncated?)`);
  }
  let doc: X;
  try {
    doc = create(text).end({ format: 'object' }) as X;
  } catch (err) {
    throw new MlbomError('INPUT', `${shown} is not well-formed XML (${(err as Error).message.split('\n')[0]})`);
  }
  const bom = asObj(doc.bom);
  const ns = bom !== undefined ? xattr(bom, 'xmlns') : undefined;
  const m = ns !== undefined ? /^http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)$/.exec(ns) : null;
  if (bom === undefined || m === null) throw new MlbomError('INPUT', `${shown} is not a CycloneDX BOM (no <bom> in a CycloneDX namespace)`);
  return {
    bomFormat: 'CycloneDX',
    specVersion: m[1],
    components: xlist(bom.components, 'component').map(xComponent),
    services: xlist(bom.services, 'service').map(xService),
    vulnerabilities: xlist(bom.vulnerabilities, 'vulnerability').map(xVulnerability),
  };
}

function xVulnerability(v: X): Json {
  return {
    id: xtext(v.id),
    ratings: xlist(v.ratings, 'rating').map((r) => ({ severity: xtext(r.severity) })),
    affects: xlist(v.affects, 'target').map((t) => ({ ref: xtext(t.ref) })),
    properties: xProps(v.properties),
  };
}

/** Children named `name` of a wrapper element, always as a list. */
function xlist(wrapper: unknown, name: string): X[] {
  const w = asObj(wrapper);
  if (w === undefined) return [];
  const v = w[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.map((x) => (typeof x === 'string' ? { '#': x } : (asObj(x) ?? {})));
}

/** xmlbuilder2's object output keeps text escaped; undo the five entities and character references. */
function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|#x[0-9a-fA-F]+|#\d+|amp);/g, (_m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    if (e === 'amp') return '&';
    const cp = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

function xattr(o: X, name: string): string | undefined {
  const v = str(o[`@${name}`]);
  return v === undefined ? undefined : unescapeXml(v);
}

function xtext(v: unknown): string | undefined {
  if (typeof v === 'string') return unescapeXml(v.trim());
  const o = asObj(v);
  if (o !== undefined) {
    const t = str(o['#']);
    return t === undefined ? undefined : unescapeXml(t.trim());
  }
  if (Array.isArray(v)) return xtext(v[0]);
  return undefined;
}

function xComponent(c: X): Json {
  const o: Json = {
    type: xattr(c, 'type'),
    'bom-ref': xattr(c, 'bom-ref'),
    name: xtext(c.name),
    group: xtext(c.group),
    version: xtext(c.version),
    purl: xtext(c.purl),
    hashes: xlist(c.hashes, 'hash').map((h) => ({ alg: xattr(h, 'alg'), content: xtext(h) })),
    licenses: xLicenses(c.licenses),
    properties: xProps(c.properties),
    components: xlist(c.components, 'component').map(xComponent),
  };
  const ev = asObj(c.evidence);
  if (ev !== undefined) o.evidence = { occurrences: xlist(ev.occurrences, 'occurrence').map((x) => ({ location: xtext(x.location) })) };
  const ped = asObj(c.pedigree);
  if (ped !== undefined) o.pedigree = { ancestors: xlist(ped.ancestors, 'component').map(xComponent) };
  const mc = asObj(c.modelCard);
  if (mc !== undefined) {
    const mp = asObj(mc.modelParameters);
    const qa = asObj(mc.quantitativeAnalysis);
    const cons = asObj(mc.considerations);
    const consJ: Json = {};
    for (const [k, v] of Object.entries(cons ?? {})) {
      if (k.startsWith('@')) continue;
      const inner = asObj(v);
      const child = inner !== undefined ? Object.keys(inner).find((x) => !x.startsWith('@')) : undefined;
      consJ[k] = child !== undefined ? xlist(v, child).map((x) => xtext(x) ?? x) : xtext(v);
    }
    o.modelCard = {
      modelParameters: mp === undefined ? undefined : {
        task: xtext(mp.task),
        architectureFamily: xtext(mp.architectureFamily),
        modelArchitecture: xtext(mp.modelArchitecture),
        datasets: xlist(mp.datasets, 'ref').map((r) => ({ ref: xtext(r) })),
      },
      quantitativeAnalysis: qa === undefined ? undefined : {
        performanceMetrics: xlist(qa.performanceMetrics, 'performanceMetric').map((p) => ({ type: xtext(p.type), value: xtext(p.value), slice: xtext(p.slice) })),
      },
      considerations: cons === undefined ? undefined : consJ,
    };
  }
  return o;
}

function xService(s: X): Json {
  const prov = asObj(s.provider);
  return {
    'bom-ref': xattr(s, 'bom-ref'),
    name: xtext(s.name),
    group: xtext(s.group),
    version: xtext(s.version),
    provider: prov !== undefined ? { name: xtext(prov.name) } : undefined,
    endpoints: xlist(s.endpoints, 'endpoint').map((e) => xtext(e)),
    authenticated: xtext(s.authenticated),
    'x-trust-boundary': xtext(s['x-trust-boundary']),
    trustZone: xtext(s.trustZone),
    data: [...xlist(s.data, 'classification'), ...xlist(s.data, 'dataflow')].map((d) => ({ flow: xattr(d, 'flow'), classification: xtext(d) ?? xtext(d.classification) })),
    licenses: xLicenses(s.licenses),
    properties: xProps(s.properties),
  };
}

function xLicenses(v: unknown): Json[] {
  const w = asObj(v);
  if (w === undefined) return [];
  const out: Json[] = xlist(w, 'license').map((l) => ({ license: { id: xtext(l.id), name: xtext(l.name) } }));
  for (const e of xlist(w, 'expression')) out.push({ expression: xtext(e) });
  return out;
}

function xProps(v: unknown): Json[] {
  return xlist(v, 'property').map((p) => ({ name: xattr(p, 'name'), value: xtext(p) ?? '' }));
}

