/**
 * One logical line of a pip requirements file, or one PEP 508 string.
 * Specs: https://pip.pypa.io/en/stable/reference/requirements-file-format/
 *        https://packaging.python.org/en/latest/specifications/dependency-specifiers/
 * Nothing here returns a URL that still carries credentials, and no result
 * holds the raw line (it may contain an index URL with a password).
 */
import { stripUrlCredentials } from '../../util/secrets.js';
import { eggName, fileNameOf, fragmentHash, isVcsUrl, parseVcsUrl } from './url.js';

export interface Requirement {
  /** The distribution name as written. */
  readonly name: string;
  readonly extras: string[];
  /** The version specifier as written (parentheses dropped), when any. */
  readonly specifier?: string;
  /** An exact pin: a single `==X` (no wildcard) or `===X` clause, or a wheel's version. */
  readonly version?: string;
  readonly marker?: string;
  readonly hashes: string[];
  /** Credential-free URL of a URL or VCS requirement (local `file:` URLs are not kept). */
  readonly sourceUrl?: string;
  /** The `@ref` of a VCS requirement. */
  readonly vcsRef?: string;
  readonly editable?: boolean;
  /** The name was guessed from a repository URL, not written. */
  readonly guessedName?: boolean;
}

export type RequirementLine =
  | { readonly kind: 'requirement'; readonly req: Requirement; readonly warnings: string[] }
  | { readonly kind: 'include'; readonly option: 'requirement' | 'constraint'; readonly target: string }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'error'; readonly message: string };

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;
const CLAUSE = String.raw`\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9_.*+!-]+\s*`;
const SPECIFIER = new RegExp(`^${CLAUSE}(?:,${CLAUSE})*$`);
const URL_START = /^(?:[a-z][a-z0-9+.-]*:\/\/|(?:git|hg|svn|bzr)\+|file:)/i;
/** A wheel file name: name-version(-build)?-python-abi-platform.whl */
const WHEEL = /^([A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?)-([^-]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/i;
const SDIST = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)-(\d[A-Za-z0-9.+!_]*)\.(?:tar\.gz|tar\.bz2|tar\.xz|tgz|zip)$/i;

/** Options that take a value and say where to get packages: recognised, never recorded. */
const VALUE_OPTIONS = new Set([
  '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--trusted-host', '--only-binary', '--no-binary',
  '--use-feature', '--config-settings', '--global-option', '--install-option', '--progress-bar', '--platform',
]);
const FLAG_OPTIONS = new Set(['--no-index', '--pre', '--prefer-binary', '--require-hashes', '--no-deps', '--no-build-isolation']);
const PER_REQUIREMENT = new Set(['--hash', '--global-option', '--install-option', '--config-settings']);

/** Parse a logical line with comments already removed. */
export function parseRequirementLine(line: string): RequirementLine {
  const text = line.trim();
  if (text === '') return { kind: 'ignored' };
  if (text.startsWith('-')) return parseOptionLine(text);
  return parseRequirement(text, false);
}

function parseOptionLine(text: string): RequirementLine {
  const m = /^(--?[A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*|\s+)?(.*)$/s.exec(text);
  if (m === null) return { kind: 'error', message: 'cannot parse option' };
  let option = m[1]!;
  let value = m[2]!.trim();
  // `-rfile.txt`: a short option glued to its value.
  if (/^-[rcei]./.test(option) && !option.startsWith('--')) {
    value = `${option.slice(2)}${value}`;
    option = option.slice(0, 2);
  }
  if (option === '-r' || option === '--requirement' || option === '-c' || option === '--constraint') {
    if (value === '') return { kind: 'error', message: `${option} without a file` };
    return { kind: 'include', option: option === '-r' || option === '--requirement' ? 'requirement' : 'constraint', target: value };
  }
  if (option === '-e' || option === '--editable') {
    if (value === '') return { kind: 'error', message: `${option} without a target` };
    return parseRequirement(value, true);
  }
  if (VALUE_OPTIONS.has(option) || FLAG_OPTIONS.has(option)) return { kind: 'ignored' };
  return { kind: 'error', message: `unknown pip option ${option.slice(0, 40)}` };
}

/** Split off trailing per-requirement options (`--hash=…`). */
function splitOptions(text: string): { body: string; hashes: string[]; warnings: string[] } {
  const at = text.search(/\s--?[A-Za-z]/);
  if (at === -1) return { body: text, hashes: [], warnings: [] };
  const hashes: string[] = [];
  const warnings: string[] = [];
  const tokens = text.slice(at).trim().split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const eq = tok.indexOf('=');
    const name = eq === -1 ? tok : tok.slice(0, eq);
    let value = eq === -1 ? undefined : tok.slice(eq + 1);
    if (!name.startsWith('-')) continue;
    if (!PER_REQUIREMENT.has(name)) {
      warnings.push(`unknown requirement option ${name.slice(0, 40)}`);
      continue;
    }
    if (value === undefined) value = tokens[++i];
    if (name === '--hash' && value !== undefined) {
      const h = /^([a-z0-9]+):([0-9a-f]+)$/i.exec(value);
      if (h !== null) hashes.push(`${h[1]!.toLowerCase()}:${h[2]!.toLowerCase()}`);
      else warnings.push('malformed --hash');
    }
  }
  return { body: text.slice(0, at).trim(), hashes, warnings };
}

/** A PEP 508 requirement, or a pip URL / path requirement. */
export function parseRequirement(raw: string, editable: boolean): RequirementLine {
  const { body, hashes, warnings } = splitOptions(raw.trim());
  if (URL_START.test(body) || /^[.~/\\]/.test(body) || /^[A-Za-z]:[\\/]/.test(body)) {
    return withWarnings(parseUrlOrPath(body, editable, hashes), warnings);
  }
  const name = NAME.exec(body);
  if (name === null) return { kind: 'error', message: 'cannot parse requirement' };
  let rest = body.slice(name[1]!.length).trimStart();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return { kind: 'error', message: 'unclosed extras' };
    extras = rest.slice(1, close).split(',').map((e) => e.trim()).filter((e) => e !== '');
    rest = rest.slice(close + 1).trimStart();
  }
  if (rest.startsWith('@')) {
    const urlPart = rest.slice(1).trim();
    const semi = urlPart.search(/\s;|;\s/);
    const url = (semi === -1 ? urlPart : urlPart.slice(0, semi)).trim();
    if (url === '' || url.startsWith(';')) return { kind: 'error', message: 'missing url after @' };
    const marker = semi === -1 ? undefined : urlPart.slice(semi).replace(/^\s*;\s*/, '').trim();
    const fromUrl = urlFacts(url);
    return {
      kind: 'requirement',
      warnings,
      req: {
        name: name[1]!, extras, hashes: [...hashes, ...fromUrl.hashes], ...fromUrl.facts,
        ...(marker !== undefined && marker !== '' ? { marker } : {}),
        ...(editable ? { editable } : {}),
      },
    };
  }
  // A path without a leading `./` (`libs/mypkg`): pip treats it as local.
  if (/^[/\\]/.test(rest)) return { kind: 'ignored' };
  const semi = rest.indexOf(';');
  const spec = (semi === -1 ? rest : rest.slice(0, semi)).trim().replace(/^\((.*)\)$/s, '$1').trim();
  const marker = semi === -1 ? undefined : rest.slice(semi + 1).trim();
  if (spec !== '' && !SPECIFIER.test(spec)) return { kind: 'error', message: 'invalid version specifier' };
  const version = exactVersion(spec);
  return {
    kind: 'requirement',
    warnings,
    req: {
      name: name[1]!, extras, hashes,
      ...(version !== undefined ? { version } : spec !== '' ? { specifier: spec } : {}),
      ...(marker !== undefined && marker !== '' ? { marker } : {}),
      ...(editable ? { editable } : {}),
    },
  };
}

/** `==1.2.3` or `===1.2.3` alone; `==1.2.*`, `>=1`, `==1,<2` are not pins. */
export function exactVersion(spec: string): string | undefined {
  const m = /^\s*(===?)\s*([^\s,;*]+)\s*$/.exec(spec);
  return m === null ? undefined : m[2];
}

function withWarnings(line: RequirementLine, warnings: string[]): RequirementLine {
  return line.kind === 'requirement' ? { ...line, warnings: [...warnings, ...line.warnings] } : line;
}

interface UrlFacts {
  facts: { sourceUrl?: string; vcsRef?: string; version?: string };
  hashes: string[];
}

function urlFacts(url: string): UrlFacts {
  const hash = fragmentHash(url);
  const hashes = hash === undefined ? [] : [hash];
  if (isVcsUrl(url)) {
    const vcs = parseVcsUrl(url);
    return { hashes, facts: vcs === undefined ? {} : { sourceUrl: vcs.sourceUrl, ...(vcs.ref !== undefined ? { vcsRef: vcs.ref } : {}) } };
  }
  const wheel = WHEEL.exec(fileNameOf(url));
  const isFile = /^file:/i.test(url);
  const sourceUrl = isFile ? undefined : stripUrlCredentials(url);
  return {
    hashes,
    facts: { ...(sourceUrl !== undefined ? { sourceUrl } : {}), ...(wheel !== null ? { version: wheel[2]! } : {}) },
  };
}

/** A bare URL or path: a name comes from `#egg=`, a wheel or sdist file name, or a VCS repository name. */
function parseUrlOrPath(body: string, editable: boolean, hashes: string[]): RequirementLine {
  const semi = body.search(/\s;|;\s/);
  const target = (semi === -1 ? body : body.slice(0, semi)).trim();
  const marker = semi === -1 ? undefined : body.slice(semi).replace(/^\s*;\s*/, '').trim();
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || isVcsUrl(target);
  const base = fileNameOf(target);
  const wheel = WHEEL.exec(base);
  const sdist = SDIST.exec(base);
  const egg = eggName(target);
  if (!isUrl && wheel === null && sdist === null) return { kind: 'ignored' }; // a local project folder
  if (/^file:/i.test(target) && wheel === null && sdist === null && egg === undefined) return { kind: 'ignored' };
  const facts = urlFacts(target);
  let name = egg ?? wheel?.[1] ?? sdist?.[1];
  let guessedName = false;
  if (name === undefined && isVcsUrl(target)) {
    name = parseVcsUrl(target)?.repoName;
    guessedName = name !== undefined;
  }
  if (name === undefined || !NAME.test(name)) return { kind: 'error', message: 'cannot tell the package name of a url requirement' };
  const version = facts.facts.version ?? (sdist !== null && !isVcsUrl(target) ? sdist[2] : undefined);
  return {
    kind: 'requirement',
    warnings: [],
    req: {
      name, extras: [], hashes: [...hashes, ...facts.hashes],
      ...(facts.facts.sourceUrl !== undefined && isUrl && !/^file:/i.test(target) ? { sourceUrl: facts.facts.sourceUrl } : {}),
      ...(facts.facts.vcsRef !== undefined ? { vcsRef: facts.facts.vcsRef } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(marker !== undefined && marker !== '' ? { marker } : {}),
      ...(editable ? { editable } : {}),
      ...(guessedName ? { guessedName } : {}),
    },
  };
}
