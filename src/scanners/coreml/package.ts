/**
 * Core ML packages (`*.mlpackage`) are folders: `Manifest.json` plus the
 * spec at `Data/com.apple.CoreML/model.mlmodel` and weights beside it.
 * https://apple.github.io/coremltools/docs-guides/source/mlmodel.html
 */
import { compareCodePoints } from '../../util/sort.js';

const MANIFEST = 'Manifest.json';
const MODEL_SPEC = 'Data/com.apple.CoreML/model.mlmodel';

/**
 * The root-relative path of the package's `model.mlmodel`, when `packageDir`
 * (root-relative, no trailing slash) holds both a `Manifest.json` and that
 * spec among `relPaths` (root-relative POSIX file paths); else undefined.
 */
export function findMlPackageModel(relPaths: readonly string[], packageDir: string): string | undefined {
  const files = new Set(relPaths);
  const prefix = packageDir === '.' || packageDir === '' ? '' : `${packageDir}/`;
  const model = `${prefix}${MODEL_SPEC}`;
  return files.has(`${prefix}${MANIFEST}`) && files.has(model) ? model : undefined;
}

export interface MlPackage {
  /** Root-relative path of the `*.mlpackage` folder. */
  readonly dir: string;
  /** Root-relative path of the spec to scan with the coreml scanner. */
  readonly model: string;
  /** Every file under `dir`, sorted. */
  readonly files: string[];
}

/** Every `*.mlpackage` folder among `relPaths` that holds a manifest and a spec. */
export function detectMlPackages(relPaths: readonly string[]): MlPackage[] {
  const dirs = new Set<string>();
  for (const p of relPaths) {
    if (!p.endsWith(`/${MANIFEST}`)) continue;
    const dir = p.slice(0, -MANIFEST.length - 1);
    if (dir.toLowerCase().endsWith('.mlpackage')) dirs.add(dir);
  }
  const out: MlPackage[] = [];
  for (const dir of [...dirs].sort(compareCodePoints)) {
    const model = findMlPackageModel(relPaths, dir);
    if (model === undefined) continue;
    const files = relPaths.filter((p) => p.startsWith(`${dir}/`)).sort(compareCodePoints);
    out.push({ dir, model, files });
  }
  return out;
}
