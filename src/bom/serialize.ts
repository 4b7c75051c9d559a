/** CycloneDX model → JSON or XML text, through the extended normalizers. */
import { Serialize, xmlSerializerClass } from './cdx-serialize.js';
import type { BuiltBom } from './build.js';
import { ExtendedJsonFactory } from './normalize-json.js';
import { ExtendedXmlFactory } from './normalize-xml.js';
import { specFor, type SpecVersionString } from './spec-features.js';

export { loadXmlSerializer } from './cdx-serialize.js';

export type BomFormat = 'json' | 'xml';

export interface SerializeOptions {
  readonly format: BomFormat;
  readonly specVersion: SpecVersionString;
}

/** Serialize a built BOM. Output ends with a newline. */
export function serializeBom(built: BuiltBom, options: SerializeOptions): string {
  const spec = specFor(options.specVersion);
  // sortLists stays off: build.ts inserts everything in code-point order,
  // and the library's own sort is locale-dependent.
  const opts = { sortLists: false, space: 2 };
  const text = options.format === 'xml'
    ? new (xmlSerializerClass())(new ExtendedXmlFactory(spec, built.extensions)).serialize(built.bom, opts)
    : new Serialize.JsonSerializer(new ExtendedJsonFactory(spec, built.extensions)).serialize(built.bom, opts);
  return text.endsWith('\n') ? text : `${text}\n`;
}
