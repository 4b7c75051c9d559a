/**
 * `.npz` (np.savez / np.savez_compressed): a zip of `.npy` members, STORED
 * or DEFLATE. We list the members and read only each member's npy header.
 *
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { Props } from '../../types.js';
import { readZipDirectory, readZipEntry, type ZipEntry } from '../../util/zip.js';
import { sortedUnique } from '../../util/sort.js';
import { elementCount, readNpyHeader } from './npy.js';

/** Names listed in the `member_names` prop; the count is always exact. */
export const MAX_LISTED_MEMBERS = 1000;
/** Member headers read per archive; each is a small read, but a million of them is not. */
export const MAX_MEMBER_HEADERS = 10_000;

/** A member with an object dtype: its pickle starts at `dataOffset` inside the member. */
export interface ObjectMember {
  readonly entry: ZipEntry;
  readonly dataOffset: number;
}

export type NpzScan =
  | {
      readonly ok: true;
      readonly props: Props;
      readonly parameterCount?: number;
      readonly objectDtype: boolean;
      readonly objectMembers: readonly ObjectMember[];
    }
  | { readonly ok: false; readonly reason: string };

export async function scanNpz(src: ByteSource): Promise<NpzScan> {
  const dir = await readZipDirectory(src);
  if (!dir.ok) return { ok: false, reason: `invalid zip archive: ${dir.reason}` };
  const members = dir.entries.filter((e) => !e.name.endsWith('/'));
  const names = sortedUnique(members.map((e) => e.name));
  const props: Props = { members: members.length, member_names: names.slice(0, MAX_LISTED_MEMBERS) };
  if (names.length > MAX_LISTED_MEMBERS) props.member_names_truncated = true;

  const dtypes: string[] = [];
  let objectDtype = false;
  const objectMembers: ObjectMember[] = [];
  let total: number | undefined = 0;
  let unreadable = 0;
  for (const [i, entry] of members.entries()) {
    if (i >= MAX_MEMBER_HEADERS) {
      unreadable += members.length - i;
      break;
    }
    const npy = await readNpyHeader(async (n) => {
      const got = await readZipEntry(src, entry, n);
      return got.ok ? got.data : { reason: got.reason };
    }, entry.uncompressedSize);
    if (!npy.ok) {
      unreadable++;
      continue;
    }
    dtypes.push(npy.header.dtype);
    objectDtype ||= npy.header.objectDtype;
    if (npy.header.objectDtype) objectMembers.push({ entry, dataOffset: npy.header.dataOffset });
    const count = elementCount(npy.header.shape);
    total = total === undefined || count === undefined ? undefined : total + count;
  }
  if (dtypes.length > 0) props.dtypes = sortedUnique(dtypes);
  if (objectDtype) props.object_dtype = true;
  if (unreadable > 0) props.unreadable_members = unreadable;
  // A partial sum would understate the size, so only a full one is reported.
  const parameterCount = unreadable === 0 && total !== undefined && Number.isSafeInteger(total) ? total : undefined;
  return { ok: true, props, objectDtype, objectMembers, ...(parameterCount === undefined ? {} : { parameterCount }) };
}
