/**
 * Telling a Hugging Face Hub id from a local path, a URL, or a key.
 * Hub naming: https://huggingface.co/docs/hub/repositories-getting-started
 * (a namespace and a name of letters, digits, `-`, `_`, `.`, at most 96
 * characters each; never `--` or `..`). All patterns here are linear: no
 * nested quantifiers, so no catastrophic backtracking.
 */
import { posix } from 'node:path';

export type HubKind = 'model' | 'dataset';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
/** File extensions that make a string a file, not a repo: `Qwen2.5-7B` keeps its dot, `model.bin` does not. */
const FILE_EXT =
  /\.(?:bin|safetensors|gguf|ggml|pt|pth|onnx|json|jsonl|txt|py|ipynb|ckpt|h5|hdf5|pkl|pickle|joblib|model|yaml|yml|toml|csv|tsv|parquet|arrow|feather|zip|gz|tgz|tar|npz|npy|tflite|mlmodel|keras|pb|md|js|ts|msgpack|xml|html|png|jpg|jpeg|wav|mp3|mp4)$/i;

/** A Hub repo id: `namespace/name`, or a bare legacy `name` when `allowBare`. */
export function isHubId(s: string, allowBare: boolean): boolean {
  if (s.length === 0 || s.length > 200 || FILE_EXT.test(s)) return false;
  const parts = s.split('/');
  if (parts.length > 2 || (parts.length === 1 && !allowBare)) return false;
  return parts.every((p) => SEGMENT.test(p) && !p.includes('--') && !p.includes('..') && !p.endsWith('.'));
}

/**
 * First segments that name a project folder, not a Hub owner: `outputs/checkpoint-500`
 * and `models/bert` are what training code writes, whether or not they are committed.
 */
const LOCAL_FOLDERS = new Set([
  'model', 'models', 'checkpoint', 'checkpoints', 'ckpt', 'ckpts', 'output', 'outputs', 'result', 'results', 'data', 'weights',
  'saved_model', 'saved_models', 'runs', 'logs', 'artifacts', 'tmp', 'temp', 'cache', 'pretrained', 'pretrained_models',
  'exp', 'experiments', 'local', 'assets', 'resources', 'src', 'lib', 'app', 'trained_models', 'finetuned', 'lora', 'adapters',
]);

/** Written like a filesystem path rather than a repo id. */
export function looksLikePath(s: string): boolean {
  if (s.length === 0 || s.length > 1024 || /[\n\r\t{}$%*?<>|"]/.test(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return false;
  return (
    LOCAL_FOLDERS.has(s.slice(0, Math.max(0, s.indexOf('/'))).toLowerCase()) ||
    s.startsWith('.') ||
    s.startsWith('/') ||
    s.startsWith('~') ||
    s.includes('\\') ||
    /^[A-Za-z]:[\\/]/.test(s) ||
    s.split('/').filter((p) => p !== '').length > 2 ||
    FILE_EXT.test(s)
  );
}

/** `./models\\x/` → `models/x`: POSIX, normalized, no trailing slash. */
export function normalizeRefPath(s: string): string {
  const p = posix.normalize(s.replace(/\\/g, '/'));
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** Relative paths are tried from the root and from the referencing file's folder, as a script run from either would. */
export function existsLocally(p: string, file: string, exists: (path: string) => boolean): boolean {
  if (p.startsWith('/') || p.startsWith('~') || /^[A-Za-z]:/.test(p)) return false;
  const norm = normalizeRefPath(p);
  if (norm.startsWith('../') || norm === '..') return safeExists(posix.normalize(posix.join(posix.dirname(file), norm)), exists);
  return safeExists(norm, exists) || safeExists(posix.normalize(posix.join(posix.dirname(file), norm)), exists);
}

function safeExists(p: string, exists: (path: string) => boolean): boolean {
  if (p.startsWith('../') || p === '..') return false;
  try {
    return exists(p);
  } catch {
    return false;
  }
}

export interface HubUrlRef {
  readonly kind: HubKind;
  readonly id: string;
  readonly revision?: string;
  /** The URL is the serverless Inference API for this model. */
  readonly inference?: boolean;
}

/** First path segments of huggingface.co that are site pages, not repos. */
const RESERVED = new Set([
  'api', 'blog', 'changelog', 'chat', 'collections', 'competitions', 'course', 'docs', 'enterprise', 'front', 'hub',
  'inference', 'inference-api', 'inference-endpoints', 'join', 'learn', 'login', 'models', 'new', 'notifications',
  'oauth', 'organizations', 'papers', 'posts', 'pricing', 'privacy', 'search', 'settings', 'spaces', 'tasks',
  'terms-of-service', 'welcome', 'static-proxy', 'buckets',
]);
const URL_IN_TEXT = /https?:\/\/[A-Za-z0-9.-]+\/[^\s"'<>()[\]{}`]*/g;
const HF_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);
const INFERENCE_HOSTS = new Set(['api-inference.huggingface.co', 'router.huggingface.co']);
const REV_WORDS = new Set(['resolve', 'blob', 'tree', 'raw', 'commit']);

/** Every Hub repo named by an `https://huggingface.co/…`, `hf://…` or `hf-hub:` reference inside `text`. */
export function hubUrlRefs(text: string): HubUrlRef[] {
  const out: HubUrlRef[] = [];
  if (text.includes('hf://')) {
    const r = parseHfFs(text.slice(text.indexOf('hf://') + 5));
    if (r !== undefined) out.push(r);
  }
  const hub = /^hf[-_]hub:([A-Za-z0-9._-]+\/[A-Za-z0-9._-]+)$/.exec(text);
  if (hub !== null && isHubId(hub[1] as string, false)) out.push({ kind: 'model', id: hub[1] as string });
  if (!text.includes('huggingface.co') && !text.includes('hf.co')) return out;
  for (const m of text.slice(0, 65536).matchAll(URL_IN_TEXT)) {
    const r = parseHubUrl(m[0]);
    if (r !== undefined) out.push(r);
  }
  return out;
}

export function parseHubUrl(url: string): HubUrlRef | undefined {
  const m = /^https?:\/\/([A-Za-z0-9.-]+)\/([^?#]*)/.exec(url);
  if (m === null) return undefined;
  const host = (m[1] as string).toLowerCase();
  const parts = (m[2] as string).split('/').filter((p) => p !== '');
  if (INFERENCE_HOSTS.has(host)) {
    const at = parts.indexOf('models');
    const id = parts.slice(at + 1, at + 3).join('/');
    return at >= 0 && isHubId(id, false) ? { kind: 'model', id, inference: true } : undefined;
  }
  if (!HF_HOSTS.has(host)) return undefined;
  let kind: HubKind = 'model';
  if (parts[0] === 'datasets') {
    kind = 'dataset';
    parts.shift();
  } else if (RESERVED.has((parts[0] ?? '').toLowerCase())) {
    return undefined;
  }
  const id = parts.slice(0, 2).join('/');
  if (parts.length < 2 || !isHubId(id, false)) return undefined;
  const rev = REV_WORDS.has(parts[2] ?? '') ? decode(parts[3]) : undefined;
  return rev === undefined ? { kind, id } : { kind, id, revision: rev };
}

/** `hf://datasets/org/ds@rev/path`, `hf://org/model/file` (huggingface_hub's HfFileSystem). */
function parseHfFs(rest: string): HubUrlRef | undefined {
  const parts = rest.split(/[?#\s]/)[0]?.split('/').filter((p) => p !== '') ?? [];
  let kind: HubKind = 'model';
  if (parts[0] === 'datasets' || parts[0] === 'spaces' || parts[0] === 'models') {
    if (parts[0] === 'spaces') return undefined;
    kind = parts[0] === 'datasets' ? 'dataset' : 'model';
    parts.shift();
  }
  const name = parts[1] ?? '';
  const at = name.indexOf('@');
  const id = `${parts[0] ?? ''}/${at < 0 ? name : name.slice(0, at)}`;
  if (!isHubId(id, false)) return undefined;
  const rev = at < 0 ? undefined : decode(name.slice(at + 1));
  return rev === undefined ? { kind, id } : { kind, id, revision: rev };
}

function decode(s: string | undefined): string | undefined {
  if (s === undefined || s === '') return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
