/**
 * Every pickle in one file, walked without unpickling: the globals they
 * import, classified, and whether the walk saw everything. One analyzer per
 * file; its budget is shared by all the streams and archive members walked.
 *
 * Back-to-back pickles: after a STOP, the walk goes on while the next bytes
 * look like a pickle (a PROTO 2–5 header and an opcode, or a plausible
 * protocol 0/1 start). Bytes that do not are data (legacy torch storages,
 * padding) and end the walk without a note. A stream after the first (or
 * in an archive member that merely starts like a pickle) is tentative: if
 * it breaks before importing anything it was data after all and is
 * dropped; if it imported something, it counts and its break makes the
 * analysis partial.
 */
import type { ByteSource } from '../../util/byte-source.js';
import type { PickleAnalysis, PickleGlobal } from '../../types.js';
import { compareCodePoints } from '../../util/sort.js';
import { classifyGlobal } from './classify.js';
import { Cursor, WalkBudget } from './cursor.js';
import type { ZipEntry } from '../../util/zip.js';
import { Machine, type GlobalSink, type ImportOpcode } from './machine.js';
import { memberBytes } from './members.js';
import { plausibleHeaderlessPickle, sniffPickle } from './sniff.js';
import { walkFailure, walkStream, type PickleWalk, type WalkContext } from './walk.js';

/** Distinct globals kept per file; past it the walk stops (a real model imports a few dozen). */
export const MAX_GLOBALS = 10_000;
/** Longest module or name kept in the result; classification sees the whole text. */
const MAX_NAME_CHARS = 200;
/** Reasons spelled out in `reason`; the rest are counted. */
const MAX_REASONS = 3;
const HEAD_BYTES = 64;

export interface WalkOptions {
  /** Offset of the first pickle. */
  readonly start?: number;
  /** Archive member the bytes come from. */
  readonly member?: string;
  /** Pickles that must be there (walked even if they do not look like one); default 1, 0 for a tentative member. */
  readonly required?: number;
  /** The source holds only this many inflated bytes of a longer member. */
  readonly inflatedOnly?: number;
}

export class PickleAnalyzer {
  readonly budget = new WalkBudget();
  private readonly found: PickleGlobal[] = [];
  /** member → module → name → bit per opcode already recorded; nested maps spare a string key per import. */
  private readonly seen = new Map<string, Map<string, Map<string, number>>>();
  private readonly reasons: string[] = [];
  private streams = 0;
  private member: string | undefined;
  private readonly sink: GlobalSink = { add: (module, name, opcode) => this.add(module, name, opcode) };

  /**
   * Walk the pickles at `start` in `src`. Returns how each counted stream
   * ended, in order (scanners derive `parsed` from the first ones).
   */
  async walk(src: ByteSource, opts: WalkOptions = {}): Promise<PickleWalk[]> {
    const required = opts.required ?? 1;
    const prefix = opts.member === undefined ? '' : `${opts.member}: `;
    const ends: PickleWalk[] = [];
    let at = opts.start ?? 0;
    for (let i = 0; ; i++) {
      const strict = i < required;
      if (!strict && (at >= src.size || !(await looksLikePickle(src, at)))) break;
      this.member = opts.member;
      const ctx: WalkContext = { sink: this.sink, notes: [] };
      const m = new Machine(this.sink);
      let end = await walkStream(new Cursor(src, at, this.budget), m, ctx);
      if (end.status === 'truncated' && opts.inflatedOnly !== undefined) {
        end = { status: 'limit', offset: end.offset, reason: `only the first ${opts.inflatedOnly} bytes of the member were inflated` };
      }
      const broken = end.status === 'truncated' || end.status === 'invalid';
      if (!strict && broken && m.imports === 0) break;
      this.streams++;
      ends.push(end);
      const where = i === 0 ? prefix : `${prefix}pickle ${i + 1} (at byte ${at}): `;
      const failure = walkFailure(end) ?? (end.status === 'limit' ? `walk stopped at offset ${end.offset}: ${end.reason ?? 'budget exhausted'}` : undefined);
      if (failure !== undefined) this.note(where + failure);
      if (m.malformed !== undefined) this.note(`${where}malformed pickle: ${m.malformed}`);
      for (const n of ctx.notes) this.note(where + n);
      if (end.status !== 'stop') break;
      at = end.end;
    }
    return ends;
  }

  /** Walk the pickles in one archive member; a member that cannot be read is noted. */
  async walkMember(src: ByteSource, entry: ZipEntry, opts: Omit<WalkOptions, 'member' | 'inflatedOnly'> = {}): Promise<PickleWalk[]> {
    const bytes = await memberBytes(src, entry, this.budget);
    if (!bytes.ok) {
      this.note(`${entry.name}: ${bytes.reason}`);
      return [];
    }
    return this.walk(bytes.src, { ...opts, member: entry.name, ...(bytes.inflatedOnly === undefined ? {} : { inflatedOnly: bytes.inflatedOnly }) });
  }

  /** Record why the analysis is not complete. */
  note(reason: string): void {
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
  }

  get streamCount(): number {
    return this.streams;
  }

  result(): PickleAnalysis {
    const globals = [...this.found].sort(
      (a, b) =>
        compareCodePoints(a.member ?? '', b.member ?? '') ||
        compareCodePoints(a.module, b.module) ||
        compareCodePoints(a.name, b.name) ||
        compareCodePoints(a.opcode, b.opcode),
    );
    if (this.reasons.length === 0) return { status: 'complete', globals, streams: this.streams };
    const shown = this.reasons.slice(0, MAX_REASONS).join('; ');
    const more = this.reasons.length - MAX_REASONS;
    return {
      status: this.budget.opcodes === 0 && globals.length === 0 ? 'not-analyzed' : 'partial',
      reason: more > 0 ? `${shown}; and ${more} more` : shown,
      globals,
      streams: this.streams,
    };
  }

  private add(module: string, name: string, opcode: ImportOpcode): boolean {
    const member = this.member ?? '';
    let byModule = this.seen.get(member);
    if (byModule === undefined) this.seen.set(member, (byModule = new Map()));
    let byName = byModule.get(module);
    if (byName === undefined) byModule.set(module, (byName = new Map()));
    const mask = byName.get(name) ?? 0;
    const bit = OPCODE_BITS[opcode];
    if ((mask & bit) !== 0) return true;
    if (this.found.length >= MAX_GLOBALS) return false;
    byName.set(name, mask | bit);
    this.found.push({
      module: clip(module),
      name: clip(name),
      class: classifyGlobal(module, name),
      opcode,
      ...(this.member === undefined ? {} : { member: this.member }),
    });
    return true;
  }
}

const OPCODE_BITS: Record<ImportOpcode, number> = { GLOBAL: 1, INST: 2, STACK_GLOBAL: 4 };

/** The analysis of a file whose pickle could not be read at all. */
export function notAnalyzed(reason: string): PickleAnalysis {
  return { status: 'not-analyzed', reason, globals: [], streams: 0 };
}

/** Do the bytes at `at` start like a pickle? PROTO 2–5 plus an opcode, or a plausible protocol 0/1 start. */
export async function looksLikePickle(src: ByteSource, at: number): Promise<boolean> {
  const head = await src.read(at, HEAD_BYTES);
  return head.length > 0 && (sniffPickle(head) || plausibleHeaderlessPickle(head));
}

function clip(text: string): string {
  return text.length <= MAX_NAME_CHARS ? text : `${text.slice(0, MAX_NAME_CHARS)}…`;
}
