/**
 * URLs found in pip requirements: VCS URLs, `#egg=` and `#sha256=`
 * fragments, archive file names. They often carry credentials
 * (`https://user:token@host/…`, `?private_token=…`), so nothing here returns
 * a URL that did not go through `stripUrlCredentials` first.
 */
import { stripUrlCredentials } from '../../util/secrets.js';

const SCHEME = /^([a-z][a-z0-9+.-]*:\/\/)/i;
const VCS_SCHEME = /^(git|hg|svn|bzr)\+/i;

export function isVcsUrl(url: string): boolean {
  return VCS_SCHEME.test(url);
}

export interface VcsUrl {
  /** Credential-free URL, still carrying the pip `@ref` when there was one. */
  readonly sourceUrl: string;
  /** The commit, tag or branch after the last `@` of the path. */
  readonly ref?: string;
  /** The last path segment without `.git`: pip's name when no `#egg=` says otherwise. */
  readonly repoName?: string;
}

/** Split a pip-style VCS URL `git+https://host/org/repo.git@ref#egg=x`. */
export function parseVcsUrl(url: string): VcsUrl | undefined {
  const sourceUrl = stripUrlCredentials(url);
  if (sourceUrl === undefined) return undefined;
  const afterScheme = sourceUrl.replace(SCHEME, '');
  const slash = afterScheme.indexOf('/');
  const path = slash === -1 ? '' : afterScheme.slice(slash);
  const at = path.lastIndexOf('@');
  const ref = at === -1 ? undefined : path.slice(at + 1);
  const repoPath = at === -1 ? path : path.slice(0, at);
  const repoName = repoPath.split('/').filter((s) => s !== '').pop()?.replace(/\.git$/i, '');
  return {
    sourceUrl,
    ...(ref !== undefined && ref !== '' ? { ref } : {}),
    ...(repoName !== undefined && repoName !== '' ? { repoName } : {}),
  };
}

/** The `#egg=name` of a pip URL, the name part only. */
export function eggName(url: string): string | undefined {
  const m = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(url);
  return m?.[1];
}

/** `#sha256=…` (or another algorithm) in a pip archive URL, as `alg:hex`. */
export function fragmentHash(url: string): string | undefined {
  const m = /#(?:.*&)?(sha1|sha224|sha256|sha384|sha512|md5)=([0-9a-f]+)/i.exec(url);
  return m === null ? undefined : `${m[1]!.toLowerCase()}:${m[2]!.toLowerCase()}`;
}

/** The last path segment of a URL or path, percent-decoded when possible. */
export function fileNameOf(url: string): string {
  const base = url.replace(/[?#].*$/s, '').split(/[\\/]/).pop() ?? '';
  try {
    return decodeURIComponent(base);
  } catch {
    return base;
  }
}
