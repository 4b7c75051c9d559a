/**
 * Credential shapes that must never reach an asset, prop or issue. Free text
 * taken from scanned files (card paragraphs, CSV headers, JSON keys) is
 * dropped when it matches; the patterns follow the vendors' documented
 * token prefixes (OpenAI `sk-`, Anthropic `sk-ant-`, Hugging Face `hf_`,
 * AWS `AKIA`/`ASIA`, GitHub `ghp_`…, Google `AIza`, Slack `xox?-`).
 */
const SECRET =
  /(?:^|[^A-Za-z0-9])(?:sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{16,}|hf_[A-Za-z0-9]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|AIza[0-9A-Za-z_-]{35}|xox[abposr]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----)/;

export function looksLikeSecret(text: string): boolean {
  return SECRET.test(text);
}
