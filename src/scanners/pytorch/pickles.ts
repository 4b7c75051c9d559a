/**
 * The pickles in a PyTorch checkpoint, walked for the globals they import.
 * A zip checkpoint's object graph is `<archive>/data.pkl`, but torch's zip
 * reader will load any record, and TorchScript archives carry more
 * pickles (`constants.pkl`), so every member that starts like a pickle is
 * walked too. A legacy checkpoint is back-to-back pickles followed by raw
 * storage bytes.
 *
 * Spec: torch/serialization.py (`_save`, `_legacy_save`, `_load`, `_legacy_load`),
 * https://github.com/pytorch/pytorch/blob/main/torch/serialization.py
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { PickleAnalysis } from '../../types.js';
import { METHOD_DEFLATE, type ZipEntry } from '../../util/zip.js';
import { PickleAnalyzer, memberHead } from '../pickle/index.js';

/** Members whose first bytes are checked for a hidden pickle; each check is one small read. */
export const MAX_MEMBER_CHECKS = 100_000;
/** Member head reads in flight at once. */
const HEAD_BATCH = 16;

export async function analyzeTorchZip(
  src: ByteSource,
  entries: readonly ZipEntry[],
  dataPkl: ZipEntry | undefined,
): Promise<PickleAnalysis> {
  const analyzer = new PickleAnalyzer();
  if (dataPkl !== undefined) await analyzer.walkMember(src, dataPkl);
  const others = entries.filter((e) => e !== dataPkl && !e.name.endsWith('/'));
  const checked = others.slice(0, MAX_MEMBER_CHECKS);
  let unchecked = others.length - checked.length;
  for (let i = 0; i < checked.length; i += HEAD_BATCH) {
    // Head reads are independent and tiny: issue a batch at once, then walk in entry order.
    const batch = checked.slice(i, i + HEAD_BATCH);
    const heads = await Promise.all(batch.map((e) => memberHead(src, e, 3, analyzer.budget)));
    for (const [j, entry] of batch.entries()) {
      const head = heads[j];
      if (head === undefined) {
        if (entry.method === METHOD_DEFLATE && analyzer.budget.readExhausted) unchecked++;
        continue;
      }
      // Protocol 2–5 headers, as torch.save and pickle.dump write them; the walk checks the rest.
      if (head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5) {
        await analyzer.walkMember(src, entry, { required: 0 });
      }
    }
  }
  if (unchecked > 0) analyzer.note(`${unchecked} archive members were not checked for pickles`);
  return analyzer.result();
}
