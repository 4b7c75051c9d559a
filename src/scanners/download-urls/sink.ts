/**
 * Collects one file's download URLs as assets: the same URL seen twice is
 * one asset with two locations; what each sighting says accumulates.
 */
import type { Asset, Issue, Props, SourceScan } from '../../types.js';
import { looksLikeSecret } from '../../util/secrets.js';
import { sortedBy, sortedUnique } from '../../util/sort.js';
import { classifyUrl, type UseContext } from './classify.js';
import { nameOf, parseDownloadUrl, type DownloadUrl } from './url.js';

export const SCANNER = 'download-urls';

/** A file naming more download URLs than this is a generated list, not code that downloads. */
export const MAX_ASSETS_PER_FILE = 500;
/** The via of a URL that is only written down, not passed to anything we recognise. */
export const VIA_LITERAL = 'literal';

export interface Sighting extends UseContext {
  /** The URL as written (it may carry a token: never stored). */
  readonly raw: string;
  /** 1-based line; a function when finding it costs a text search (asked only for URLs that are kept). */
  readonly line: number | (() => number);
  /** What fetches it, e.g. `torch.hub.load_state_dict_from_url`, `wget`, `config`. */
  readonly via: string;
  /** For config: the dotted key path. */
  readonly configKey?: string;
}

export class DownloadSink {
  private readonly assets = new Map<string, Asset>();
  private readonly vias = new Map<string, Set<string>>();
  private readonly issues = new Map<string, Issue>();
  private overflow = false;

  constructor(readonly path: string) {}

  /** Record a sighting; returns false when the string is not a URL worth recording. */
  add(s: Sighting): boolean {
    // Past the cap the file is a generated list: stop paying for each URL.
    if (this.overflow) return false;
    const u = parseDownloadUrl(s.raw);
    if (u === undefined) return false;
    const verdict = classifyUrl(u, s);
    if (verdict === undefined) return false;
    // A key in the path itself (`…/hf_xxx/…`, a long opaque segment) cannot be cut off: leave the URL out.
    const line = typeof s.line === 'number' ? s.line : s.line();
    if (looksLikeSecret(u.url) || looksLikeSecret(u.path) || u.path.split('/').some(isOpaqueToken)) {
      this.issue(`a download URL on line ${line} holds something shaped like a key; not recorded`);
      return false;
    }
    const id = `${verdict.kind}:url:${u.url}`;
    const found = this.assets.get(id);
    if (found !== undefined) {
      found.locations.push({ path: this.path, line });
      found.confidence = Math.max(found.confidence ?? 0, verdict.confidence);
      this.vias.get(id)?.add(s.via);
      if (s.configKey !== undefined && found.props['config_key'] === undefined) found.props['config_key'] = s.configKey;
      return true;
    }
    if (this.assets.size >= MAX_ASSETS_PER_FILE) {
      this.issue(`more than ${MAX_ASSETS_PER_FILE} download URLs; the rest are not recorded`);
      this.overflow = true;
      return false;
    }
    const props = urlProps(u, verdict.format);
    if (s.configKey !== undefined) props['config_key'] = s.configKey;
    const asset: Asset = {
      id,
      kind: verdict.kind,
      name: nameOf(u),
      scanners: [SCANNER],
      locations: [{ path: this.path, line }],
      files: [],
      props,
      model: {},
      parsed: true,
      confidence: verdict.confidence,
    };
    if (verdict.dataFormat !== undefined) asset.dataset = { formats: [verdict.dataFormat] };
    this.assets.set(id, asset);
    this.vias.set(id, new Set([s.via]));
    return true;
  }

  issue(message: string): void {
    this.issues.set(message, { path: this.path, scanner: SCANNER, message });
  }

  result(): SourceScan {
    const assets = sortedBy(this.assets.values(), (a) => a.id);
    for (const a of assets) {
      const lines = [...new Set(a.locations.map((l) => l.line ?? 0))].sort((x, y) => x - y);
      a.locations.splice(0, a.locations.length, ...lines.map((line) => ({ path: this.path, line })));
      const via = [...(this.vias.get(a.id) ?? [])];
      // Once a call is seen fetching it, "it is also written down" adds nothing.
      const called = via.filter((v) => v !== VIA_LITERAL);
      a.props['download_via'] = sortedUnique(called.length > 0 ? called : via);
    }
    return { assets, relationships: [], issues: sortedBy(this.issues.values(), (i) => i.message) };
  }
}

/** A long mixed-case segment with digits and no dot reads as a token (`/d/<token>/model.pt`), not a name. */
function isOpaqueToken(segment: string): boolean {
  return segment.length >= 40 && /^[A-Za-z0-9_=+-]+$/.test(segment) && /\d/.test(segment) && /[A-Z]/.test(segment) && /[a-z]/.test(segment);
}

function urlProps(u: DownloadUrl, format: string | undefined): Props {
  const props: Props = { download_url: u.url, download_scheme: u.scheme };
  if (u.hadQuery) props['download_url_has_query'] = true;
  if (u.hadCredentials) props['download_url_has_credentials'] = true;
  if (format !== undefined) props['download_format'] = format;
  if (u.hub !== undefined) {
    props['hub_repo'] = u.hub.repoId;
    props['hub_revision'] = u.hub.revision;
    props['hub_filename'] = u.hub.file;
  }
  return props;
}
