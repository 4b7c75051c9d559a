/**
 * The Hugging Face token, found the way `huggingface_hub` finds it, so users
 * need no new configuration: an explicit file, then `HF_TOKEN`, then the token
 * file written by `huggingface-cli login`.
 *
 * The token must never reach stdout, stderr, the BOM, the cache or an error
 * message; every message that could carry it goes through `redact`.
 * @see https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MlbomError } from '../../errors.js';

export interface ResolveHfTokenOptions {
  env: Record<string, string | undefined>;
  /** `--hf-token-file`: read first, and a read failure is a usage error. */
  tokenFile?: string | undefined;
  /** For tests; defaults to `os.homedir()`. */
  homeDir?: string;
}

/**
 * @returns the token, or `undefined` when none is configured.
 * @throws {MlbomError} `USAGE` when an explicit `tokenFile` cannot be read:
 *   silently ignoring a flag the user typed would hide a typo.
 */
export async function resolveHfToken(o: ResolveHfTokenOptions): Promise<string | undefined> {
  if (o.tokenFile !== undefined) {
    const text = await readFile(o.tokenFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new MlbomError('USAGE', `cannot read --hf-token-file ${o.tokenFile}: ${err.code ?? 'read failed'}`);
    });
    return cleanToken(text);
  }
  // huggingface_hub still honours the legacy name, so scripts that set it keep working.
  const fromEnv = cleanToken(o.env['HF_TOKEN']) ?? cleanToken(o.env['HUGGING_FACE_HUB_TOKEN']);
  if (fromEnv !== undefined) return fromEnv;
  const file = nonEmpty(o.env['HF_TOKEN_PATH']) ?? join(hfHome(o.env, o.homeDir), 'token');
  // A missing default token file is the normal anonymous case, not an error.
  return cleanToken(await readFile(file, 'utf8').catch(() => undefined));
}

/** `$HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface` (huggingface_hub's order). */
export function hfHome(env: Record<string, string | undefined>, home = homedir()): string {
  const explicit = nonEmpty(env['HF_HOME']);
  if (explicit !== undefined) return explicit;
  return join(nonEmpty(env['XDG_CACHE_HOME']) ?? join(home, '.cache'), 'huggingface');
}

const REDACTED = '[REDACTED]';

/**
 * Replace every occurrence of `token` in `text`, and any `Bearer …` credential,
 * whatever produced the text (a server echo, an undici error, a URL).
 */
export function redact(text: string, token: string | undefined): string {
  let out = token !== undefined && token.length > 0 ? text.split(token).join(REDACTED) : text;
  out = out.replace(/\bBearer\s+[^\s"',;]+/gi, `Bearer ${REDACTED}`);
  return out;
}

// huggingface_hub strips CR/LF anywhere (a token pasted with a line break) and surrounding blanks.
function cleanToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return nonEmpty(raw.replace(/[\r\n]/g, '').trim());
}

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.length > 0 ? s : undefined;
}
