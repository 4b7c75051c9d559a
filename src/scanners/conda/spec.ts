/**
 * conda match specs as written in environment files:
 * `numpy`, `numpy=1.26.4`, `numpy==1.26.4`, `python>=3.10`,
 * `conda-forge::pytorch=2.3.0`, `pytorch=2.3.0=py3.11_cuda12.1_cudnn8_0`,
 * `numpy 1.26.4 py311h_0`.
 * https://docs.conda.io/projects/conda/en/latest/user-guide/concepts/pkg-specs.html
 *
 * Version choice: conda reads `=1.26` as the fuzzy `1.26.*`, so a single `=`
 * with fewer than three version parts is a range. `=X.Y.Z` (three or more
 * parts) is taken as the version, as is anything followed by a build string
 * (`name=ver=build`, what `conda env export` writes): in practice both name
 * one release. `==X` is exact.
 */
import { stripUrlCredentials } from '../../util/secrets.js';

export interface CondaSpec {
  readonly name: string;
  readonly channel?: string;
  readonly version?: string;
  readonly range?: string;
  readonly build?: string;
}

const NAME = /^([A-Za-z0-9_][A-Za-z0-9_.-]*)/;
const PLAIN_VERSION = /^[A-Za-z0-9_.+!]+$/;
const RANGE_START = /^(?:>=|<=|>|<|!=|~=|\d)/;

/** A channel name as is; a channel URL without credentials or anaconda `/t/<token>/`. */
export function cleanChannel(channel: string): string | undefined {
  const t = channel.trim().replace(/\/+$/, '');
  if (t === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return stripUrlCredentials(t);
  if (/^[A-Za-z0-9_.\/-]+$/.test(t)) return t;
  return undefined;
}

function isFullVersion(v: string): boolean {
  return PLAIN_VERSION.test(v) && !v.includes('*') && v.split('.').length >= 3;
}

export function parseCondaSpec(spec: string): CondaSpec | { error: string } {
  let text = spec.trim();
  let channel: string | undefined;
  const sep = text.indexOf('::');
  if (sep !== -1) {
    channel = cleanChannel(text.slice(0, sep));
    text = text.slice(sep + 2).trim();
  }
  const name = NAME.exec(text);
  if (name === null) return { error: 'cannot parse conda spec' };
  const rest = text.slice(name[1]!.length).trim();
  const base = { name: name[1]!, ...(channel !== undefined ? { channel } : {}) };
  if (rest === '') return base;
  if (rest.startsWith('[')) return { ...base, range: rest };
  if (rest.startsWith('==')) {
    const [ver = '', build] = rest.slice(2).trim().split('=');
    const exact = PLAIN_VERSION.test(ver) && !ver.includes('*');
    return { ...base, ...(exact ? { version: ver } : { range: rest }), ...(build ? { build } : {}) };
  }
  if (rest.startsWith('=')) {
    const [ver = '', build] = rest.slice(1).trim().split('=');
    if (build !== undefined && build !== '' && PLAIN_VERSION.test(ver) && !ver.includes('*')) return { ...base, version: ver, build };
    return isFullVersion(ver) ? { ...base, version: ver } : { ...base, range: rest };
  }
  if (!RANGE_START.test(rest)) return { error: 'cannot parse conda spec' };
  // Space-separated form: `numpy 1.26.4 py311h_0`.
  const [ver = '', build] = rest.split(/\s+/);
  if (PLAIN_VERSION.test(ver) && /^\d/.test(ver) && !ver.includes('*')) {
    return { ...base, version: ver, ...(build !== undefined ? { build } : {}) };
  }
  return { ...base, range: rest };
}
