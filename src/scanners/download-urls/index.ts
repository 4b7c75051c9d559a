/**
 * Model weights and datasets a project downloads from a URL: in Python,
 * notebooks, JavaScript / TypeScript, shell scripts, Dockerfiles, Makefiles
 * and YAML / JSON / TOML config. Each URL becomes a `model:url:<url>` or
 * `dataset:url:<url>` asset (the URL without credentials, query or
 * fragment), so the BOM lists what is fetched at run or build time and a
 * rule can flag plain-http downloads.
 *
 * Found:
 * - URLs passed to download calls whatever their extension: torch.hub
 *   `load_state_dict_from_url` / `download_url_to_file`, `urlretrieve`,
 *   `wget.download`, `gdown`, Keras `get_file`, torchvision `download_url`,
 *   TensorFlow Hub and TF.js loaders, data readers (`pd.read_csv(url)`,
 *   `load_dataset(…, data_files=url)`), `hf_hub_url(…)`;
 * - shell `wget`, `curl` that saves its output, `aria2c`, Dockerfile `ADD`,
 *   in scripts, Dockerfile `RUN`, Makefile recipes, notebook `!` lines and
 *   `%%bash` cells, strings run by `os.system` / `subprocess`, and config values;
 * - any string literal or config value that is a weight-file URL
 *   (`.safetensors`, `.gguf`, `.pt`, `.onnx`…), a data-file URL (`.csv`,
 *   `.parquet`, `.jsonl`…) or a Hub file URL (`…/resolve/<rev>/<file>`).
 * Comments, docstrings and Markdown are not read; URLs with template
 * placeholders (`{}`, `$VAR` the file does not set) are not known until run
 * time and are left out. Loopback URLs are recorded like any other.
 *
 * Props emitted (names without the `mlbom:` prefix):
 * - download_url: the URL as fetched, without userinfo, query string or fragment
 * - download_scheme: `http` or `https`
 * - download_via: what fetches it (`torch.hub.load_state_dict_from_url`, `wget`, `curl`, `dockerfile-add`, `config`, `literal`…)
 * - download_url_has_query: a query string (or fragment) was cut from the URL; it may carry a signed token
 * - download_url_has_credentials: a `user:password@` part was cut from the URL
 * - download_format: the file extension the URL (or the file it is saved as) ends in, e.g. `safetensors`, `tar.gz`
 * - hub_repo, hub_revision, hub_filename: for a Hugging Face Hub file URL, the repo, the revision in the URL and the file
 * - config_key: for config, the dotted key the URL is under
 */
import type { SourceScan } from '../../types.js';
import { errorMessage } from '../../util/error-message.js';
import { LineIndex, looksMinified } from '../../util/text-lines.js';
import { claims as codeRefsClaims } from '../code-refs/claims.js';
import { lexJs } from '../code-refs/lexer-js.js';
import { lexPython } from '../code-refs/lexer-python.js';
import { tok, type Token } from '../code-refs/tokens.js';
import type { SourceScanContext, SourceScanner } from '../types.js';
import { HF_HUB_URL } from './call-rules.js';
import { scanCodeTokens } from './code.js';
import { scanConfigText } from './config.js';
import { claims, fileKind, MAX_BYTES, type FileKind } from './claims.js';
import { scanMakefile } from './makefile.js';
import { notebookCells, type CellText } from './notebook.js';
import { scanShell } from './shell.js';
import { DownloadSink, SCANNER } from './sink.js';

export { parseDownloadUrl, type DownloadUrl } from './url.js';
export { classifyUrl, extInfo } from './classify.js';
export { SCANNER } from './sink.js';
export { claims, fileKind, MAX_BYTES } from './claims.js';

export function scanDownloads(text: string, ctx: SourceScanContext): SourceScan {
  const sink = new DownloadSink(ctx.path);
  const kind = fileKind(ctx.path);
  if (kind === undefined || typeof text !== 'string') return sink.result();
  if (text.length > MAX_BYTES) {
    sink.issue(`larger than ${MAX_BYTES} characters; not scanned`);
    return sink.result();
  }
  // Nearly every file names no URL outside its comments (a licence header): skip it before lexing.
  const code = kind === 'py' || kind === 'js' || kind === 'ipynb';
  if (!mayHoldUrl(text, kind) && !(code && text.includes(HF_HUB_URL))) return sink.result();
  switch (kind) {
    case 'py':
      scanCodeTokens(lexPython(text), 'py', sink);
      break;
    case 'js':
      if (!looksMinified(text)) scanCodeTokens(lexJs(text), 'js', sink);
      break;
    case 'ipynb':
      scanNotebook(text, sink, ctx.path);
      break;
    case 'shell':
    case 'dockerfile': {
      const index = new LineIndex(text);
      scanShell(text, sink, { dockerfile: kind === 'dockerfile', lineAt: (off) => index.lineAt(off) });
      break;
    }
    case 'makefile':
      scanMakefile(text, sink);
      break;
    default:
      scanConfigText(text, kind, ctx.path, sink);
  }
  return sink.result();
}

function scanNotebook(text: string, sink: DownloadSink, path: string): void {
  const nb = notebookCells(text);
  // code-refs reads the same notebook and reports why it could not: one warning per file is enough.
  if (nb.error !== undefined && !codeRefsClaims(path)) sink.issue(nb.error);
  const tokens: Token[] = [];
  for (const cell of nb.code) {
    const cellTokens = nb.lang === 'py' ? lexPython(cell.text) : lexJs(cell.text);
    for (const t of cellTokens) t.line = fileLine(cell, t.line);
    // A `break` between cells keeps one broken cell from swallowing the next.
    tokens.push(...cellTokens, tok('break', '', 0, true));
  }
  if (tokens.length > 0) scanCodeTokens(tokens, nb.lang, sink);
  // Shell variables carry from one `!` line or cell to the next, as in one kernel session.
  const vars = new Map<string, string>();
  for (const cell of nb.shell) {
    const index = new LineIndex(cell.text);
    scanShell(cell.text, sink, { lineAt: (off) => fileLine(cell, index.lineAt(off)), vars });
  }
}

function fileLine(cell: CellText, line: number): number {
  return cell.lineMap[line - 1] ?? cell.lineMap[cell.lineMap.length - 1] ?? 1;
}

/** Most URL sightings a file is checked for before it is lexed anyway. */
const MAX_PREFILTER_HITS = 64;

/**
 * Is there an `http(s)://` that is not on a comment line? Only line comments
 * are recognised (`#` in Python and shell, `//` and ` * ` in JS); anything
 * less clear is lexed, so this never hides a URL the scan would find.
 */
function mayHoldUrl(text: string, kind: FileKind): boolean {
  const comment = kind === 'py' || kind === 'shell' || kind === 'makefile' || kind === 'dockerfile' ? /^\s*#/ : kind === 'js' ? /^\s*(?:\/\/|\/?\*)/ : undefined;
  const re = /https?:\/\//gi;
  for (let n = 0; n < MAX_PREFILTER_HITS; n++) {
    const m = re.exec(text);
    if (m === null) return false;
    if (comment === undefined) return true;
    const start = text.lastIndexOf('\n', m.index) + 1;
    if (!comment.test(text.slice(start, m.index))) return true;
    const end = text.indexOf('\n', m.index);
    if (end < 0) return false;
    re.lastIndex = end;
  }
  return true;
}


export const scanner: SourceScanner = {
  name: SCANNER,
  maxBytes: MAX_BYTES,
  claims,
  scan(text, ctx) {
    try {
      return scanDownloads(text, ctx);
    } catch (err) {
      // A bug here must not end the scan; report it against the file (the message never quotes content).
      return { assets: [], relationships: [], issues: [{ path: ctx.path, scanner: SCANNER, message: `could not scan: ${errorMessage(err)}` }] };
    }
  },
};
