/**
 * Which files are config: YAML, JSON, TOML and `.env` templates, minus the
 * files other scanners own (manifests, lock files, Hugging Face model-folder
 * files, prompt files) and minus folders of other people's code.
 */

/** Folders of dependencies, builds and tooling; nothing there is this project's config. */
const SKIP_DIRS = new Set(['node_modules', 'site-packages', 'dist-packages', 'vendor', 'dist', '.git', '.github', '.venv', 'venv', '.tox', '.vscode', '.idea', '__pycache__']);

/** Base names owned by model-folder, manifest and data scanners, or that are never model config. */
const NOT_CONFIG = new Set([
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'composer.json', 'composer.lock',
  'config.json', 'tokenizer_config.json', 'generation_config.json', 'adapter_config.json', 'model_index.json',
  'tokenizer.json', 'special_tokens_map.json', 'added_tokens.json', 'vocab.json', 'preprocessor_config.json',
  'processor_config.json', 'chat_template.json', 'sentence_bert_config.json', 'config_sentence_transformers.json',
  'modules.json', 'trainer_state.json', 'environment.yml', 'environment.yaml', 'pnpm-lock.yaml',
  'pyproject.toml', 'cargo.toml', 'poetry.lock', 'uv.lock', 'pipfile', 'pipfile.lock', 'jsconfig.json',
  '.pre-commit-config.yaml', 'dependabot.yml', '.gitlab-ci.yml', 'codecov.yml', '.codecov.yml', 'mkdocs.yml',
]);

/** `.env.example`, `.env.local.example`, `prod.env.sample`: templates only, never a live `.env`. */
const ENV_TEMPLATE = /^(?:[\w.-]*\.)?env(?:\.[\w-]+)*\.(?:example|sample|template|dist)$|^\.env(?:\.[\w-]+)*\.(?:example|sample|template|dist)$/;

/** Config bigger than this is data; yaml composes about 1 MB per second. */
export const MAX_BYTES = 1024 * 1024;

export type ConfigFormat = 'yaml' | 'json' | 'toml' | 'env';

export function configFormat(path: string): ConfigFormat | undefined {
  const parts = path.split('/');
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  if (parts.slice(0, -1).some((p) => SKIP_DIRS.has(p.toLowerCase()))) return undefined;
  if (NOT_CONFIG.has(base)) return undefined;
  if (ENV_TEMPLATE.test(base)) return 'env';
  if (base.endsWith('.yml') || base.endsWith('.yaml')) {
    // Conda environments (the conda scanner's) and prompt files (prompt-files').
    if (/\.prompt\.ya?ml$/.test(base) || /^environment[\w.-]*\.ya?ml$/.test(base) || /^conda\.ya?ml$/.test(base)) return undefined;
    return 'yaml';
  }
  if (base.endsWith('.json')) {
    if (/^tsconfig.*\.json$/.test(base) || base.endsWith('.schema.json') || base.endsWith('.index.json') || base.endsWith('.prompt.json')) return undefined;
    return 'json';
  }
  if (base.endsWith('.toml')) return 'toml';
  return undefined;
}

export function claims(path: string): boolean {
  return configFormat(path) !== undefined;
}
