/**
 * Licence normalization: Hugging Face Hub licence ids and SPDX expressions
 * to SPDX where a faithful mapping exists, a free name otherwise.
 *
 * Hub ids: https://huggingface.co/docs/hub/repositories-licenses
 * SPDX ids and expressions: https://spdx.org/licenses/ and
 * https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/
 */
import { createRequire } from 'node:module';
import parseSpdx from 'spdx-expression-parse';

export interface NormalizedLicense {
  /** A single SPDX licence id, canonical case. */
  spdx?: string;
  /** A valid SPDX expression of more than one term (or a LicenseRef). */
  expression?: string;
  /** Anything else, as written (trimmed): `openrail++`, `llama3`, `other`. */
  name?: string;
}

// NOTE: spdx-license-ids and spdx-exceptions are dependencies of
// spdx-expression-parse, which validates against exactly these lists; reading
// the same lists keeps our case-insensitive matching in step with the parser.
const require = createRequire(import.meta.url);
const SPDX_IDS = loadIdList('spdx-license-ids/index.json');
const SPDX_EXCEPTIONS = loadIdList('spdx-exceptions/index.json');

/** Longer than any real expression; guards the tokenizer against junk. */
const MAX_LICENSE_CHARS = 1000;

/**
 * Hub ids that are not spelled as a current SPDX id. The GNU family on the Hub
 * mirrors SPDX's deprecated bare ids (`GPL-3.0`), which SPDX defined as the
 * "only" variant; mapping to `-only` keeps that meaning instead of claiming an
 * "or later" grant the card never made.
 */
const HUB_ALIASES: Readonly<Record<string, string>> = {
  'gpl-2.0': 'GPL-2.0-only',
  'gpl-3.0': 'GPL-3.0-only',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-3.0': 'LGPL-3.0-only',
  'agpl-3.0': 'AGPL-3.0-only',
  'gfdl-1.3': 'GFDL-1.3-only',
  'c-uda': 'C-UDA-1.0',
  'odc-by': 'ODC-By-1.0',
  odbl: 'ODbL-1.0',
  pddl: 'PDDL-1.0',
  'lgpl-lr': 'LGPLLR',
};

/** Deprecated GNU ids with `+`, e.g. `GPL-2.0+`, mean "or later". */
const GNU_PLUS = /^((?:a|l)?gpl|gfdl)-(\d\.\d)\+$/i;

/** Map one licence string. Never throws. */
export function normalizeLicense(raw: string): NormalizedLicense {
  if (typeof raw !== 'string') return {};
  const text = raw.trim();
  if (text === '') return {};
  if (text.length > MAX_LICENSE_CHARS) return { name: text };
  const single = spdxId(text);
  if (single !== undefined) return { spdx: single };
  const expression = normalizeExpression(text);
  if (expression !== undefined) return { expression };
  return { name: text };
}

/** The canonical SPDX id for one term, case-insensitively, or undefined. */
function spdxId(term: string): string | undefined {
  const lower = term.toLowerCase();
  const alias = HUB_ALIASES[lower];
  if (alias !== undefined) return alias;
  const plus = GNU_PLUS.exec(term);
  if (plus !== null) {
    const id = SPDX_IDS.get(`${plus[1]}-${plus[2]}-or-later`.toLowerCase());
    if (id !== undefined) return id;
  }
  return SPDX_IDS.get(lower);
}

/**
 * Accept `MIT OR Apache-2.0`, `(mit and bsd-3-clause)`, `GPL-2.0-only WITH
 * Classpath-exception-2.0`: fix the case of ids and operators, then let
 * spdx-expression-parse decide whether the result is valid.
 */
function normalizeExpression(text: string): string | undefined {
  const tokens = text.match(/\(|\)|[^\s()]+/g);
  if (tokens === null) return undefined;
  const out: string[] = [];
  let afterWith = false;
  for (const token of tokens) {
    const upper = token.toUpperCase();
    if (upper === 'AND' || upper === 'OR' || upper === 'WITH') {
      out.push(upper);
      afterWith = upper === 'WITH';
      continue;
    }
    if (token === '(' || token === ')') {
      out.push(token);
    } else if (afterWith) {
      out.push(SPDX_EXCEPTIONS.get(token.toLowerCase()) ?? token);
    } else {
      out.push(spdxId(token) ?? keepPlus(token));
    }
    afterWith = false;
  }
  const joined = out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
  try {
    parseSpdx(joined);
    return joined;
  } catch {
    return undefined;
  }
}

/** `mit+` → `MIT+`: SPDX's "or later" suffix on a non-GNU id. */
function keepPlus(token: string): string {
  if (!token.endsWith('+')) return token;
  const id = SPDX_IDS.get(token.slice(0, -1).toLowerCase());
  return id === undefined ? token : `${id}+`;
}

function loadIdList(specifier: string): ReadonlyMap<string, string> {
  try {
    const list: unknown = require(specifier);
    if (!Array.isArray(list)) return new Map();
    return new Map(list.filter((id): id is string => typeof id === 'string').map((id) => [id.toLowerCase(), id]));
  } catch {
    // Without the lists every licence stays a free name: degraded, not broken.
    return new Map();
  }
}
