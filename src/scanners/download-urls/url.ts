/**
 * A URL as written in a file, reduced to what may be recorded: scheme, host
 * and path. Userinfo, query string and fragment are cut off before anything
 * else looks at the URL, because that is where signed-URL signatures,
 * `?token=` parameters and `user:password@` credentials travel.
 * WHATWG URL parsing: https://url.spec.whatwg.org/
 */
import { isHubId } from '../code-refs/hub-ids.js';

export interface DownloadUrl {
  /** `scheme://host[:port]/path`, normalized by the WHATWG parser; never a query, fragment or userinfo. */
  readonly url: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  /** The path, percent-decoded where that is valid, without a leading `/`. */
  readonly path: string;
  /** Last path segment (percent-decoded), or '' when the path ends in `/`. */
  readonly fileName: string;
  /** A query string (or fragment) was cut off. */
  readonly hadQuery: boolean;
  /** A `user[:password]@` part was cut off. */
  readonly hadCredentials: boolean;
  /** Set for Hugging Face Hub file URLs (`/resolve/<rev>/<file>`, `/raw/<rev>/<file>`). */
  readonly hub?: HubFile;
}

export interface HubFile {
  readonly kind: 'model' | 'dataset';
  readonly repoId: string;
  readonly revision: string;
  /** Path of the file inside the repository. */
  readonly file: string;
}

/** Longer values are not URLs someone typed; they are data. */
const MAX_URL_LENGTH = 2048;
const SCHEME = /^(https?):\/\//i;
/**
 * Template placeholders and shell or format expansions: the URL is not
 * known until run time (`{version}`, `${BASE}`, `$(URL)`, `<model>`, `%s`).
 * U+FFFD stands for bytes that were not UTF-8: not the URL as written.
 */
const PLACEHOLDER = /[{}$<>*`\\"'|^\s\uFFFD]|%[sr(]|%d(?![0-9a-fA-F])/;
const HF_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);
/** First path segments of the Hub that are site sections, not repo owners. */
const HUB_SECTIONS = new Set(['api', 'docs', 'spaces', 'blog', 'models', 'papers', 'collections', 'organizations', 'settings', 'learn', 'tasks', 'chat', 'buckets', 'static-proxy']);
/** Hub endpoints that serve a file's bytes (as opposed to `blob`, an HTML page). */
const HUB_FILE_WORDS = new Set(['resolve', 'raw']);

/** Parse a whole string as a download URL, or undefined when it is not one we can record. */
export function parseDownloadUrl(raw: string): DownloadUrl | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text.length < 10 || text.length > MAX_URL_LENGTH) return undefined;
  const scheme = SCHEME.exec(text);
  if (scheme === null) return undefined;
  const cut = firstIndexOf(text, '?', '#');
  const beforeQuery = cut < 0 ? text : text.slice(0, cut);
  const hadQuery = cut >= 0 && cut < text.length - 1;
  const rest = beforeQuery.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  const host = at < 0 ? authority : authority.slice(at + 1);
  const pathPart = slash < 0 ? '/' : rest.slice(slash);
  // Only the part that will be recorded is checked: a `{` in a cut-off query does not matter.
  if (host === '' || PLACEHOLDER.test(host) || PLACEHOLDER.test(pathPart)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(`${(scheme[1] as string).toLowerCase()}://${host}${pathPart}`);
  } catch {
    return undefined;
  }
  if (parsed.hostname === '' || parsed.username !== '' || parsed.password !== '') return undefined;
  // Split before decoding: `refs%2Fpr%2F1` is one segment (a Hub revision), not three.
  const segments = parsed.pathname.replace(/^\/+/, '').split('/').map(decodePath);
  const path = segments.join('/');
  const fileName = segments[segments.length - 1] ?? '';
  const hub = hubFile(parsed.hostname, segments);
  const out: DownloadUrl = {
    url: `${parsed.protocol}//${parsed.host}${parsed.pathname}`,
    scheme: parsed.protocol === 'http:' ? 'http' : 'https',
    host: parsed.hostname,
    path,
    fileName,
    hadQuery,
    hadCredentials: at >= 0 && authority.slice(0, at) !== '',
  };
  return hub === undefined ? out : { ...out, hub };
}

/** The Hub repo, revision and file a `…/resolve/<rev>/<file>` URL downloads. */
function hubFile(host: string, segments: readonly string[]): HubFile | undefined {
  if (!HF_HOSTS.has(host)) return undefined;
  const parts = [...segments];
  let kind: HubFile['kind'] = 'model';
  if (parts[0] === 'datasets') {
    kind = 'dataset';
    parts.shift();
  } else if (HUB_SECTIONS.has(parts[0] ?? '')) {
    return undefined;
  }
  const repoId = `${parts[0] ?? ''}/${parts[1] ?? ''}`;
  const revision = parts[3] ?? '';
  const file = parts.slice(4).join('/');
  if (!HUB_FILE_WORDS.has(parts[2] ?? '') || revision === '' || file === '' || !isHubId(repoId, false)) return undefined;
  return { kind, repoId, revision, file };
}

/** `https://huggingface.co/<repo>/resolve/<rev>/<file>`, as `hf_hub_url` builds it. */
export function hubResolveUrl(repoId: string, file: string, revision: string, dataset: boolean): string {
  const prefix = dataset ? 'datasets/' : '';
  return `https://huggingface.co/${prefix}${repoId}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** The asset name: the file name, or `host/last-folder` when the URL names a folder. */
export function nameOf(u: DownloadUrl): string {
  if (u.fileName !== '') return u.fileName;
  const segs = u.path.split('/').filter((s) => s !== '');
  const tail = segs[segs.length - 1];
  return tail === undefined ? u.host : `${u.host}/${tail}`;
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function firstIndexOf(s: string, a: string, b: string): number {
  const i = s.indexOf(a);
  const j = s.indexOf(b);
  if (i < 0) return j;
  if (j < 0) return i;
  return Math.min(i, j);
}
