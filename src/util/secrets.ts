/**
 * Credentials must never reach an asset, prop or issue. Scanners that copy
 * text from scanned files (code-refs, config-refs, prompt-files,
 * dataset-files) test it here first, and the URLs they and the manifest
 * scanners (pip, conda, npm) record are stripped of what can carry one.
 *
 * Token shapes follow the vendors' documented prefixes: OpenAI `sk-`
 * (`sk-proj-`, `sk-svcacct-`), Anthropic `sk-ant-`, Hugging Face `hf_`, AWS
 * `AKIA`/`ASIA`, Groq `gsk_`, GitHub `ghp_`… and `github_pat_`, Google `AIza`,
 * Slack `xox?-`, and PEM private keys.
 */
import type { ProviderId } from '../types.js';

/** A token anywhere in the text, after a non-alphanumeric character. All quantifiers are linear. */
const SECRET_TOKEN =
  /(?:^|[^A-Za-z0-9])(sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{16,}|hf_[A-Za-z0-9]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gsk_[A-Za-z0-9]{40,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|AIza[0-9A-Za-z_-]{35}|xox[abposr]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----)/;

/** Whose key a token is, by prefix (first match wins); any other token is 'unknown'. */
const TOKEN_PROVIDERS: ReadonlyArray<readonly [string, ProviderId]> = [
  ['sk-ant-', 'anthropic'],
  ['sk-', 'openai'],
  ['hf_', 'huggingface-inference'],
  ['AIza', 'google-gemini'],
  ['AKIA', 'aws-bedrock'],
  ['ASIA', 'aws-bedrock'],
  ['gsk_', 'groq'],
];

/**
 * Does the text hold something shaped like an API key or private key?
 * Returns the provider the key format belongs to (never the key), or
 * undefined when there is none.
 */
export function secretProvider(text: string): ProviderId | 'unknown' | undefined {
  const m = SECRET_TOKEN.exec(text);
  if (m === null) return undefined;
  const key = m[1] as string;
  return TOKEN_PROVIDERS.find(([prefix]) => key.startsWith(prefix))?.[1] ?? 'unknown';
}

/** Free text (a card paragraph, a column name, a string literal) that holds a key-shaped token. */
export function looksLikeSecret(text: string): boolean {
  return SECRET_TOKEN.test(text);
}

/**
 * Prefixes that make a whole value (a model id, a setting) a credential even
 * when short: Stripe `pk_`/`rk_`/`sk_`, GitLab `glpat-`, Mailgun `key-`, an
 * `Authorization` header value. Too broad for free text, where words start
 * with `key-` and columns with `pk_`.
 */
const SECRET_VALUE_PREFIX = /^(?:sk-|sk_|pk_|rk_|hf_[A-Za-z0-9]{10}|ghp_|gho_|ghs_|github_pat_|xox[abpr]-|AKIA|ASIA|AIza|glpat-|key-|Bearer\b)/;

/**
 * A single value (not free text) that is or holds a credential: a key
 * prefix at its start, a long opaque mixed-case token, or a token anywhere.
 * Length alone is not enough: Hub ids run long, but they have a `/`.
 */
export function looksLikeSecretValue(value: string): boolean {
  return SECRET_VALUE_PREFIX.test(value) || isOpaqueToken(value) || looksLikeSecret(value);
}

function isOpaqueToken(value: string): boolean {
  return /^[A-Za-z0-9+/=_-]{40,}$/.test(value) && !value.includes('/') && /\d/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value);
}

const SCHEME = /^([a-z][a-z0-9+.-]*:\/\/)/i;

/**
 * A manifest URL (requirement, VCS, lock-file `resolved`, conda channel)
 * without userinfo, query and fragment. A username `git` alone is kept (the
 * ssh convention, not a secret); any other userinfo may be a token
 * (`https://ghp_…@github.com`), so it goes. Anaconda `/t/<token>/` path
 * segments are dropped. Textual, so the URL is otherwise kept as written.
 * Returns undefined for something that is not a URL.
 */
export function stripUrlCredentials(url: string): string | undefined {
  const scheme = SCHEME.exec(url);
  if (scheme === null) return undefined;
  const rest = url.slice(scheme[1]!.length).replace(/[?#].*$/s, '');
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  let host = authority;
  if (at !== -1) {
    const user = authority.slice(0, at);
    host = (user === 'git' ? 'git@' : '') + authority.slice(at + 1);
  }
  if (host === '' || /\s/.test(host)) return undefined;
  return `${scheme[1]}${host}${path.replace(/\/t\/[^/]+(?=\/)/g, '')}`;
}

/** npm's hosted shorthand without userinfo: `github:user:token@org/repo` → `github:org/repo`. */
export function stripShorthandCredentials(spec: string): string {
  return spec.includes('@') ? spec.replace(/^([a-z]+:)[^@]*@/i, '$1') : spec;
}

/**
 * An API endpoint as recorded on a service: scheme, host and path of a
 * parsed URL, without credentials, query or fragment (where keys travel),
 * trailing slashes dropped.
 */
export function credentialFreeEndpoint(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
