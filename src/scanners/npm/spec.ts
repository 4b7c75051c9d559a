/**
 * What a package.json dependency value says: an exact version, a range or
 * tag, an alias, a git or tarball URL, or a local path.
 * https://docs.npmjs.com/cli/v10/configuring-npm/package-json#dependencies
 */
import semver from 'semver';
import type { Props } from '../../types.js';
import { stripShorthandCredentials, stripUrlCredentials } from '../../util/secrets.js';

export interface NpmSpec {
  /** The real package name (differs from the key for `npm:` aliases). */
  readonly name: string;
  readonly version?: string;
  readonly range?: string;
  readonly props: Props;
}

const HOSTED = /^(github|gitlab|bitbucket|gist):/i;
/** `user/repo` or `user/repo#ref`: GitHub shorthand. */
const SHORTHAND = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:#.*)?$/;
const GIT_URL = /^(?:git\+[a-z]+:|git:)/i;
const LOCAL = /^(file|link|portal):/i;
const MAX_ALIAS_DEPTH = 3;

/** Exact semver (`1.2.3`, `v1.2.3`, `=1.2.3`), normalized; undefined for ranges and tags. */
export function exactSemver(spec: string): string | undefined {
  const t = spec.trim();
  if (!/^[=v]*\d/.test(t)) return undefined;
  return semver.clean(t) ?? undefined;
}

export function classifyNpmSpec(key: string, spec: string, depth = 0): NpmSpec {
  const t = spec.trim();
  if (t.startsWith('npm:') && depth < MAX_ALIAS_DEPTH) {
    const body = t.slice(4);
    const at = body.indexOf('@', body.startsWith('@') ? 1 : 0);
    const real = at === -1 ? body : body.slice(0, at);
    const inner = classifyNpmSpec(real, at === -1 ? '*' : body.slice(at + 1), depth + 1);
    return { ...inner, props: { ...inner.props, alias: key } };
  }
  const exact = exactSemver(t);
  if (exact !== undefined) return { name: key, version: exact, props: {} };
  if (HOSTED.test(t) || GIT_URL.test(t) || (SHORTHAND.test(t) && !t.startsWith('@'))) {
    return { name: key, props: gitProps(t) };
  }
  if (/^https?:\/\//i.test(t)) {
    const src = stripUrlCredentials(t);
    return { name: key, props: src === undefined ? {} : { source_url: src } };
  }
  if (LOCAL.test(t)) return { name: key, props: { local_path: t.replace(LOCAL, '') } };
  return { name: key, ...(t !== '' ? { range: t } : {}), props: {} };
}

/** A git spec's credential-free URL and its `#ref` (a `#semver:` range is not a ref). */
export function gitProps(spec: string): Props {
  const hash = spec.indexOf('#');
  const url = hash === -1 ? spec : spec.slice(0, hash);
  const ref = hash === -1 ? undefined : spec.slice(hash + 1);
  let source: string | undefined;
  if (HOSTED.test(url)) source = stripShorthandCredentials(url);
  else if (SHORTHAND.test(spec)) source = `github:${url}`;
  else {
    const scheme = /^git\+/i.test(url) ? 'git+' : '';
    const clean = stripUrlCredentials(url.slice(scheme.length));
    source = clean === undefined ? undefined : `${scheme}${clean}`;
  }
  const props: Props = {};
  if (source !== undefined) props['source_url'] = source;
  if (ref !== undefined && ref !== '' && !ref.startsWith('semver:')) props['vcs_ref'] = ref;
  return props;
}

/** SRI `sha512-<base64>` (space-separated list) → `sha512:<hex>`. */
export function integrityHashes(integrity: unknown): string[] {
  if (typeof integrity !== 'string') return [];
  const out: string[] = [];
  for (const part of integrity.trim().split(/\s+/)) {
    const m = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$/.exec(part);
    if (m === null) continue;
    out.push(`${m[1]}:${Buffer.from(m[2]!, 'base64').toString('hex')}`);
  }
  return out;
}
