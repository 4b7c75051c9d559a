/**
 * Is a URL a model or a dataset, and how sure are we? The file extension
 * decides when it is telling (`.safetensors`, `.parquet`); how the URL is
 * used decides the rest. A bare string is recorded only with a telling
 * extension, because code is full of URLs that are documentation, APIs or
 * tool installers; an archive or extension-less URL needs a call that
 * downloads it, and for shell and config also a word in its path that says
 * model or data.
 */
import type { AssetKind } from '../../types.js';
import { dataFormatOf } from '../dataset-files/paths.js';
import type { DownloadUrl } from './url.js';

/**
 * How the URL is used:
 * - `model-download`: a call that only fetches weights (`torch.hub.load_state_dict_from_url`);
 * - `data-load`: a call that reads data (`pandas.read_csv`, `load_dataset(data_files=…)`);
 * - `download`: a Python call that saves a URL to disk (`urlretrieve`, `get_file`);
 * - `shell`: `wget`, `curl`, Dockerfile `ADD`;
 * - `fetch`: a plain HTTP GET (`requests.get`, `fetch`): the extension must say what it is;
 * - `literal`: a string on its own;
 * - `config-key`: a config value under a download-ish key (`weights:`, `data_url:`).
 */
export type Use = 'model-download' | 'data-load' | 'download' | 'shell' | 'fetch' | 'literal' | 'config-key';

export interface UseContext {
  readonly use: Use;
  /** The file the download is saved as (`-O`, `filename=`), when the code says. */
  readonly dest?: string;
  /** What a config key names, for `config-key`. */
  readonly keyKind?: 'model' | 'dataset' | 'generic';
  /** The config key says `download`. */
  readonly keyDownload?: boolean;
}

export interface Verdict {
  readonly kind: Extract<AssetKind, 'model' | 'dataset'>;
  readonly confidence: number;
  /** The extension, e.g. `safetensors`, `tar.gz`. */
  readonly format?: string;
  /** The data format (`csv`, `parquet`…) when it is a known one. */
  readonly dataFormat?: string;
}

type ExtClass = 'weight' | 'data' | 'data-weak' | 'archive';

interface ExtInfo {
  readonly ext: string;
  readonly cls: ExtClass;
  readonly dataFormat?: string;
}

/** Weight and model serialization extensions (`.bin`, `.pb`: in ML code these are weights far more often than not). */
const WEIGHT = new Set(['safetensors', 'gguf', 'ggml', 'bin', 'pt', 'pth', 'ckpt', 'onnx', 'pb', 'tflite', 'h5', 'hdf5', 'keras', 'pkl', 'pickle', 'joblib', 'npz', 'npy', 'mlmodel']);
/** Weight extensions that hold data just as often: a data call or key makes them a dataset. */
const EITHER = new Set(['npz', 'npy', 'pkl', 'pickle', 'h5', 'hdf5', 'joblib']);
/** Data only when a call or key says so: a `.json` or `.txt` URL is usually an API or a document. */
const DATA_WEAK = new Set(['json', 'txt', 'xml', 'json.gz', 'txt.gz', 'xlsx', 'xls']);
const ARCHIVE = new Set(['zip', 'tar', 'tar.gz', 'tgz', 'tar.bz2', 'tbz2', 'tbz', 'tar.xz', 'txz', 'tar.zst', 'gz', 'bz2', 'xz', 'zst', '7z']);
const COMPOUND = ['tar.gz', 'tar.bz2', 'tar.xz', 'tar.zst', 'json.gz', 'txt.gz'];

/** Words that mark an archive as weights or data; a leading boundary only, so `models`, `weights_v2`, `pretrained` count. */
const MODEL_HINT = /(?<![a-z])(?:model|weight|checkpoint|ckpt|pretrain)/;
const DATA_HINT = /(?<![a-z])(?:data|corpus|corpora|train)/;

const CONFIDENCE: Readonly<Record<Use, number>> = {
  'model-download': 0.9,
  'data-load': 0.9,
  download: 0.9,
  shell: 0.9,
  fetch: 0.9,
  literal: 0.7,
  'config-key': 0.8,
};
/** A Hub `resolve` URL names one file of one repo: surer than a bare weight-looking URL. */
const HUB_LITERAL_CONFIDENCE = 0.8;

export function extInfo(fileName: string): ExtInfo | undefined {
  const name = fileName.toLowerCase();
  const data = dataFormatOf(name);
  if (data !== undefined) return { ext: suffixFrom(name, data.format), cls: 'data', dataFormat: data.format };
  const compound = COMPOUND.find((c) => name.endsWith(`.${c}`) && name.length > c.length + 1);
  const dot = name.lastIndexOf('.');
  const ext = compound ?? (dot > 0 ? name.slice(dot + 1) : '');
  if (ext === '') return undefined;
  if (WEIGHT.has(ext)) return { ext, cls: 'weight' };
  if (DATA_WEAK.has(ext)) return { ext, cls: 'data-weak' };
  if (ARCHIVE.has(ext)) return { ext, cls: 'archive' };
  return undefined;
}

/** `train.csv.gz` → `csv.gz`: the extension from the data format's own suffix on. */
function suffixFrom(name: string, format: string): string {
  const parts = name.split('.');
  const at = parts.findIndex((p, i) => i > 0 && (p === format || (format === 'jsonl' && p === 'ndjson') || (format === 'tfrecord' && p === 'tfrecords')));
  return at > 0 ? parts.slice(at).join('.') : format;
}

export function classifyUrl(u: DownloadUrl, ctx: UseContext): Verdict | undefined {
  const fromUrl = extInfo(u.fileName);
  const fromDest = ctx.dest === undefined ? undefined : extInfo(basename(ctx.dest));
  // A URL without a telling extension (`/uc`, `/download`) is named by where it is saved.
  const info = fromUrl !== undefined && fromUrl.cls !== 'archive' ? fromUrl : fromDest !== undefined && fromDest.cls !== 'archive' ? fromDest : fromUrl ?? fromDest;
  const confidence = u.hub !== undefined && ctx.use === 'literal' ? HUB_LITERAL_CONFIDENCE : CONFIDENCE[ctx.use];
  const kind = decideKind(u, ctx, info);
  if (kind === undefined) return undefined;
  const format = info?.ext;
  return {
    kind,
    confidence,
    ...(format === undefined ? {} : { format }),
    ...(info?.dataFormat === undefined || kind !== 'dataset' ? {} : { dataFormat: info.dataFormat }),
  };
}

function decideKind(u: DownloadUrl, ctx: UseContext, info: ExtInfo | undefined): Verdict['kind'] | undefined {
  const dataSide = ctx.use === 'data-load' || ctx.keyKind === 'dataset';
  switch (info?.cls) {
    case 'weight':
      return dataSide && (EITHER.has(info.ext) || ctx.use === 'data-load') ? 'dataset' : 'model';
    case 'data':
      return 'dataset';
    case 'data-weak':
      return weakData(u, ctx);
    default:
      if (u.hub !== undefined) return u.hub.kind;
      return unknownExt(u, ctx, info !== undefined);
  }
}

/** `.json`, `.txt`: data only when the call or key says data (or weights, for a TF.js `model.json`). */
function weakData(u: DownloadUrl, ctx: UseContext): Verdict['kind'] | undefined {
  if (u.hub !== undefined) return u.hub.kind;
  switch (ctx.use) {
    case 'data-load':
      return 'dataset';
    case 'model-download':
      return 'model';
    case 'download':
      return hintKind(u, ctx) ?? 'dataset';
    case 'shell':
      return hintKind(u, ctx);
    case 'config-key':
      return ctx.keyKind === 'generic' ? undefined : ctx.keyKind;
    default:
      return undefined;
  }
}

/** An archive (`archive` true) or a URL with no known extension. */
function unknownExt(u: DownloadUrl, ctx: UseContext, archive: boolean): Verdict['kind'] | undefined {
  switch (ctx.use) {
    case 'model-download':
      return 'model';
    case 'data-load':
      return 'dataset';
    case 'download':
      // Weights come with telling extensions; what a download call fetches without one is most often data.
      return hintKind(u, ctx) ?? 'dataset';
    case 'shell':
      return hintKind(u, ctx);
    case 'config-key':
      if (!archive && ctx.keyDownload !== true) return undefined;
      return ctx.keyKind === 'generic' || ctx.keyKind === undefined ? hintKind(u, ctx) : ctx.keyKind;
    default:
      return undefined;
  }
}

function hintKind(u: DownloadUrl, ctx: UseContext): Verdict['kind'] | undefined {
  const text = `${u.path} ${ctx.dest ?? ''}`.toLowerCase();
  if (MODEL_HINT.test(text)) return 'model';
  if (DATA_HINT.test(text)) return 'dataset';
  return undefined;
}

function basename(p: string): string {
  const norm = p.replace(/\\/g, '/').replace(/\/+$/, '');
  return norm.slice(norm.lastIndexOf('/') + 1);
}
