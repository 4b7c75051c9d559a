/**
 * Turning a string found where a Hub repo is expected into an asset: a
 * Hub model/dataset (`model:hf:<id>`), or a local path reference
 * (`model:ref:<path>`) the resolve stage links to the local component.
 */
import type { Asset, Props } from '../../types.js';
import { secretProvider } from '../../util/secrets.js';
import { huggingfacePurl } from '../hf-model-dir/hub-cache.js';
import type { Bindings, Resolved } from './bindings.js';
import type { Call } from './calls.js';
import {
  existsLocally,
  hubUrlRefs,
  isHubId,
  looksLikePath,
  normalizeRefPath,
  type HubKind,
} from './hub-ids.js';
import type { Sink } from './sink.js';
import type { Lang, Token } from './tokens.js';

export interface FileCtx {
  readonly path: string;
  readonly lang: Lang;
  readonly tokens: readonly Token[];
  readonly match: Int32Array;
  readonly calls: readonly Call[];
  readonly bindings: Bindings;
  readonly exists: (path: string) => boolean;
  readonly sink: Sink;
}

export interface HubRefInput {
  readonly value: Resolved;
  readonly kind: HubKind;
  /** Bare legacy ids (`gpt2`) count only as the repo argument of a Hub-specific call. */
  readonly allowBare: boolean;
  readonly line: number;
  readonly revision?: Resolved;
  readonly trustRemoteCode?: boolean;
  readonly task?: string;
  readonly props?: Props;
  /** Map a bare id to the repo the library really loads (sentence-transformers' `all-MiniLM-L6-v2`). */
  readonly rename?: (id: string) => string;
}

const COMMIT = /^[0-9a-f]{40}$/i;
const LOCAL_CONFIDENCE = 0.7;

/** Record the repo or path `input.value` names; returns the asset id, if any. */
export function emitHubRef(ctx: FileCtx, input: HubRefInput): string | undefined {
  const text = input.value.text.trim();
  if (text === '' || secretProvider(text) !== undefined) return undefined;
  if (/^(?:https?|hf):\/\//i.test(text) || /^hf[-_]hub:/i.test(text)) {
    let last: string | undefined;
    for (const r of hubUrlRefs(text)) {
      const rev = r.revision === undefined ? input.revision : { text: r.revision, confidence: 0.9 };
      last = emitHub(ctx, { ...input, kind: r.kind, revision: rev }, r.id, Math.min(input.value.confidence, 0.9));
    }
    return last;
  }
  if (looksLikePath(text) || ((isHubId(text, true) || text.includes('/')) && existsLocally(text, ctx.path, ctx.exists))) {
    return emitLocal(ctx, input, text);
  }
  if (!isHubId(text, input.allowBare) || (!text.includes('/') && !plausibleBareId(text, input))) return undefined;
  return emitHub(ctx, input, input.rename?.(text) ?? text, input.value.confidence);
}

/**
 * Legacy un-namespaced repos (`gpt2`, `bert-base-uncased`, `t5-small`) carry
 * a digit or a hyphen; a plain word passed to `from_pretrained` is far more
 * often a folder the code writes (`"output"`, `"results"`). Bare dataset ids
 * (`"imdb"`, `"squad"`) are plain words, so those count when written in the call.
 */
function plausibleBareId(text: string, input: HubRefInput): boolean {
  if (/[0-9-]/.test(text)) return true;
  return input.kind === 'dataset' && (input.value.confidence >= 0.95 || text.includes('_'));
}

export function emitLocal(ctx: FileCtx, input: HubRefInput, text: string): string | undefined {
  const norm = normalizeRefPath(text);
  if (norm === '' || (norm === '.' && input.kind === 'dataset')) return undefined;
  const props: Props = { ...(input.props ?? {}) };
  if (input.trustRemoteCode === true) props['trust_remote_code'] = true;
  const asset = ctx.sink.add({
    id: `${input.kind}:ref:${norm}`,
    kind: input.kind,
    name: norm.split('/').pop() || norm,
    line: input.line,
    confidence: Math.min(input.value.confidence, LOCAL_CONFIDENCE),
    props,
    localPath: text,
    ...(input.trustRemoteCode === true ? { trustRemoteCode: true } : {}),
    ...(input.task === undefined ? {} : { task: input.task }),
  });
  return asset.id;
}

export function emitHub(ctx: FileCtx, input: HubRefInput, id: string, confidence: number): string {
  const slash = id.indexOf('/');
  const rev = input.revision?.text.trim();
  const pinned = rev !== undefined && COMMIT.test(rev) ? rev.toLowerCase() : undefined;
  const props: Props = { ...(input.props ?? {}) };
  if (rev !== undefined && rev !== '' && pinned === undefined && secretProvider(rev) === undefined) props['revision'] = rev;
  if (input.trustRemoteCode === true) props['trust_remote_code'] = true;
  if (id !== input.value.text.trim() && !/^(?:https?|hf)/.test(input.value.text)) props['id_as_written'] = input.value.text.trim();
  const asset: Asset = ctx.sink.add({
    id: `${input.kind}:hf:${id}`,
    kind: input.kind,
    name: slash < 0 ? id : id.slice(slash + 1),
    ...(slash < 0 ? {} : { group: id.slice(0, slash) }),
    ...(pinned === undefined ? { unpinned: true } : { version: pinned }),
    purl: huggingfacePurl(id, pinned, input.kind),
    line: input.line,
    confidence,
    props,
    ...(input.trustRemoteCode === true ? { trustRemoteCode: true } : {}),
    ...(input.task === undefined ? {} : { task: input.task }),
  });
  return asset.id;
}
