/**
 * Hugging Face Hub cache layout and the `pkg:huggingface` purl.
 * Cache: https://huggingface.co/docs/huggingface_hub/guides/manage-cache
 *   `<HF_HOME>/hub/models--<org>--<name>/snapshots/<commit>/…`
 * Purl: https://github.com/package-url/purl-spec (type `huggingface`).
 */
import { PackageURL } from 'packageurl-js';

export type HubRepoKind = 'model' | 'dataset';

export interface HubCacheRef {
  kind: HubRepoKind;
  /** `org/name`, or a bare `name` for legacy un-namespaced repos. */
  repoId: string;
  /** The snapshot's commit, lowercased. */
  revision: string;
}

const KIND_PREFIX: Readonly<Record<string, HubRepoKind>> = { models: 'model', datasets: 'dataset' };
const COMMIT = /^[0-9a-f]{40}$/i;
/**
 * The Hub allows letters, digits, `-`, `_`, `.` in a namespace or name, but
 * never `--`: that is why the cache can use `--` as the separator.
 */
const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DATASETS_REPOSITORY_URL = 'https://huggingface.co/datasets';

/** Recognise `…/models--org--name/snapshots/<40 hex>` at the end of a folder path. Pure. */
export function parseHubCachePath(dir: string): HubCacheRef | undefined {
  if (typeof dir !== 'string') return undefined;
  const parts = dir.split('/').filter((p) => p !== '' && p !== '.');
  const [repoFolder, snapshots, commit] = parts.slice(-3);
  if (parts.length < 3 || snapshots !== 'snapshots' || commit === undefined || !COMMIT.test(commit)) return undefined;
  const segments = repoFolder?.split('--') ?? [];
  const kind = KIND_PREFIX[segments[0] ?? ''];
  const idParts = segments.slice(1);
  if (kind === undefined || idParts.length < 1 || idParts.length > 2) return undefined;
  if (!idParts.every((p) => REPO_PART.test(p) && !p.includes('..'))) return undefined;
  return { kind, repoId: idParts.join('/'), revision: commit.toLowerCase() };
}

/**
 * `pkg:huggingface/<namespace>/<name>@<lowercased sha>`. Namespace and name
 * keep their case (the Hub treats `Qwen` and `qwen` as different owners).
 * Datasets get `repository_url=https://huggingface.co/datasets`, the common
 * producer convention while the purl spec has no dataset distinction.
 */
export function huggingfacePurl(repoId: string, revision?: string, kind: HubRepoKind = 'model'): string {
  const slash = repoId.indexOf('/');
  const namespace = slash === -1 ? undefined : repoId.slice(0, slash);
  const name = slash === -1 ? repoId : repoId.slice(slash + 1);
  const version = revision === undefined || revision === '' ? undefined : revision.toLowerCase();
  const qualifiers = kind === 'dataset' ? { repository_url: DATASETS_REPOSITORY_URL } : undefined;
  try {
    return new PackageURL('huggingface', namespace, name, version, qualifiers, undefined).toString();
  } catch {
    // packageurl-js rejects e.g. an empty name; still return something stable and encoded.
    const enc = (s: string): string => encodeURIComponent(s);
    const path = namespace === undefined ? enc(name) : `${enc(namespace)}/${enc(name)}`;
    const at = version === undefined ? '' : `@${enc(version)}`;
    const q = qualifiers === undefined ? '' : `?repository_url=${enc(DATASETS_REPOSITORY_URL)}`;
    return `pkg:huggingface/${path}${at}${q}`;
  }
}
