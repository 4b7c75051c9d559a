/**
 * Validate CycloneDX JSON (the library's strict JSON-schema validator) or
 * XML (the official XSD through xmllint compiled to WebAssembly, so no
 * native addon has to build on the user's machine).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Validation } from '@cyclonedx/cyclonedx-library';
import { MlbomError } from '../errors.js';
import { requireWithCodeCache, type CodeCacheState } from '../util/code-cache.js';

export const VALIDATABLE_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7'] as const;
export type ValidatableVersion = (typeof VALIDATABLE_VERSIONS)[number];

export interface ValidationResult {
  readonly valid: boolean;
  readonly format: 'json' | 'xml';
  readonly specVersion: string;
  readonly errors: string[];
}

const require = createRequire(import.meta.url);

function schemaDir(): string {
  return join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
}

export interface ValidateOptions {
  /**
   * JSON only. `precompiled` (default) runs the validators that
   * `npm run build` generates from the library's own schema files
   * (src/bom/precompile.ts); `library` compiles the library's
   * `JsonStrictValidator` at run time, which costs about 0.45 s per
   * spec version. Tests use `library` as the reference.
   */
  readonly json?: 'precompiled' | 'library';
}

/**
 * Validate BOM text against the schema of the spec version it declares.
 * @throws {MlbomError} code NOT_A_BOM when the text is not a CycloneDX BOM at all.
 */
export async function validateBomText(text: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return validateJson(text, options.json ?? 'precompiled');
  if (trimmed.startsWith('<')) return validateXml(text);
  throw new MlbomError('NOT_A_BOM', 'not a CycloneDX BOM: neither JSON nor XML');
}

type JsonCheck = (text: string) => Promise<unknown>;

/**
 * Load the JSON validator for a spec version now (the generated module is
 * about 1 MB of code), so that a later validateBomText does not wait for it.
 */
export async function prepareJsonValidator(version: string): Promise<void> {
  if ((VALIDATABLE_VERSIONS as readonly string[]).includes(version)) await jsonValidator(version, 'precompiled');
}

/** Compiling a schema takes a while; keep one validator per version and kind. */
const jsonValidators = new Map<string, JsonCheck>();

async function jsonValidator(version: string, kind: 'precompiled' | 'library'): Promise<JsonCheck> {
  const key = `${kind}:${version}`;
  let v = jsonValidators.get(key);
  if (v === undefined) {
    v = (kind === 'precompiled' ? precompiledValidator(version) : undefined) ?? (await libraryValidator(version));
    jsonValidators.set(key, v);
  }
  return v;
}

interface StandaloneValidate {
  (doc: unknown): boolean;
  errors?: unknown[] | null;
}

/** What became of each generated validator's V8 code cache (util/code-cache.ts), by spec version. */
const codeCaches = new Map<string, CodeCacheState>();

/**
 * Whether the generated validator for this spec version was compiled from
 * its build-time code cache; undefined until it is loaded (or when the build
 * made none). For `--debug` and the tests.
 */
export function validatorCodeCache(version: string): CodeCacheState | undefined {
  return codeCaches.get(version);
}

/** The build's generated validator, or undefined when the build did not make one (plain `tsc`). */
function precompiledValidator(version: string): JsonCheck | undefined {
  // The version becomes part of a module path: only the known ones.
  if (!(VALIDATABLE_VERSIONS as readonly string[]).includes(version)) return undefined;
  let validate: StandaloneValidate;
  try {
    const loaded = requireWithCodeCache(validatorFile(version));
    validate = loaded.exports as StandaloneValidate;
    codeCaches.set(version, loaded.cache);
  } catch {
    return undefined;
  }
  return async (text) => (validate(JSON.parse(text)) ? null : validate.errors ?? []);
}

/** Where the build writes the generated validator for a spec version (precompile.ts). */
export function validatorFile(version: ValidatableVersion | string): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'validators', `bom-${version}.cjs`);
}

async function libraryValidator(version: string): Promise<JsonCheck> {
  const { Validation: V } = await import('@cyclonedx/cyclonedx-library');
  const v: Validation.JsonStrictValidator = new V.JsonStrictValidator(version as Validation.JsonStrictValidator['version']);
  return async (text) => v.validate(text);
}

async function validateJson(text: string, kind: 'precompiled' | 'library'): Promise<ValidationResult> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new MlbomError('NOT_A_BOM', `not a CycloneDX BOM: invalid JSON (${(err as Error).message})`);
  }
  const obj = doc as { bomFormat?: unknown; specVersion?: unknown } | null;
  if (obj === null || typeof obj !== 'object' || obj.bomFormat !== 'CycloneDX') {
    throw new MlbomError('NOT_A_BOM', 'not a CycloneDX BOM: bomFormat is not "CycloneDX"');
  }
  const version = String(obj.specVersion);
  if (!(VALIDATABLE_VERSIONS as readonly string[]).includes(version)) {
    throw new MlbomError('NOT_A_BOM', `unsupported CycloneDX specVersion ${JSON.stringify(obj.specVersion)}`);
  }
  const error: unknown = await (await jsonValidator(version, kind))(text);
  // The library hands back ajv's error list itself (typed as a ValidationError).
  const errors = error === null ? [] : formatAjvErrors(Array.isArray(error) ? error : (error as { details?: unknown }).details);
  return { valid: error === null, format: 'json', specVersion: version, errors };
}

function formatAjvErrors(details: unknown): string[] {
  if (!Array.isArray(details)) return [String(details)];
  return details.map((d: { instancePath?: string; message?: string; params?: unknown }) =>
    `${d.instancePath === '' || d.instancePath === undefined ? '/' : d.instancePath}: ${d.message ?? 'invalid'}${d.params === undefined ? '' : ` ${JSON.stringify(d.params)}`}`);
}

const XML_NS = /xmlns\s*=\s*["']http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)["']/;

async function validateXml(text: string): Promise<ValidationResult> {
  const head = text.slice(0, 4096);
  const m = XML_NS.exec(head);
  if (m === null || !/<bom[\s>]/.test(head)) {
    throw new MlbomError('NOT_A_BOM', 'not a CycloneDX BOM: no <bom> element in the CycloneDX namespace');
  }
  const version = m[1] as string;
  if (!(VALIDATABLE_VERSIONS as readonly string[]).includes(version)) {
    throw new MlbomError('NOT_A_BOM', `unsupported CycloneDX XML namespace version ${version}`);
  }
  const dir = schemaDir();
  const [xsd, spdx] = await Promise.all([
    readFile(join(dir, `bom-${version}.SNAPSHOT.xsd`)),
    readFile(join(dir, 'spdx.SNAPSHOT.xsd')),
  ]);
  const { validateXML } = await import('xmllint-wasm');
  const result = await validateXML({
    xml: { fileName: 'bom.xml', contents: text },
    schema: { fileName: `bom-${version}.SNAPSHOT.xsd`, contents: xsd },
    preload: [{ fileName: 'spdx.SNAPSHOT.xsd', contents: spdx }],
    maxMemoryPages: 16384, // 1 GiB ceiling; large BOMs need more than the 32 MiB default
  });
  return {
    valid: result.valid,
    format: 'xml',
    specVersion: version,
    errors: result.errors.map((e) => (e.loc === null ? e.message : `line ${e.loc.lineNumber}: ${e.message}`)),
  };
}

/** Did the build generate a validator for this spec version? (Otherwise the library's is compiled at run time.) */
export function hasPrecompiledValidator(version: string): boolean {
  return precompiledValidator(version) !== undefined;
}
