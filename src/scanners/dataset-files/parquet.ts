/**
 * Parquet: magic bytes and the footer's row count and top-level columns.
 * Layout: https://parquet.apache.org/docs/file-format/
 *   "PAR1" <column chunks> <FileMetaData (thrift compact)> <u32 LE footer length> "PAR1"
 * FileMetaData and SchemaElement:
 * https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
 */
import type { ByteSource } from '../../util/byte-source.js';
import { decodeUtf8, startsWith, u32le } from '../../util/binary.js';
import { MAX_COLUMNS, MAX_COLUMN_CHARS } from './lines.js';
import { CompactReader, T_I32, T_I64, T_LIST, T_STRUCT, ThriftError } from './thrift.js';

/** Footers of wide tables with many row groups reach a few MiB; past this we give up on rows. */
export const MAX_FOOTER_BYTES = 16 * 1024 * 1024;

export interface ParquetFacts {
  rows?: number;
  columns?: string[];
  issues: string[];
}

const MAGIC = 'PAR1';
/** Files with an encrypted footer end in "PARE"; their metadata cannot be read without the key. */
const ENCRYPTED_MAGIC = 'PARE';

export async function describeParquet(src: ByteSource): Promise<ParquetFacts> {
  const head = await src.read(0, 4);
  if (src.size < 12 || !startsWith(head, MAGIC)) return { issues: ['not a parquet file'] };
  const tail = await src.read(src.size - 8, 8);
  if (startsWith(tail, ENCRYPTED_MAGIC, 4)) return { issues: [] };
  if (!startsWith(tail, MAGIC, 4)) return { issues: ['truncated parquet file: no footer magic'] };
  const footerLength = u32le(tail, 0) ?? 0;
  if (footerLength > src.size - 12) return { issues: [`parquet footer length ${footerLength} exceeds the file`] };
  if (footerLength > MAX_FOOTER_BYTES) {
    return { issues: [`parquet footer of ${footerLength} bytes exceeds the ${MAX_FOOTER_BYTES} byte cap`] };
  }
  const footer = await src.read(src.size - 8 - footerLength, footerLength);
  if (footer.length < footerLength) return { issues: ['truncated parquet footer'] };
  try {
    return readFileMetaData(footer);
  } catch (err) {
    if (!(err instanceof ThriftError)) throw err;
    return { issues: [`unreadable parquet footer: ${err.message}`] };
  }
}

interface SchemaEntry {
  name?: string;
  children: number;
}

/** Read FileMetaData fields 2 (schema) and 3 (num_rows); stop before the row groups. */
export function readFileMetaData(footer: Uint8Array): ParquetFacts {
  const r = new CompactReader(footer);
  let schema: SchemaEntry[] | undefined;
  let rows: bigint | undefined;
  let lastId = 0;
  for (;;) {
    const field = r.fieldHeader(lastId);
    if (field === undefined) break;
    if (field.id === 2 && field.type === T_LIST) schema = readSchema(r);
    else if (field.id === 3 && field.type === T_I64) rows = r.zigzag();
    else r.skip(field.type, false);
    lastId = field.id;
    if (schema !== undefined && rows !== undefined) break;
  }
  const facts: ParquetFacts = { issues: [] };
  if (rows !== undefined && rows >= 0n && rows <= BigInt(Number.MAX_SAFE_INTEGER)) facts.rows = Number(rows);
  const columns = schema === undefined ? [] : topLevelNames(schema);
  if (columns.length > 0) facts.columns = columns;
  return facts;
}

function readSchema(r: CompactReader): SchemaEntry[] {
  const { size, type } = r.listHeader();
  if (type !== T_STRUCT) throw new ThriftError('schema is not a list of structs');
  const entries: SchemaEntry[] = [];
  for (let i = 0; i < size; i++) entries.push(readSchemaElement(r));
  return entries;
}

/** SchemaElement: 4 = name, 5 = num_children; the rest is skipped. */
function readSchemaElement(r: CompactReader): SchemaEntry {
  const entry: SchemaEntry = { children: 0 };
  let lastId = 0;
  for (;;) {
    const field = r.fieldHeader(lastId);
    if (field === undefined) return entry;
    if (field.id === 4 && field.type === 8) {
      const name = decodeUtf8(r.binary());
      if (name !== undefined) entry.name = name;
    } else if (field.id === 5 && field.type === T_I32) {
      entry.children = Math.max(0, r.i32());
    } else {
      r.skip(field.type, false, 1);
    }
    lastId = field.id;
  }
}

/**
 * The schema is a depth-first list whose first entry is the root; its
 * children are the top-level columns. Walk it iteratively (a nested schema
 * could be as deep as it is long).
 */
function topLevelNames(schema: readonly SchemaEntry[]): string[] {
  const root = schema[0];
  if (root === undefined) return [];
  const names: string[] = [];
  let i = 1;
  for (let c = 0; c < root.children && i < schema.length && names.length < MAX_COLUMNS; c++) {
    const name = schema[i]?.name;
    if (name !== undefined && name !== '') names.push(Array.from(name).slice(0, MAX_COLUMN_CHARS).join(''));
    let pending = 1;
    while (pending > 0 && i < schema.length) {
      pending += (schema[i]?.children ?? 0) - 1;
      i++;
    }
  }
  return names;
}
