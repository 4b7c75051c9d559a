/**
 * Checkpoints written by `torch.save` since PyTorch 1.6: a STORED zip whose
 * entries all sit under one folder `<archive>/`: `data.pkl` (the pickled
 * object graph), `data/<key>` (one raw tensor storage each), `version` (or
 * `.data/version`), `.format_version` and `byteorder`.
 *
 * Spec: torch/serialization.py `_save` and caffe2/serialize/inline_container.h,
 * https://github.com/pytorch/pytorch/blob/main/caffe2/serialize/inline_container.h
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { Props } from '../../types.js';
import { decodeUtf8 } from '../../util/binary.js';
import { readZipDirectory, readZipEntry, type ZipEntry } from '../../util/zip.js';
import { pickleProtocol } from '../pickle/index.js';

/** Version and byteorder records hold a few ASCII bytes ("3\n", "little"). */
const MAX_RECORD_BYTES = 64;

/** `entries` (and `dataPkl`) are set whenever the central directory could be read, so the pickles can be walked. */
export type ArchiveScan =
  | { readonly ok: true; readonly props: Props; readonly entries: readonly ZipEntry[]; readonly dataPkl: ZipEntry }
  | { readonly ok: false; readonly reason: string; readonly entries?: readonly ZipEntry[]; readonly dataPkl?: ZipEntry };

export async function scanTorchArchive(src: ByteSource): Promise<ArchiveScan> {
  const dir = await readZipDirectory(src);
  if (!dir.ok) return { ok: false, reason: `invalid zip archive: ${dir.reason}` };
  const entries = dir.entries;
  // torch's reader takes the archive folder from the entries; data.pkl must sit directly in it.
  const dataPkl = dir.entries.find((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (dataPkl === undefined) return { ok: false, reason: 'zip archive without data.pkl: not a pytorch checkpoint', entries };
  const archive = dataPkl.name.slice(0, -'/data.pkl'.length);
  const byName = new Map(dir.entries.map((e) => [e.name, e] as const));
  const record = (name: string): ZipEntry | undefined => byName.get(`${archive}/${name}`);
  const version = record('version') ?? record('.data/version');
  const saveVersion = record('.format_version');
  const byteorder = record('byteorder');
  if (version === undefined && saveVersion === undefined && byteorder === undefined) {
    return { ok: false, reason: 'zip archive with data.pkl but no version or byteorder record: not a pytorch checkpoint', entries, dataPkl };
  }
  const storagePrefix = `${archive}/data/`;
  const props: Props = {
    archive_name: archive,
    zip_entries: dir.entries.length,
    tensor_storages: dir.entries.filter((e) => {
      const key = e.name.startsWith(storagePrefix) ? e.name.slice(storagePrefix.length) : '';
      return key !== '' && !key.includes('/');
    }).length,
  };
  const formatVersion = version && (await readRecord(src, version));
  if (formatVersion) props.torch_format_version = formatVersion;
  const saveFormatVersion = saveVersion && (await readRecord(src, saveVersion));
  if (saveFormatVersion) props.torch_save_format_version = saveFormatVersion;
  const order = byteorder && (await readRecord(src, byteorder));
  if (order === 'little' || order === 'big') props.byteorder = order;
  const pklHead = await readZipEntry(src, dataPkl, 2);
  const proto = pklHead.ok ? pickleProtocol(pklHead.data) : undefined;
  if (proto !== undefined) props.pickle_protocol = proto;
  return { ok: true, props, entries, dataPkl };
}

/** A short printable ASCII record, trimmed; undefined when unreadable or not text. */
async function readRecord(src: ByteSource, entry: ZipEntry): Promise<string | undefined> {
  const got = await readZipEntry(src, entry, MAX_RECORD_BYTES);
  if (!got.ok || got.truncated) return undefined;
  const text = decodeUtf8(got.data)?.trim();
  return text !== undefined && /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}
