import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLicense } from '../../src/util/license.js';

const CASES: ReadonlyArray<[string, ReturnType<typeof normalizeLicense>]> = [
  ['apache-2.0', { spdx: 'Apache-2.0' }],
  ['mit', { spdx: 'MIT' }],
  ['MIT', { spdx: 'MIT' }],
  ['bsd-3-clause', { spdx: 'BSD-3-Clause' }],
  ['cc-by-4.0', { spdx: 'CC-BY-4.0' }],
  ['cc-by-nc-4.0', { spdx: 'CC-BY-NC-4.0' }],
  ['cc-by-sa-4.0', { spdx: 'CC-BY-SA-4.0' }],
  ['cc-by-nc-sa-4.0', { spdx: 'CC-BY-NC-SA-4.0' }],
  ['gpl-3.0', { spdx: 'GPL-3.0-only' }],
  ['gpl-2.0', { spdx: 'GPL-2.0-only' }],
  ['agpl-3.0', { spdx: 'AGPL-3.0-only' }],
  ['lgpl-2.1', { spdx: 'LGPL-2.1-only' }],
  ['lgpl-3.0', { spdx: 'LGPL-3.0-only' }],
  ['GPL-2.0+', { spdx: 'GPL-2.0-or-later' }],
  ['mpl-2.0', { spdx: 'MPL-2.0' }],
  ['bsl-1.0', { spdx: 'BSL-1.0' }],
  ['unlicense', { spdx: 'Unlicense' }],
  ['cc0-1.0', { spdx: 'CC0-1.0' }],
  ['odbl', { spdx: 'ODbL-1.0' }],
  ['  zlib  ', { spdx: 'Zlib' }],
  ['openrail++', { name: 'openrail++' }],
  ['openrail', { name: 'openrail' }],
  ['creativeml-openrail-m', { name: 'creativeml-openrail-m' }],
  ['bigscience-openrail-m', { name: 'bigscience-openrail-m' }],
  ['llama2', { name: 'llama2' }],
  ['llama3.1', { name: 'llama3.1' }],
  ['gemma', { name: 'gemma' }],
  ['other', { name: 'other' }],
  ['Llama 2 Community License', { name: 'Llama 2 Community License' }],
  ['MIT OR Apache-2.0', { expression: 'MIT OR Apache-2.0' }],
  ['mit or apache-2.0', { expression: 'MIT OR Apache-2.0' }],
  ['(mit and bsd-3-clause) or gpl-2.0-only with classpath-exception-2.0', { expression: '(MIT AND BSD-3-Clause) OR GPL-2.0-only WITH Classpath-exception-2.0' }],
  ['LicenseRef-acme-model', { expression: 'LicenseRef-acme-model' }],
  ['MIT OR', { name: 'MIT OR' }],
  ['', {}],
];

for (const [raw, expected] of CASES) {
  test(`normalizeLicense(${JSON.stringify(raw)})`, () => {
    assert.deepEqual(normalizeLicense(raw), expected);
  });
}

test('normalizeLicense never throws on junk', () => {
  for (const junk of ['((((', ')', 'AND', 'WITH WITH', '\u0000', 'x'.repeat(5000), undefined as unknown as string, 42 as unknown as string]) {
    const result = normalizeLicense(junk);
    assert.equal(result.spdx, undefined);
    assert.equal(result.expression, undefined);
  }
});
