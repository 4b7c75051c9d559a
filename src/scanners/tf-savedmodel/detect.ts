/**
 * Finding SavedModel folders: a SavedModel is a folder, not a file —
 * `saved_model.pb` (the graph and signatures) beside `variables/` (weights)
 * and `assets/`. https://www.tensorflow.org/guide/saved_model
 */
import { compareCodePoints } from '../../util/sort.js';

const SAVED_MODEL_PB = 'saved_model.pb';

export interface SavedModelDir {
  /** Root-relative folder holding `saved_model.pb`; '' for the scan root. */
  readonly dir: string;
  /** Files under `dir` (sorted), minus those of a SavedModel nested deeper. */
  readonly files: string[];
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/**
 * Every folder among `relPaths` (root-relative POSIX file paths) that holds a
 * `saved_model.pb`, with the files that belong to it, sorted by folder. Pure:
 * reads nothing from disk.
 */
export function detectSavedModelDirs(relPaths: readonly string[]): SavedModelDir[] {
  const dirs = new Set<string>();
  for (const p of relPaths) {
    const base = p.slice(p.lastIndexOf('/') + 1);
    if (base === SAVED_MODEL_PB) dirs.add(dirOf(p));
  }
  const files = new Map<string, string[]>([...dirs].map((d) => [d, []]));
  for (const p of relPaths) {
    // The nearest enclosing SavedModel folder owns the file.
    for (let d = dirOf(p); ; d = dirOf(d)) {
      const owned = files.get(d);
      if (owned) {
        owned.push(p);
        break;
      }
      if (d === '') break;
    }
  }
  return [...files.keys()]
    .sort(compareCodePoints)
    .map((dir) => ({ dir, files: [...new Set(files.get(dir))].sort(compareCodePoints) }));
}
