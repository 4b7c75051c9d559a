/**
 * Validate a SARIF log against the official SARIF 2.1.0 JSON schema
 * (fixtures/schemas/sarif-2.1.0.json, draft-04). For any test that writes
 * SARIF: `assert.deepEqual(sarifSchemaErrors(JSON.parse(text)), [])`.
 */
import { readFileSync } from 'node:fs';
import AjvDraft04, { type ValidateFunction } from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { fixturePath } from './helpers.js';

// Both packages are CommonJS that also set `exports.default`; under NodeNext
// TypeScript types the default import as the module, so take `.default`.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;

let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  const schema = JSON.parse(readFileSync(fixturePath('schemas', 'sarif-2.1.0.json'), 'utf8')) as object;
  // The schema's patterns predate ES unicode mode and it uses keywords strict mode rejects.
  const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Schema errors as `instancePath message` lines; empty when the log is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  validator ??= compile();
  if (validator(log)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? e.keyword}`);
}
