/**
 * Which files are prompts, by path alone: prompt-file extensions anywhere,
 * templates only inside a prompts folder (a `.txt` elsewhere is just text),
 * and chat templates saved beside a model.
 */

export type PromptKind = 'dotprompt' | 'prompty' | 'prompt-yaml' | 'langchain' | 'template' | 'chat-template';

const SKIP_DIRS = new Set(['node_modules', 'site-packages', 'dist-packages', 'vendor', 'dist', '.git', '.venv', 'venv', '.tox', '__pycache__']);
const PROMPT_DIRS = new Set(['prompts', 'prompt', 'prompt_templates', 'prompt-templates']);
const TEMPLATE_EXTS = ['.txt', '.md', '.j2', '.jinja', '.jinja2', '.mustache', '.hbs'];
/** Documentation kept beside prompts is not a prompt. */
const DOC_NAMES = /^(?:readme|changelog|license|licence|contributing|code_of_conduct)(?:\.[\w-]+)?$/i;

export function promptKind(path: string): PromptKind | undefined {
  const parts = path.split('/');
  const dirs = parts.slice(0, -1).map((p) => p.toLowerCase());
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  if (dirs.some((d) => SKIP_DIRS.has(d))) return undefined;
  if (base === 'chat_template.jinja' || base === 'chat_template.json') return 'chat-template';
  if (dirs[dirs.length - 1] === 'additional_chat_templates' && base.endsWith('.jinja')) return 'chat-template';
  // Semantic Kernel's prompt-function file, in its plugin folder (https://learn.microsoft.com/semantic-kernel/).
  if (base === 'skprompt.txt') return 'template';
  if (base.endsWith('.prompty')) return 'prompty';
  if (base.endsWith('.prompt')) return 'dotprompt';
  if (/\.prompt\.ya?ml$/.test(base)) return 'prompt-yaml';
  if (base.endsWith('.prompt.json')) return 'langchain';
  if (!dirs.some((d) => PROMPT_DIRS.has(d))) return undefined;
  if (base.endsWith('.json') || base.endsWith('.yaml') || base.endsWith('.yml')) return 'langchain';
  if (TEMPLATE_EXTS.some((e) => base.endsWith(e)) && !DOC_NAMES.test(base)) return 'template';
  return undefined;
}

/** How a template file in a prompts folder is written, by extension. */
export function templateFormat(path: string): 'jinja' | 'mustache' | 'handlebars' | 'semantic-kernel' | 'text' {
  const base = path.toLowerCase();
  if (base === 'skprompt.txt' || base.endsWith('/skprompt.txt')) return 'semantic-kernel';
  if (base.endsWith('.j2') || base.endsWith('.jinja') || base.endsWith('.jinja2')) return 'jinja';
  if (base.endsWith('.mustache')) return 'mustache';
  if (base.endsWith('.hbs')) return 'handlebars';
  return 'text';
}

export function claims(path: string): boolean {
  return promptKind(path) !== undefined;
}
