/**
 * Dependency scope from names: of a requirements file (`requirements-dev.txt`,
 * `requirements/test.txt`) or of a group (Poetry groups, PEP 735
 * `[dependency-groups]`, Pipfile categories).
 */
import type { DependencyScope } from '../../types.js';

const DEV_TOKENS = new Set([
  'dev', 'devel', 'develop', 'development', 'test', 'tests', 'testing', 'lint', 'linting', 'linters', 'doc', 'docs',
  'typing', 'types', 'mypy', 'ci', 'style', 'qa', 'check', 'checks', 'format', 'formatting', 'pre-commit', 'precommit',
]);
const OPTIONAL_TOKENS = new Set(['optional', 'extra', 'extras', 'opt']);

function tokenScope(tokens: readonly string[]): DependencyScope | undefined {
  if (tokens.some((t) => DEV_TOKENS.has(t) || t.startsWith('test') || t.includes('lint'))) return 'dev';
  if (tokens.some((t) => OPTIONAL_TOKENS.has(t) || t.includes('optional'))) return 'optional';
  return undefined;
}

/** Scope of a group name: dev for dev/test/lint/docs/typing-like names, else optional. */
export function groupScope(group: string): DependencyScope {
  const lower = group.toLowerCase();
  return DEV_TOKENS.has(lower) ? 'dev' : tokenScope(lower.split(/[-_.\s]+/)) === 'dev' ? 'dev' : 'optional';
}

/**
 * Scope of every dependency in a requirements (or conda environment) file,
 * from its name: `requirements-dev.txt`, `dev-requirements.txt`,
 * `requirements/test.txt`, `*lint*` → dev; `*optional*`, `extras` → optional.
 */
export function fileScope(path: string): DependencyScope {
  const base = (path.split('/').pop() ?? path).toLowerCase().replace(/\.[a-z]+$/, '');
  return tokenScope(base.split(/[-_.\s]+/).filter((t) => t !== '')) ?? 'required';
}
