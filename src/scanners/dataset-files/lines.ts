/**
 * Row counts and column names for line formats (CSV, TSV, JSON Lines),
 * streamed in chunks under the byte cap of `chunks.ts`.
 * CSV: RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180), quoted fields may
 * hold newlines. JSON Lines: https://jsonlines.org/.
 */
import type { ByteSource } from '../../util/byte-source.js';
import { looksLikeSecret } from '../../util/secrets.js';
import { chunksOf, MAX_SCAN_BYTES } from './chunks.js';

export interface LineFacts {
  rows: number;
  rowsCapped: boolean;
  columns?: string[];
  issues: string[];
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

/** Column names kept, and characters kept of each: enough to recognise a schema. */
export const MAX_COLUMNS = 100;
export const MAX_COLUMN_CHARS = 100;

// CSV states: at the start of a field, inside an unquoted field, inside a
// quoted field, just after a quote inside a quoted field (closing or `""`).
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3;

/**
 * Counts CSV records, honouring quotes: a newline inside a quoted field does
 * not end the record. A quote opens a quoted field only at the start of a
 * field, so `5" screen` in an unquoted field cannot swallow the rest of the
 * file. Blank lines are not records (pandas and csv.DictReader skip them).
 */
class CsvRecordCounter {
  state = FIELD_START;
  /** The current record has a byte other than CR. */
  content = false;
  records = 0;

  constructor(private readonly delimiter: number) {}

  feed(bytes: Uint8Array): void {
    if ((this.state === FIELD_START || this.state === UNQUOTED) && bytes.indexOf(QUOTE) === -1) {
      this.feedUnquoted(bytes);
      return;
    }
    let { state, content, records } = this;
    const d = this.delimiter;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i] as number;
      if (state === QUOTED) {
        if (c === QUOTE) state = QUOTE_SEEN;
      } else if (state === QUOTE_SEEN && c === QUOTE) {
        state = QUOTED; // `""`: an escaped quote inside the field
      } else if (c === LF) {
        if (content) records++;
        content = false;
        state = FIELD_START;
      } else if (c === d) {
        content = true;
        state = FIELD_START;
      } else if (c === QUOTE && state === FIELD_START) {
        content = true;
        state = QUOTED;
      } else if (c !== CR) {
        content = true;
        state = UNQUOTED;
      }
    }
    this.state = state;
    this.content = content;
    this.records = records;
  }

  /** The common case, a chunk without quotes: find newlines with indexOf. */
  private feedUnquoted(bytes: Uint8Array): void {
    let pos = 0;
    for (;;) {
      const nl = bytes.indexOf(LF, pos);
      if (nl === -1) break;
      if (this.content || hasByteOtherThan(bytes, pos, nl, CR)) this.records++;
      this.content = false;
      this.state = FIELD_START;
      pos = nl + 1;
    }
    for (let i = pos; i < bytes.length; i++) {
      const c = bytes[i] as number;
      if (c === CR) continue;
      this.content = true;
      this.state = c === this.delimiter ? FIELD_START : UNQUOTED;
    }
  }
}

/** Rows (records after the header) and columns of a CSV or TSV file. */
export async function describeCsv(src: ByteSource, delimiter: ',' | '\t', cap = MAX_SCAN_BYTES): Promise<LineFacts> {
  const counter = new CsvRecordCounter(delimiter.charCodeAt(0));
  let header: HeaderFacts | undefined;
  for await (const chunk of chunksOf(src, cap)) {
    header ??= csvHeader(chunk, delimiter, chunk.length >= src.size);
    counter.feed(chunk);
  }
  const rowsCapped = src.size > cap;
  // The last record needs no newline, unless the cap cut it in half.
  const records = counter.records + (!rowsCapped && counter.content ? 1 : 0);
  const issues: string[] = [];
  if (!rowsCapped && counter.state === QUOTED) issues.push('unterminated quoted field');
  const columns = header?.columns;
  const rows = Math.max(0, records - (columns === undefined ? 0 : 1));
  return columns === undefined ? { rows, rowsCapped, issues } : { rows, rowsCapped, columns, issues };
}

interface HeaderFacts {
  columns?: string[];
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * The first record of the first chunk as column names. A first record of
 * only numbers is data (a headerless file), and so is one holding anything
 * shaped like a credential: column names must never carry a secret.
 */
function csvHeader(chunk: Uint8Array, delimiter: string, wholeFile: boolean): HeaderFacts {
  const text = new TextDecoder('utf-8').decode(chunk);
  const { fields, complete } = firstCsvRecord(text, delimiter);
  // A record cut by the chunk end loses its last, partial field.
  const names = (complete || wholeFile ? fields : fields.slice(0, -1)).map((f) => f.trim());
  if (names.length === 0 || names.every((n) => n === '' || NUMBER.test(n))) return {};
  if (names.some(looksLikeSecret)) return {};
  return { columns: clipNames(names.filter((n) => n !== '')) };
}

/** Parse the first non-blank CSV record of `text`, with RFC 4180 quoting. */
export function firstCsvRecord(text: string, delimiter: string): { fields: string[]; complete: boolean } {
  let i = 0;
  while (i < text.length && (text[i] === '\n' || text[i] === '\r')) i++;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let atStart = true;
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      atStart = true;
    } else if (c === '\n') {
      fields.push(field.replace(/\r$/, ''));
      return { fields, complete: true };
    } else {
      field += c;
      atStart = false;
    }
    // The header is at most one chunk long, but a field of it could be the
    // whole megabyte: stop collecting once past what is kept.
    if (field.length > MAX_COLUMN_CHARS * 4) field = field.slice(0, MAX_COLUMN_CHARS * 2);
  }
  fields.push(field);
  return { fields, complete: false };
}

/** Rows (non-blank lines) and the first object's keys of a JSON Lines file. */
export async function describeJsonl(src: ByteSource, cap = MAX_SCAN_BYTES): Promise<LineFacts> {
  let rows = 0;
  let content = false;
  let first: string[] | 'invalid' | undefined;
  let firstChunk = true;
  for await (const chunk of chunksOf(src, cap)) {
    if (firstChunk) first = firstJsonKeys(chunk, chunk.length >= src.size);
    firstChunk = false;
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, pos);
      const end = nl === -1 ? chunk.length : nl;
      if (!content) content = hasNonBlank(chunk, pos, end);
      if (nl === -1) break;
      if (content) rows++;
      content = false;
      pos = nl + 1;
    }
  }
  const rowsCapped = src.size > cap;
  if (!rowsCapped && content) rows++;
  const issues = first === 'invalid' ? ['first line is not valid json'] : [];
  return Array.isArray(first) ? { rows, rowsCapped, columns: first, issues } : { rows, rowsCapped, issues };
}

/**
 * Keys of the first line's object. Undefined when the first line does not
 * fit the first chunk (a 10 MB line) or holds no object; 'invalid' when it is
 * complete but not JSON, a sign the file is not JSON Lines at all.
 */
function firstJsonKeys(chunk: Uint8Array, wholeFile: boolean): string[] | 'invalid' | undefined {
  let start = 0;
  while (start < chunk.length && isBlank(chunk[start] as number)) start++;
  const nl = chunk.indexOf(LF, start);
  if (nl === -1 && !wholeFile) return undefined;
  const line = new TextDecoder('utf-8').decode(chunk.subarray(start, nl === -1 ? chunk.length : nl)).trim();
  if (line === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'invalid';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value).filter((k) => k.trim() !== '' && !looksLikeSecret(k));
  return keys.length === 0 ? undefined : clipNames(keys);
}

function clipNames(names: string[]): string[] {
  return names.slice(0, MAX_COLUMNS).map((n) => {
    const chars = Array.from(n);
    return chars.length <= MAX_COLUMN_CHARS ? n : chars.slice(0, MAX_COLUMN_CHARS).join('');
  });
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === LF;
}

function hasNonBlank(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlank(bytes[i] as number)) return true;
  return false;
}

function hasByteOtherThan(bytes: Uint8Array, from: number, to: number, byte: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== byte) return true;
  return false;
}
