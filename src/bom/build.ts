/**
 * Inventory → CycloneDX model. The only module (with its siblings in bom/)
 * that knows CycloneDX. Everything is inserted in code-point order and
 * serialized with `sortLists: false`, because the library sorts with
 * `localeCompare`, whose order depends on the process locale.
 *
 * Mapping (see docs/PROPERTIES.md for the representation choices):
 * - model   → `machine-learning-model` (a file that failed to parse → `file`)
 * - dataset → `data` with `data[].type = dataset`
 * - prompt  → `data` with `data[].type = other`, hashed, variables as properties
 * - package → `library` with purl; dev dependencies get scope `excluded`
 * - service → `services[]` with endpoints, `authenticated`, `x-trust-boundary`, outbound `data`
 */
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import type { Asset, Inventory } from '../types.js';
import { compareCodePoints, sortedBy } from '../util/sort.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { assetComponent, assetService } from './components.js';
import { ExtensionTable, type ModelCardExt } from './extensions.js';
import { findingVulnerabilities } from './findings.js';

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

  const refs = new Map<string, Models.BomRef>();
  const components = new Map<string, Models.Component>();
  const services = new Map<string, Models.Service>();
  const assets = sortedBy(inventory.assets, (a) => a.id);
  for (const asset of assets) {
    if (asset.kind === 'service') {
      const service = assetService(asset, extensions);
      services.set(asset.id, service);
      refs.set(asset.id, service.bomRef);
      bom.services.add(service);
    } else {
      const component = assetComponent(asset, extensions);
      components.set(asset.id, component);
      refs.set(asset.id, component.bomRef);
      bom.components.add(component);
    }
    root.dependencies.add(refs.get(asset.id) as Models.BomRef);
  }

  // Links need every component to exist first.
  const edges = new Map<string, Set<string>>();
  const link = (from: string, to: string): void => {
    if (!refs.has(from) || !refs.has(to) || from === to) return;
    const set = edges.get(from) ?? new Set<string>();
    set.add(to);
    edges.set(from, set);
  };
  for (const r of inventory.relationships) link(r.from, r.to);
  for (const asset of assets) {
    if (asset.kind !== 'model') continue;
    for (const d of asset.model.datasets ?? []) link(asset.id, datasetAssetId(d));
  }
  for (const [from, tos] of [...edges].sort(([a], [b]) => compareCodePoints(a, b))) {
    const deps = (components.get(from) ?? services.get(from))?.dependencies;
    for (const to of [...tos].sort(compareCodePoints)) deps?.add(refs.get(to) as Models.BomRef);
  }

  for (const asset of assets) {
    const component = components.get(asset.id);
    if (component === undefined || asset.kind !== 'model') continue;
    const datasetRefs = [...(edges.get(asset.id) ?? [])].filter((id) => id.startsWith('dataset:'));
    const card = modelCard(asset, datasetRefs);
    if (card !== undefined) extensions.setComponent(component, { modelCard: card });
  }
  for (const v of findingVulnerabilities(inventory.findings ?? [], refs)) bom.vulnerabilities.add(v);
  return { bom, extensions };
}

export function projectRef(name: string): string {
  return `project:${name}`;
}

/** The id (and bom-ref) of a dataset named by a Hub id in a model card. */
export function datasetAssetId(hubId: string): string {
  return `dataset:hf:${hubId}`;
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
