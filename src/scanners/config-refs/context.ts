/**
 * Which provider the document names around a value: a `provider:` or
 * `_target_:` beside it, a base URL on a known API host, a section named
 * after the provider, or the key itself (`OPENAI_MODEL`).
 */
import type { ProviderId } from '../../types.js';
import { providerFromWord } from '../../util/ai-providers.js';
import { credentialFreeEndpoint } from '../../util/secrets.js';
import { isEndpointKey, isProviderKey, keyTokens } from './keys.js';
import { providerInName, providerOfHost } from './providers.js';
import type { CMap } from './tree.js';

export interface Frame {
  /** The key the map sits under (undefined for a document root). */
  readonly key: string | undefined;
  readonly map: CMap;
  /** A flat `.env` map: only keys that share the value's prefix are its context. */
  readonly flat: boolean;
}

/** The provider of an API base URL, with the URL cleaned of credentials, query and fragment. */
export function endpointOf(value: string): { provider: ProviderId; url: string } | undefined {
  if (!/^https?:\/\//i.test(value) || value.length > 500) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return undefined;
  }
  const provider = providerOfHost(u.hostname, u.port);
  return provider === undefined ? undefined : { provider, url: credentialFreeEndpoint(u) };
}

function stringValue(map: CMap, i: number): string | undefined {
  const v = map.entries[i]?.value;
  return v?.t === 'scalar' && typeof v.value === 'string' ? v.value : undefined;
}

function head(key: string): string | undefined {
  return keyTokens(key)[0];
}

/** Provider keys and endpoints in one map; `sameHeadOnly` limits them to keys sharing the value key's first word. */
function fromSiblings(map: CMap, valueKey: string | undefined, sameHeadOnly: boolean): ProviderId | undefined {
  const want = valueKey === undefined ? undefined : head(valueKey);
  const named: Array<{ provider: ProviderId; same: boolean }> = [];
  const hosted: Array<{ provider: ProviderId; same: boolean }> = [];
  map.entries.forEach((entry, i) => {
    if (entry.key === valueKey) return;
    const same = want !== undefined && head(entry.key) === want && keyTokens(entry.key).length > 1;
    if (sameHeadOnly && !same) return;
    // `azure_endpoint: ${AZURE_ENDPOINT}`: the key alone says Azure, whatever its value.
    if (keyTokens(entry.key).includes('azure')) named.push({ provider: 'azure-openai', same });
    const value = stringValue(map, i);
    if (value === undefined) return;
    if (isProviderKey(entry.key)) {
      const p = providerFromWord(value) ?? providerInName(value);
      if (p !== undefined) named.push({ provider: p, same });
    } else if (isEndpointKey(entry.key)) {
      const e = endpointOf(value);
      if (e !== undefined) hosted.push({ provider: e.provider, same });
    }
  });
  return pick(named) ?? pick(hosted);
}

/** Prefer a same-prefix key; otherwise only an unambiguous answer. */
function pick(found: ReadonlyArray<{ provider: ProviderId; same: boolean }>): ProviderId | undefined {
  const same = found.find((f) => f.same);
  if (same !== undefined) return same.provider;
  const distinct = new Set(found.map((f) => f.provider));
  return distinct.size === 1 ? found[0]?.provider : undefined;
}

/** The provider context of a value under `key` in the innermost frame. */
export function providerContext(key: string, frames: readonly Frame[]): ProviderId | undefined {
  const inner = frames[frames.length - 1];
  if (inner === undefined) return providerInName(key);
  if (inner.flat) {
    // In an env file every key is a sibling; the value's own prefix decides first.
    return fromSiblings(inner.map, key, true) ?? providerInName(key) ?? fromSiblings(inner.map, key, false);
  }
  const own = providerInName(key);
  if (own !== undefined) return own;
  for (let i = frames.length - 1; i >= 0; i -= 1) {
    const frame = frames[i];
    if (frame === undefined) continue;
    const sib = fromSiblings(frame.map, i === frames.length - 1 ? key : undefined, false);
    if (sib !== undefined) return sib;
    if (frame.key !== undefined) {
      const named = providerInName(frame.key);
      if (named !== undefined) return named;
    }
  }
  return undefined;
}

/** A sibling `revision` holding a full commit sha, lower-cased. */
export function siblingRevision(map: CMap): string | undefined {
  for (let i = 0; i < map.entries.length; i += 1) {
    const tokens = keyTokens(map.entries[i]?.key ?? '');
    if (tokens[tokens.length - 1] !== 'revision' && tokens.join(' ') !== 'commit hash') continue;
    const v = stringValue(map, i);
    if (v !== undefined && /^[0-9a-f]{40}$/i.test(v)) return v.toLowerCase();
  }
  return undefined;
}

/** A sibling `trust_remote_code: true`. */
export function siblingTrustRemoteCode(map: CMap): boolean {
  return map.entries.some((e) => keyTokens(e.key).join(' ') === 'trust remote code' && e.value.t === 'scalar' && (e.value.value === true || e.value.value === 'true' || e.value.value === 'True'));
}

/** Names of environment variables a map refers to (`${OPENAI_API_KEY}`, `os.environ/AZURE_API_BASE`). Names only. */
export function referencedEnvVars(map: CMap): string[] {
  const out: string[] = [];
  for (let i = 0; i < map.entries.length; i += 1) {
    const v = stringValue(map, i);
    if (v === undefined || v.length > 500) continue;
    for (const m of v.matchAll(/\$\{(?:env:)?([A-Z_][A-Z0-9_]*)(?:[:}-])|^os\.environ\/([A-Z_][A-Z0-9_]*)$|^\$([A-Z_][A-Z0-9_]*)$/g)) {
      const name = m[1] ?? m[2] ?? m[3];
      if (name !== undefined) out.push(name);
    }
  }
  return out;
}
