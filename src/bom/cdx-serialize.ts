/**
 * The library's Serialize namespace, loaded in two halves.
 *
 * `@cyclonedx/cyclonedx-library/Serialize` also loads the XML serializer,
 * which pulls in xmlbuilder2 and js-yaml: about 150 files and 90 ms of every
 * scan's start-up, although JSON output never uses them. The package's
 * `index.common` holds everything else (JSON serializer, both normalizer
 * families); XML output loads the full namespace on demand. Both reach the
 * same files, so classes are the same objects either way. If a library
 * release moves `index.common`, we fall back to the full namespace: slower,
 * never wrong.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as SerializeNs from '@cyclonedx/cyclonedx-library/Serialize';

const require = createRequire(import.meta.url);

type Common = Omit<typeof SerializeNs, 'XmlSerializer'>;

function loadCommon(): Common {
  try {
    const root = dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json'));
    const common = require(join(root, 'dist.node', 'serialize', 'index.common.js')) as Partial<Common>;
    if (typeof common.JsonSerializer === 'function' && typeof common.JSON?.Normalize?.Factory === 'function' && typeof common.XML?.Normalize?.Factory === 'function') {
      return common as Common;
    }
  } catch {
    // Layout changed: use the public entry point below.
  }
  return require('@cyclonedx/cyclonedx-library/Serialize') as Common;
}

export const Serialize: Common = loadCommon();

/** The XML serializer class, loaded on first use. */
export function xmlSerializerClass(): typeof SerializeNs.XmlSerializer {
  return (require('@cyclonedx/cyclonedx-library/Serialize') as typeof SerializeNs).XmlSerializer;
}

/**
 * Load the XML half ahead of `serializeBom(…, { format: 'xml' })`. Here the
 * require above is synchronous, so this only loads it early; the bundled CLI
 * (scripts/bundle.mjs) loads the XML chunk only through this call.
 */
export async function loadXmlSerializer(): Promise<void> {
  xmlSerializerClass();
}
