/**
 * Prompts kept as files: dotprompt `.prompt`, `.prompty`, GitHub Models
 * `.prompt.yml`, LangChain prompt files, templates in prompts folders, and
 * chat templates saved beside a model. Each becomes a `prompt` asset with the
 * SHA-256 of its text, its template variables and the model it declares;
 * the prompt text itself is never copied into the inventory.
 *
 * Props emitted (names without the `mlbom:` prefix):
 * - template_format: how the template is written: `handlebars`, `jinja2`/`jinja`,
 *   `mustache`, `f-string`, `semantic-kernel`, `text`.
 * - declared_model: the model the file names, as written (`googleai/gemini-1.5-pro`).
 * - message_count: messages or role blocks in the prompt, when the format makes them obvious.
 * - test_data: true when a `.prompt.yml` carries `testData`.
 * - langchain_type: the LangChain `_type` (`prompt`, `chat_prompt`, `few_shot`).
 * - template_path: a LangChain prompt's `template_path` (the template kept in another file).
 * - model_dir: for chat templates, the model folder they belong to ('.' for the root).
 * - chat_template_name: name of an `additional_chat_templates/<name>.jinja` template.
 * - chat_template_names: all template names in a `chat_template.json` holding several.
 */
import { createHash } from 'node:crypto';
import type { Asset, Issue, Relationship, SourceScan } from '../../types.js';
import { looksLikeSecretValue } from '../../util/secrets.js';
import type { SourceScanContext, SourceScanner } from '../types.js';
import { classifyModelValue, modelRefAsset } from '../config-refs/index.js';
import { claims, promptKind, type PromptKind } from './claims.js';
import { readDotprompt, readPrompty } from './front-matter-formats.js';
import { readChatTemplate, readLangchain, readPromptYaml, readTemplate, type PromptRead } from './read.js';

export { jinjaVariables } from './jinja.js';
export { handlebarsVariables, mustacheVariables } from './handlebars.js';
export { fstringVariables, semanticKernelVariables, textVariables } from './simple-vars.js';
export { claims, promptKind } from './claims.js';

const SCANNER = 'prompt-files';

export const scanner: SourceScanner = {
  name: SCANNER,
  claims,
  scan: scanPromptFile,
};

/** How sure a file of each kind is a prompt: declared formats are; a `.txt` in a prompts folder mostly is. */
const CONFIDENCE: Readonly<Record<PromptKind, number>> = {
  dotprompt: 0.95,
  prompty: 0.95,
  'prompt-yaml': 0.95,
  langchain: 0.95,
  'chat-template': 0.95,
  template: 0.8,
};

function read(kind: PromptKind, text: string, path: string): PromptRead | undefined {
  switch (kind) {
    case 'dotprompt':
      return readDotprompt(text);
    case 'prompty':
      return readPrompty(text);
    case 'prompt-yaml':
      return readPromptYaml(text, path);
    case 'langchain':
      return readLangchain(text, path);
    case 'chat-template':
      return readChatTemplate(text, path);
    case 'template':
      return readTemplate(text, path);
  }
}

export function scanPromptFile(text: string, ctx: SourceScanContext): SourceScan {
  const kind = promptKind(ctx.path);
  if (kind === undefined || typeof text !== 'string') return { assets: [], relationships: [], issues: [] };
  let r: PromptRead | undefined;
  try {
    r = read(kind, text.startsWith('\uFEFF') ? text.slice(1) : text, ctx.path);
  } catch {
    // Defensive: the readers are bounded and total, but a scan must never throw.
    return { assets: [], relationships: [], issues: [{ path: ctx.path, scanner: SCANNER, message: 'could not read prompt file' }] };
  }
  if (r === undefined) return { assets: [], relationships: [], issues: [] };
  const issues: Issue[] = r.issues.map((message) => ({ path: ctx.path, scanner: SCANNER, message }));
  if (kind === 'template' && text.trim() === '') return { assets: [], relationships: [], issues };

  const prompt = promptAsset(r, text, ctx.path, CONFIDENCE[kind]);
  const assets: Asset[] = [prompt];
  const relationships: Relationship[] = [];
  const target = targetModel(r, ctx);
  if (target !== undefined) {
    assets.push(target);
    relationships.push({ from: prompt.id, to: target.id, type: 'targets' });
  }
  return { assets, relationships, issues };
}

function promptAsset(r: PromptRead, text: string, path: string, confidence: number): Asset {
  const declared = r.declaredModel !== undefined && !looksLikeSecretValue(r.declaredModel) && r.declaredModel.length <= 200 ? r.declaredModel : undefined;
  const props = { ...r.props };
  if (declared !== undefined) props.declared_model = declared;
  const base = path.slice(path.lastIndexOf('/') + 1);
  return {
    id: `prompt:${path}`,
    kind: 'prompt',
    name: base,
    scanners: [SCANNER],
    locations: [{ path }],
    files: [{ path, size: Buffer.byteLength(text, 'utf8'), role: 'template' }],
    props,
    model: {},
    parsed: true,
    confidence,
    prompt: {
      format: r.format,
      variables: r.variables,
      ...(declared === undefined ? {} : { model: declared }),
      sha256: createHash('sha256').update(r.hashed ?? text, 'utf8').digest('hex'),
    },
  };
}

/** The model asset a declared model names, so the `targets` link has an end. */
function targetModel(r: PromptRead, ctx: SourceScanContext): Asset | undefined {
  if (r.declaredModel === undefined) return undefined;
  const exists = (p: string): boolean => {
    try {
      return ctx.exists(p);
    } catch {
      return false;
    }
  };
  const found = classifyModelValue(r.declaredModel, { exists, fromFile: ctx.path, ...(r.provider === undefined ? {} : { provider: r.provider }) });
  if (found === undefined || (r.targets === 'api-only' && found.ref.kind !== 'api')) return undefined;
  const location = r.modelLine === undefined ? { path: ctx.path } : { path: ctx.path, line: r.modelLine };
  return modelRefAsset(found.ref, { scanner: SCANNER, location, confidence: found.confidence });
}
