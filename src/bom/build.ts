/**
 * Inventory → CycloneDX model. The only module (with its siblings in bom/)
 * that knows CycloneDX. Everything is inserted in code-point order and
 * serialized with `sortLists: false`, because the library sorts with
 * `localeCompare`, whose order depends on the process locale.
 */
import { Enums, Models } from '@cyclonedx/cyclonedx-library';
import type { Asset, AssetFile, Inventory, PropValue, Props } from '../types.js';
import { compareCodePoints, sortedBy } from '../util/sort.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { ExtensionTable, type ModelCardExt } from './extensions.js';
import { licenseFor } from './licenses.js';
import { propertyName } from './properties.js';

export interface BuildOptions {
  /** The BOM timestamp; omitted when undefined (reproducible output). */
  readonly timestamp?: Date;
  /** A `urn:uuid:` serial number; omitted when undefined. */
  readonly serialNumber?: string;
}

export interface BuiltBom {
  readonly bom: Models.Bom;
  readonly extensions: ExtensionTable;
}

export function buildBom(inventory: Inventory, options: BuildOptions = {}): BuiltBom {
  const extensions = new ExtensionTable();
  const bom = new Models.Bom();
  if (options.serialNumber !== undefined) bom.serialNumber = options.serialNumber;
  bom.metadata.timestamp = options.timestamp;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, TOOL_NAME, {
      bomRef: `tool:${TOOL_NAME}`,
      version: TOOL_VERSION,
      externalReferences: new Models.ExternalReferenceRepository([
        new Models.ExternalReference('https://github.com/mlbom/mlbom', Enums.ExternalReferenceType.VCS),
      ]),
    }),
  );
  const root = new Models.Component(Enums.ComponentType.Application, inventory.root.name, {
    bomRef: projectRef(inventory.root.name),
    version: inventory.root.version,
  });
  bom.metadata.component = root;

  const byId = new Map<string, Models.Component>();
  for (const asset of sortedBy(inventory.assets, (a) => a.id)) {
    if (asset.kind === 'service') continue; // NOTE: services arrive with the code-reference scanners.
    const component = assetComponent(asset, extensions);
    byId.set(asset.id, component);
    bom.components.add(component);
    root.dependencies.add(component.bomRef);
  }
  // Second pass: links need every component to exist first.
  for (const asset of sortedBy(inventory.assets, (a) => a.id)) {
    const component = byId.get(asset.id);
    if (component === undefined || asset.kind !== 'model') continue;
    const datasetRefs = (asset.model.datasets ?? [])
      .map((d) => byId.get(datasetAssetId(d)))
      .filter((c): c is Models.Component => c !== undefined);
    for (const ds of datasetRefs) component.dependencies.add(ds.bomRef);
    const card = modelCard(asset, datasetRefs.map((c) => c.bomRef.toString()));
    if (card !== undefined) extensions.setComponent(component, { modelCard: card });
  }
  return { bom, extensions };
}

export function projectRef(name: string): string {
  return `project:${name}`;
}

/** The id (and bom-ref) of a dataset named by a Hub id in a model card. */
export function datasetAssetId(hubId: string): string {
  return `dataset:hf:${hubId}`;
}

function assetComponent(asset: Asset, extensions: ExtensionTable): Models.Component {
  const type = componentType(asset);
  const component = new Models.Component(type, asset.name, {
    bomRef: asset.id,
    group: asset.group,
    version: asset.version,
    description: asset.description,
    purl: asset.purl,
  });
  for (const license of asset.model.licenses ?? []) component.licenses.add(licenseFor(license));
  const single = singleFile(asset);
  if (single?.sha256 !== undefined) component.hashes.set(Enums.HashAlgorithm['SHA-256'], single.sha256);
  addProperties(component, assetProps(asset, single));
  if (single === undefined) {
    for (const file of sortedBy(asset.files, (f) => f.path)) component.components.add(fileComponent(asset, file, extensions));
  }
  const occurrences = sortedBy(asset.locations, (l) => `${l.path}\u0000${String(l.line ?? 0).padStart(10, '0')}`);
  if (occurrences.length > 0) {
    extensions.setComponent(component, { occurrences: occurrences.map((l) => ({ location: l.path, line: l.line })) });
  }
  const ancestors = (asset.model.baseModels ?? []).map((id) => ancestorComponent(asset, id));
  if (ancestors.length > 0) extensions.setComponent(component, { ancestors });
  if (asset.kind === 'dataset') {
    extensions.setComponent(component, {
      data: { type: 'dataset', name: asset.group === undefined ? asset.name : `${asset.group}/${asset.name}` },
    });
  }
  return component;
}

function componentType(asset: Asset): Enums.ComponentType {
  switch (asset.kind) {
    case 'model':
      // A file that only claims to be a model by its name is recorded as a
      // file: calling it a model would overstate what was verified.
      return asset.parsed ? Enums.ComponentType.MachineLearningModel : Enums.ComponentType.File;
    case 'dataset':
      return Enums.ComponentType.Data;
    case 'prompt':
      return Enums.ComponentType.File;
    case 'package':
      return Enums.ComponentType.Library;
    default:
      return Enums.ComponentType.File;
  }
}

/** A model that is exactly one file carries that file's hash itself. */
function singleFile(asset: Asset): AssetFile | undefined {
  return asset.files.length === 1 ? asset.files[0] : undefined;
}

function assetProps(asset: Asset, single: AssetFile | undefined): Props {
  const props: Props = { ...asset.props };
  if (asset.model.parameterCount !== undefined) props['parameter_count'] = asset.model.parameterCount;
  if (asset.model.quantization !== undefined) props['quantization'] = asset.model.quantization;
  if (asset.model.contextLength !== undefined) props['context_length'] = asset.model.contextLength;
  if (asset.model.name !== undefined && asset.model.name !== asset.name) props['model_name'] = asset.model.name;
  if (asset.model.baseModelRelation !== undefined) props['base_model_relation'] = asset.model.baseModelRelation;
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

function fileComponent(asset: Asset, file: AssetFile, extensions: ExtensionTable): Models.Component {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const c = new Models.Component(Enums.ComponentType.File, name, { bomRef: `file:${file.path}` });
  if (file.sha256 !== undefined) c.hashes.set(Enums.HashAlgorithm['SHA-256'], file.sha256);
  addProperties(c, { ...fileProps(file), role: file.role });
  extensions.setComponent(c, { occurrences: [{ location: file.path }] });
  void asset;
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

function modelCard(asset: Asset, datasetRefs: string[]): ModelCardExt | undefined {
  const m = asset.model;
  const card: ModelCardExt = {
    task: m.task,
    architectureFamily: m.architectureFamily,
    modelArchitecture: m.architecture,
    datasetRefs: [...datasetRefs].sort(compareCodePoints),
    performanceMetrics: m.metrics === undefined ? undefined : [...m.metrics].sort((a, b) =>
      compareCodePoints(`${a.slice ?? ''}\u0000${a.type}\u0000${a.value}`, `${b.slice ?? ''}\u0000${b.type}\u0000${b.value}`)),
  };
  const empty = card.task === undefined && card.architectureFamily === undefined && card.modelArchitecture === undefined
    && (card.datasetRefs ?? []).length === 0 && (card.performanceMetrics ?? []).length === 0;
  return empty ? undefined : card;
}

function addProperties(component: Models.Component, props: Props): void {
  for (const key of Object.keys(props).sort(compareCodePoints)) {
    const value = props[key];
    if (value === undefined) continue;
    for (const v of propertyValues(value)) component.properties.add(new Models.Property(propertyName(key), v));
  }
}

/** Lists become one property per value (CycloneDX properties may repeat a name). */
function propertyValues(value: PropValue): string[] {
  if (Array.isArray(value)) return [...(value as readonly string[])].sort(compareCodePoints);
  return [String(value)];
}
