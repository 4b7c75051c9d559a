/**
 * Which files download-urls scans, without loading the scanner (see
 * scanners/registry.ts).
 */
import type { ConfigKind } from './config.js';

export type FileKind = 'py' | 'js' | 'ipynb' | 'shell' | 'dockerfile' | 'makefile' | ConfigKind;

export const MAX_BYTES = 4 * 1024 * 1024;
/** Dependencies, build output and caches: other people's downloads. */
const SKIP_DIRS = new Set([
  'node_modules', 'site-packages', 'dist-packages', 'vendor', 'third_party', 'third-party', 'dist', 'build', '__pycache__',
  'bower_components', '.venv', 'venv', '.tox', '.nox', '.git', '.ipynb_checkpoints', '.idea', '.vscode',
]);
/** Config-named files that are lock files or tokenizer vocabularies: large, and never a download list. */
const NOT_CONFIG = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'composer.lock', 'tokenizer.json', 'vocab.json',
  'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json', 'tsconfig.json', 'jsconfig.json',
]);

/** `pnpm-lock.yaml`, `conda-lock.yml`, `x.lock.json`: package URLs by the thousand, none of them weights. */
const LOCK_FILE = /(?:^|[.-])lock\.(?:json|ya?ml|toml)$/;

export function fileKind(path: string): FileKind | undefined {
  const parts = path.split('/');
  const base = parts[parts.length - 1] ?? '';
  const lower = base.toLowerCase();
  if (parts.slice(0, -1).some((d) => SKIP_DIRS.has(d.toLowerCase()))) return undefined;
  if (lower.endsWith('.ipynb')) return 'ipynb';
  if (/\.pyw?$/.test(lower)) return 'py';
  if (/\.d\.[mc]?ts$/.test(lower) || /[.-]min\.[mc]?js$/.test(lower)) return undefined;
  if (/\.(?:[mc]?[jt]s|[jt]sx)$/.test(lower)) return 'js';
  if (/\.(?:sh|bash|zsh|ksh)$/.test(lower)) return 'shell';
  if (lower === 'dockerfile' || lower === 'containerfile' || lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile')) return 'dockerfile';
  if (lower === 'makefile' || lower === 'gnumakefile' || lower.endsWith('.mk')) return 'makefile';
  if (NOT_CONFIG.has(lower) || LOCK_FILE.test(lower) || lower.endsWith('.index.json') || /^tsconfig.*\.json$/.test(lower)) return undefined;
  if (/\.(?:ya?ml|dvc)$/.test(lower)) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.toml')) return 'toml';
  return undefined;
}

export function claims(path: string): boolean {
  return fileKind(path) !== undefined;
}
