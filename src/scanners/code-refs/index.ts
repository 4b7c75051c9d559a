/**
 * References to AI assets in source code: Python, notebooks (code cells)
 * and JavaScript / TypeScript. A small lexer per language feeds a call
 * extractor; no code is parsed into an AST and nothing is executed.
 *
 * Finds:
 * - Hugging Face repos loaded by `from_pretrained`, `pipeline`,
 *   `SentenceTransformer`, `hf_hub_download`, `load_dataset`, vLLM `LLM`…
 *   → `model:hf:<id>` / `dataset:hf:<id>`, or `model:ref:<path>` /
 *   `dataset:ref:<path>` for local paths (linked by the resolve stage);
 * - Hub URLs (`https://huggingface.co/…`, `hf://…`) in any string literal;
 * - namespaced Hub ids held in model- or dataset-named constants, keyword
 *   arguments and dict/object entries (`MODEL_ID = "org/name"`);
 * - AI API SDK use → `service:<provider>`, and the model ids passed to it
 *   → `model:<provider>:<id>`, linked `serves`;
 * - data files read by pandas / polars / datasets / TensorFlow readers, or
 *   named by a literal that exists in the tree → `dataset:ref:<path>`;
 *   weight files named by a literal that exists → `model:ref:<path>`.
 *
 * Notebook evidence lines are lines of the `.ipynb` file itself (where the
 * source line is stored in the JSON), not lines within a cell.
 *
 * Props emitted (names without the `mlbom:` prefix):
 * - revision: the branch or tag a Hub reference asks for (a 40-hex commit becomes the version instead)
 * - trust_remote_code: `trust_remote_code=True` was passed when loading it
 * - hub_filename: the file `hf_hub_download` / `Llama.from_pretrained` fetches from the repo
 * - local_dir: the folder `snapshot_download` / `hf_hub_download` writes the repo to (`local_dir=`)
 * - id_as_written: the id in the code when the library loads another (sentence-transformers' bare names)
 * - library_default: no model was named; this is the one the library loads by default (LangChain `HuggingFaceEmbeddings()`)
 * - insecure_endpoint: a service endpoint uses plain http to a host other than this machine
 * - hardcoded_secret: a string shaped like an API key sits in the file (the value is never recorded)
 */
import type { SourceScan } from '../../types.js';
import { errorMessage } from '../../util/error-message.js';
import type { SourceScanner, SourceScanContext } from '../types.js';
import { Bindings } from './bindings.js';
import { scanFileRefs } from './file-refs.js';
import { extractCalls } from './calls.js';
import { scanHfCalls } from './hf.js';
import { scanNamedRefs } from './named-refs.js';
import type { FileCtx } from './hub-refs.js';
import { lexJs } from './lexer-js.js';
import { lexPython } from './lexer-python.js';
import { notebookTokens } from './notebook.js';
import { CallResolver } from './resolve-call.js';
import { emitServices, scanServiceCalls } from './services.js';
import { SCANNER, Sink } from './sink.js';
import { bareStrings, scanStrings } from './strings.js';
import { matchBrackets, type Lang, type Token } from './tokens.js';
import { claims, extensionLang, MAX_BYTES } from './claims.js';
import { looksMinified } from '../../util/text-lines.js';

export { claims, MAX_BYTES } from './claims.js';
export { lexJs } from './lexer-js.js';
export { lexPython } from './lexer-python.js';
export { isHubId, looksLikePath, parseHubUrl } from './hub-ids.js';
// Moved to util/secrets.ts; re-exported for existing importers.
export { secretProvider } from '../../util/secrets.js';

export function scanCode(text: string, ctx: SourceScanContext): SourceScan {
  const sink = new Sink(ctx.path);
  const kind = extensionLang(ctx.path);
  if (kind === undefined || typeof text !== 'string') return sink.result();
  if (text.length > MAX_BYTES) {
    sink.issue(`larger than ${MAX_BYTES} characters; not scanned`);
    return sink.result();
  }
  let tokens: Token[];
  let lang: Lang;
  if (kind === 'ipynb') {
    const nb = notebookTokens(text);
    if (nb.error !== undefined) sink.issue(nb.error);
    tokens = nb.tokens;
    lang = nb.lang;
  } else {
    if (kind === 'js' && looksMinified(text)) return sink.result();
    lang = kind;
    tokens = lang === 'py' ? lexPython(text) : lexJs(text);
  }
  const match = matchBrackets(tokens);
  const calls = extractCalls(tokens, match, lang);
  const bindings = new Bindings(tokens, match, lang, calls);
  const fctx: FileCtx = { path: ctx.path, lang, tokens, match, calls, bindings, exists: ctx.exists, sink };
  const resolver = new CallResolver(fctx);
  // Docstrings hold usage examples, not references.
  const bare = lang === 'py' ? bareStrings(tokens) : new Uint8Array(tokens.length);
  scanHfCalls(fctx, (c) => resolver.of(c) !== undefined);
  scanFileRefs(fctx, bare);
  const usage = scanServiceCalls(fctx, resolver);
  const envVars = scanStrings(fctx, resolver, usage, bare);
  scanNamedRefs(fctx, bare); // last: it skips ids already attributed to an API provider
  emitServices(fctx, usage, envVars);
  return sink.result();
}


export const scanner: SourceScanner = {
  name: SCANNER,
  claims,
  maxBytes: MAX_BYTES,
  scan(text, ctx) {
    try {
      return scanCode(text, ctx);
    } catch (err) {
      // A bug here must not end the scan; report it against the file.
      return { assets: [], relationships: [], issues: [{ path: ctx.path, scanner: SCANNER, message: `could not scan: ${errorMessage(err)}` }] };
    }
  },
};
