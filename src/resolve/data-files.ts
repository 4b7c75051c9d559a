/**
 * Local data files become dataset assets: those in data-like folders, and
 * any that code references. Files under a folder with a dataset card
 * belong to that card's dataset instead of standing alone.
 */
import type { WalkedFile } from '../discover/walk.js';
// From the modules themselves, not the scanner's index: resolve always loads, the dataset-card scanner only for a card.
import { describeDataFile } from '../scanners/dataset-files/describe.js';
import { dataFormatOf, isDatasetCandidate } from '../scanners/dataset-files/paths.js';
import type { Asset, Issue } from '../types.js';
import { withFileSource } from '../util/byte-source.js';
import { mapLimit } from '../util/pool.js';
import { sortedUnique } from '../util/sort.js';

const SCANNER = 'dataset-files';

export async function dataFileAssets(
  files: readonly WalkedFile[],
  referenced: ReadonlySet<string>,
  cards: readonly Asset[],
  issues: Issue[],
): Promise<Asset[]> {
  const todo = files.filter((f) => dataFormatOf(f.path) !== undefined && isDatasetCandidate(f.path, referenced.has(f.path)));
  const described = await mapLimit(todo, 8, async (f) => {
    try {
      return await withFileSource(f.absPath, async (src) => ({ f, size: src.size, info: await describeDataFile(src, f.path) }));
    } catch (err) {
      issues.push({ path: f.path, scanner: SCANNER, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      return undefined;
    }
  });
  const cardDirs = cards.filter((c) => c.kind === 'dataset' && c.id.startsWith('dataset:') && !c.id.startsWith('dataset:hf:'))
    .map((c) => ({ card: c, dir: c.locations[0]?.path.replace(/\/?README\.(md|markdown)$/i, '') ?? '' }));
  const out: Asset[] = [];
  for (const d of described) {
    if (d === undefined) continue;
    const { f, size, info } = d;
    for (const message of info.issues) issues.push({ path: f.path, scanner: SCANNER, message });
    const file = { path: f.path, size, role: 'other' as const };
    const owner = cardDirs.find((c) => c.dir === '' || f.path.startsWith(`${c.dir}/`));
    if (owner !== undefined) {
      owner.card.files.push(file);
      continue;
    }
    out.push({
      id: `dataset:${f.path}`,
      kind: 'dataset',
      name: f.path.slice(f.path.lastIndexOf('/') + 1),
      scanners: [SCANNER],
      locations: [{ path: f.path }],
      files: [file],
      props: {
        ...(info.columns !== undefined && info.columns.length > 0 ? { columns: info.columns } : {}),
        ...(info.compressed ? { compressed: true } : {}),
        ...(referenced.has(f.path) ? { referenced_in_code: true } : {}),
      },
      model: {},
      parsed: info.issues.length === 0,
      confidence: referenced.has(f.path) ? 0.9 : 0.8,
      dataset: { formats: sortedUnique([info.format]), rows: info.rows, rowsCapped: info.rowsCapped },
    });
  }
  return out;
}
