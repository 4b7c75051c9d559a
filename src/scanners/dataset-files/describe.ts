/**
 * What a data file says about itself, read cheaply: magic bytes, row counts
 * for line and block formats (capped), column names where the header or
 * footer gives them. Never reads a whole file, never throws.
 */
import type { ByteSource } from '../../util/byte-source.js';
import { decodeUtf8, startsWith } from '../../util/binary.js';
import { describeCsv, describeJsonl } from './lines.js';
import { describeParquet } from './parquet.js';
import { dataFormatOf } from './paths.js';
import { describeAvro, describeTfrecord, type RecordFacts } from './records.js';

export interface DataFileInfo {
  format: string;
  compressed: boolean;
  rows?: number;
  rowsCapped?: boolean;
  columns?: string[];
  /**
   * Set when the file is a Git LFS pointer: the real content's SHA-256 and
   * size as the pointer records them (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md).
   */
  lfs?: { sha256: string; size: number };
  /** Short lowercase reasons; the caller adds path and scanner. */
  issues: string[];
}

/** Whole-file compression magic, by name suffix. */
const COMPRESSION_MAGIC: Readonly<Record<string, { magic: readonly number[]; name: string }>> = {
  '.gz': { magic: [0x1f, 0x8b], name: 'gzip' },
  '.zst': { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd' },
  '.bz2': { magic: [0x42, 0x5a, 0x68], name: 'bzip2' },
  '.xz': { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz' },
};

const LFS_PREFIX = 'version https://git-lfs.github.com/spec/v1';
/** The spec caps pointer files at 1024 bytes. */
const LFS_MAX_BYTES = 1024;
const LINE_FORMATS: ReadonlySet<string> = new Set(['csv', 'tsv', 'jsonl']);

export async function describeDataFile(src: ByteSource, path: string): Promise<DataFileInfo> {
  const kind = dataFormatOf(path);
  if (kind === undefined) return { format: 'unknown', compressed: false, issues: ['not a recognised data file name'] };
  const base: DataFileInfo = { format: kind.format, compressed: kind.compressed, issues: [] };
  try {
    if (src.size === 0) return LINE_FORMATS.has(kind.format) ? { ...base, rows: 0, issues: ['empty file'] } : { ...base, issues: ['empty file'] };
    const lfs = await lfsPointer(src);
    if (lfs !== undefined) return { ...base, lfs, issues: ['git lfs pointer: content not checked out'] };
    if (kind.compressed) return { ...base, issues: await compressionIssues(src, path) };
    return { ...base, ...(await describeByFormat(src, kind.format)) };
  } catch (err) {
    // Only I/O fails here (every parser above returns its problems); keep the message free of content.
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'error';
    return { ...base, issues: [`read failed: ${code.toLowerCase()}`] };
  }
}

async function describeByFormat(src: ByteSource, format: string): Promise<Partial<DataFileInfo>> {
  switch (format) {
    case 'csv':
      return describeCsv(src, ',');
    case 'tsv':
      return describeCsv(src, '\t');
    case 'jsonl':
      return describeJsonl(src);
    case 'parquet':
      return describeParquet(src);
    case 'avro':
      return recordInfo(await describeAvro(src));
    case 'tfrecord':
      return recordInfo(await describeTfrecord(src));
    case 'arrow':
      return { issues: await arrowIssues(src) };
    case 'feather':
      return { issues: await featherIssues(src) };
    default:
      return { issues: [] };
  }
}

function recordInfo(facts: RecordFacts): Partial<DataFileInfo> {
  const { compressed, ...rest } = facts;
  return compressed === true ? { ...rest, compressed } : rest;
}

const ARROW_MAGIC = 'ARROW1';
/** The IPC stream format (what Hugging Face `datasets` writes to `.arrow` files) opens with this continuation marker. */
const STREAM_CONTINUATION = [0xff, 0xff, 0xff, 0xff];

/** Arrow IPC file ("ARROW1" at both ends) or IPC stream. https://arrow.apache.org/docs/format/Columnar.html#ipc-file-format */
async function arrowIssues(src: ByteSource): Promise<string[]> {
  const head = await src.read(0, 8);
  if (startsWith(head, STREAM_CONTINUATION)) return [];
  if (!startsWith(head, ARROW_MAGIC)) return ['not an arrow ipc file'];
  const tail = await src.read(Math.max(0, src.size - 6), 6);
  return src.size >= 12 && startsWith(tail, ARROW_MAGIC) ? [] : ['truncated arrow file: no footer magic'];
}

/** Feather v2 is an Arrow IPC file; v1 has its own "FEA1" magic. */
async function featherIssues(src: ByteSource): Promise<string[]> {
  const head = await src.read(0, 6);
  if (startsWith(head, 'FEA1')) return [];
  if (startsWith(head, ARROW_MAGIC)) return arrowIssues(src);
  return ['not a feather file'];
}

async function compressionIssues(src: ByteSource, path: string): Promise<string[]> {
  const lower = path.toLowerCase();
  const entry = Object.entries(COMPRESSION_MAGIC).find(([suffix]) => lower.endsWith(suffix))?.[1];
  if (entry === undefined) return [];
  const head = await src.read(0, entry.magic.length);
  return startsWith(head, entry.magic) ? [] : [`not a ${entry.name} file`];
}

const LFS_OID = /^oid sha256:([0-9a-f]{64})$/m;
const LFS_SIZE = /^size (\d{1,16})$/m;

async function lfsPointer(src: ByteSource): Promise<DataFileInfo['lfs']> {
  if (src.size > LFS_MAX_BYTES) return undefined;
  const text = decodeUtf8(await src.read(0, LFS_MAX_BYTES));
  if (text === undefined || !text.startsWith(LFS_PREFIX)) return undefined;
  const oid = LFS_OID.exec(text)?.[1];
  const size = LFS_SIZE.exec(text)?.[1];
  if (oid === undefined || size === undefined) return undefined;
  return { sha256: oid, size: Number(size) };
}
