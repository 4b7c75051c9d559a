/** One asset → one CycloneDX component or service, with its properties and extensions. */
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import type { Asset, AssetFile, ExternalRef, PropValue, Props, UpstreamFile } from '../types.js';
import { compareCodePoints, sortedBy } from '../util/sort.js';
import type { ExtensionTable, IdentityExt, IdentityTechnique } from './extensions.js';
import { PROVIDER_ORGANIZATIONS } from '../util/ai-providers.js';
import { licenseFor } from './licenses.js';
import { propertyName } from './properties.js';


const REF_TYPES: Readonly<Record<ExternalRef['type'], Enums.ExternalReferenceType>> = {
  website: Enums.ExternalReferenceType.Website,
  distribution: Enums.ExternalReferenceType.Distribution,
  vcs: Enums.ExternalReferenceType.VCS,
  documentation: Enums.ExternalReferenceType.Documentation,
};

/** Techniques by scanner, for `evidence.identity`. */
const SOURCE_CODE_SCANNERS = new Set(['code-refs', 'download-urls']);
const MANIFEST_SCANNERS = new Set(['pip', 'npm', 'conda', 'config-refs', 'hf-model-dir', 'dataset-files', 'prompt-files', 'chat-template']);

export function assetComponent(asset: Asset, extensions: ExtensionTable): Models.Component {
  const component = new Models.Component(componentType(asset), asset.name, {
    bomRef: asset.id,
    group: asset.group,
    version: asset.version,
    description: asset.description,
    purl: asset.purl,
    scope: scopeOf(asset),
    supplier: asset.supplier === undefined ? undefined : new Models.OrganizationalEntity({ name: asset.supplier }),
  });
  for (const ref of sortedBy(asset.externalReferences ?? [], (r) => `${r.type}\u0000${r.url}`)) {
    component.externalReferences.add(new Models.ExternalReference(ref.url, REF_TYPES[ref.type]));
  }
  // Weights that are not on disk still get their published hashes, as files of the model.
  if (asset.files.length === 0) {
    for (const f of asset.upstreamFiles ?? []) component.components.add(upstreamFileComponent(asset, f));
  }
  for (const license of asset.model.licenses ?? []) component.licenses.add(licenseFor(license));
  const single = singleFile(asset);
  if (single?.sha256 !== undefined) component.hashes.set(Enums.HashAlgorithm['SHA-256'], single.sha256);
  if (asset.prompt !== undefined && single === undefined) component.hashes.set(Enums.HashAlgorithm['SHA-256'], asset.prompt.sha256);
  for (const [alg, hex] of packageHashes(asset)) component.hashes.set(alg, hex);
  addProperties(component, assetProps(asset, single));
  if (single === undefined && asset.kind !== 'prompt') {
    for (const file of sortedBy(asset.files, (f) => f.path)) component.components.add(fileComponent(file, extensions));
  }
  const occurrences = sortedBy(asset.locations, (l) => `${l.path}\u0000${String(l.line ?? 0).padStart(10, '0')}`);
  extensions.setComponent(component, {
    identity: identity(asset),
    occurrences: occurrences.map((l) => ({ location: l.path, line: l.line })),
  });
  const ancestors = (asset.model.baseModels ?? []).map((id) => ancestorComponent(asset, id));
  if (ancestors.length > 0) extensions.setComponent(component, { ancestors });
  if (asset.kind === 'dataset') {
    extensions.setComponent(component, {
      data: {
        type: 'dataset',
        name: asset.group === undefined ? asset.name : `${asset.group}/${asset.name}`,
        description: asset.dataset?.contents,
        classification: asset.dataset?.classification,
      },
    });
  } else if (asset.kind === 'prompt') {
    extensions.setComponent(component, {
      data: { type: 'other', name: `prompt template (${asset.prompt?.format ?? 'text'})` },
    });
  }
  return component;
}

export function assetService(asset: Asset, extensions: ExtensionTable): Models.Service {
  const facts = asset.service;
  const service = new Models.Service(asset.name, {
    bomRef: asset.id,
    group: asset.group,
    description: asset.description,
    provider: facts === undefined ? undefined : new Models.OrganizationalEntity({ name: PROVIDER_ORGANIZATIONS[facts.provider] }),
  });
  addProperties(service, assetProps(asset, undefined));
  if (facts !== undefined) {
    extensions.setService(service, {
      endpoints: [...facts.endpoints].sort(compareCodePoints),
      authenticated: facts.authenticated,
      // Every external AI API is outside the application's trust boundary.
      trustBoundary: true,
      data: [{ flow: 'outbound', classification: 'prompts and model inputs' }],
    });
  }
  return service;
}

function componentType(asset: Asset): Enums.ComponentType {
  switch (asset.kind) {
    case 'model':
      // A file that only claims to be a model by its name is recorded as a
      // file: calling it a model would overstate what was verified.
      return asset.parsed ? Enums.ComponentType.MachineLearningModel : Enums.ComponentType.File;
    case 'dataset':
    case 'prompt':
      return Enums.ComponentType.Data;
    case 'package':
      return Enums.ComponentType.Library;
    default:
      return Enums.ComponentType.File;
  }
}

/** CycloneDX has no "dev" scope; `excluded` is its word for "not part of what runs". */
function scopeOf(asset: Asset): Enums.ComponentScope | undefined {
  switch (asset.pkg?.scope) {
    case 'required':
      return Enums.ComponentScope.Required;
    case 'optional':
      return Enums.ComponentScope.Optional;
    case 'dev':
      return Enums.ComponentScope.Excluded;
    default:
      return undefined;
  }
}

const HASH_ALGS: Readonly<Record<string, Enums.HashAlgorithm>> = {
  md5: Enums.HashAlgorithm.MD5,
  sha1: Enums.HashAlgorithm['SHA-1'],
  sha256: Enums.HashAlgorithm['SHA-256'],
  sha384: Enums.HashAlgorithm['SHA-384'],
  sha512: Enums.HashAlgorithm['SHA-512'],
};

/** Lock-file hashes (`alg:hex`). A package with several artifacts (wheels) keeps them as properties instead. */
function packageHashes(asset: Asset): Array<[Enums.HashAlgorithm, string]> {
  const hashes = asset.pkg?.hashes ?? [];
  if (hashes.length !== 1) return [];
  const [alg, hex] = (hashes[0] as string).split(':');
  const a = HASH_ALGS[alg ?? ''];
  return a !== undefined && hex !== undefined && /^[0-9a-f]+$/i.test(hex) ? [[a, hex.toLowerCase()]] : [];
}

function identity(asset: Asset): IdentityExt | undefined {
  // Weights, data files and templates inside weights are known from their bytes.
  const fromBytes = asset.files.some((f) => f.scan !== undefined)
    || (asset.kind === 'dataset' && asset.files.length > 0)
    || asset.scanners.includes('chat-template') && /\.gguf#chat_template$/.test(asset.id);
  const technique: IdentityTechnique = fromBytes
    ? 'binary-analysis'
    : asset.scanners.some((s) => SOURCE_CODE_SCANNERS.has(s))
      ? 'source-code-analysis'
      : asset.scanners.some((s) => MANIFEST_SCANNERS.has(s))
        ? 'manifest-analysis'
        : 'other';
  return { field: asset.purl !== undefined ? 'purl' : 'name', confidence: asset.confidence ?? (asset.parsed ? 1 : 0.5), technique };
}

/** A model that is exactly one file carries that file's hash itself. */
function singleFile(asset: Asset): AssetFile | undefined {
  return asset.files.length === 1 ? asset.files[0] : undefined;
}

function assetProps(asset: Asset, single: AssetFile | undefined): Props {
  const props: Props = { ...asset.props, asset_kind: asset.kind };
  const m = asset.model;
  if (m.parameterCount !== undefined) props['parameter_count'] = m.parameterCount;
  if (m.quantization !== undefined) props['quantization'] = m.quantization;
  if (m.contextLength !== undefined) props['context_length'] = m.contextLength;
  if (m.name !== undefined && m.name !== asset.name) props['model_name'] = m.name;
  if (m.baseModelRelation !== undefined) props['base_model_relation'] = m.baseModelRelation;
  if (asset.unpinned === true) props['pinned'] = false;
  if (asset.trustRemoteCode === true) props['trust_remote_code'] = true;
  if (asset.localPath !== undefined) props['local_path'] = asset.localPath;
  if (asset.service !== undefined) {
    props['provider'] = asset.service.provider;
    if (asset.service.envVars.length > 0) props['env_vars'] = asset.service.envVars;
    if (asset.service.sdks.length > 0) props['sdks'] = asset.service.sdks;
  }
  if (asset.prompt !== undefined) {
    props['prompt_format'] = asset.prompt.format;
    if (asset.prompt.variables.length > 0) props['template_variables'] = asset.prompt.variables;
    if (asset.prompt.model !== undefined) props['declared_model'] = asset.prompt.model;
  }
  if (asset.pkg !== undefined) {
    props['ecosystem'] = asset.pkg.ecosystem;
    props['dependency_scope'] = asset.pkg.scope;
    if (asset.pkg.versionRange !== undefined) props['version_range'] = asset.pkg.versionRange;
    if (asset.pkg.ai) props['ai_package'] = true;
    if ((asset.pkg.hashes ?? []).length > 1) props['artifact_hashes'] = asset.pkg.hashes ?? [];
  }
  if (asset.dataset !== undefined) {
    if (asset.dataset.formats !== undefined && asset.dataset.formats.length > 0) props['data_formats'] = asset.dataset.formats;
    if (asset.dataset.rows !== undefined) props['rows'] = asset.dataset.rows;
    if (asset.dataset.rowsCapped === true) props['rows_capped'] = true;
  }
  props['scanner'] = [...asset.scanners].sort(compareCodePoints);
  if (single !== undefined) Object.assign(props, fileProps(single));
  if (asset.files.length > 1) props['size'] = asset.files.reduce((n, f) => n + f.size, 0);
  return props;
}

function fileProps(file: AssetFile): Props {
  const props: Props = { size: file.size };
  const scan = file.scan;
  if (scan === undefined) return props;
  Object.assign(props, scan.props);
  props['format'] = scan.format;
  if (!scan.parsed) {
    props['parsed'] = false;
    if (scan.reason !== undefined) props['parse_error'] = scan.reason;
  }
  if (scan.pickle === true) props['serialization'] = 'pickle';
  if (scan.chatTemplate !== undefined) props['chat_template_sha256'] = scan.chatTemplate.sha256;
  if (scan.model.parameterCount !== undefined) props['parameter_count'] = scan.model.parameterCount;
  return props;
}

function fileComponent(file: AssetFile, extensions: ExtensionTable): Models.Component {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const c = new Models.Component(Enums.ComponentType.File, name, { bomRef: `file:${file.path}` });
  if (file.sha256 !== undefined) c.hashes.set(Enums.HashAlgorithm['SHA-256'], file.sha256);
  addProperties(c, { ...fileProps(file), role: file.role });
  extensions.setComponent(c, { occurrences: [{ location: file.path }] });
  return c;
}

function upstreamFileComponent(asset: Asset, file: UpstreamFile): Models.Component {
  const c = new Models.Component(Enums.ComponentType.File, file.name, { bomRef: `${asset.id}#file:${file.name}` });
  c.hashes.set(Enums.HashAlgorithm['SHA-256'], file.sha256);
  addProperties(c, { upstream: true, ...(file.size === undefined ? {} : { size: file.size }) });
  return c;
}

function ancestorComponent(asset: Asset, baseModel: string): Models.Component {
  const slash = baseModel.indexOf('/');
  const group = slash > 0 ? baseModel.slice(0, slash) : undefined;
  const name = slash > 0 ? baseModel.slice(slash + 1) : baseModel;
  return new Models.Component(Enums.ComponentType.MachineLearningModel, name, {
    bomRef: `${asset.id}#base:${baseModel}`,
    group,
    purl: hubPurlGuess(baseModel),
  });
}

/** A Hub id such as `org/name` is a Hub repo; anything else (a path, a URL) is not. */
function hubPurlGuess(id: string): string | undefined {
  return /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(id) ? `pkg:huggingface/${id}` : undefined;
}

function addProperties(target: { properties: Models.PropertyRepository }, props: Props): void {
  for (const key of Object.keys(props).sort(compareCodePoints)) {
    const value = props[key];
    if (value === undefined) continue;
    for (const v of propertyValues(value)) target.properties.add(new Models.Property(propertyName(key), v));
  }
}

/** Lists become one property per value (CycloneDX properties may repeat a name). */
function propertyValues(value: PropValue): string[] {
  if (Array.isArray(value)) return [...(value as readonly string[])].sort(compareCodePoints);
  return [String(value)];
}
