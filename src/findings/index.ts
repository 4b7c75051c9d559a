/**
 * Risk findings: inventory (after enrichment) → findings. Each check reads
 * facts the scanners and the registry already recorded; none reads a file.
 * Findings are derived, never stored on assets, so one inventory always
 * gives the same findings.
 *
 * The rules and their advice live in `rules.ts`; docs/FINDINGS.md explains them.
 */
import { isPlainHttpToRemote } from '../util/net.js';
import type { Asset, AssetFile, Finding, Inventory, Location, PickleGlobal } from '../types.js';
import { makeFinding, sortFindings, type FindingInput } from './rules.js';

export { RULES, SEVERITIES, atOrAbove, formatLocation, isSeverity, makeFinding, ruleById, severityRank, sortFindings, type Rule } from './rules.js';

/** Every finding for the inventory, most severe first. */
export function findRisks(inventory: Inventory): Finding[] {
  const out: FindingInput[] = [];
  for (const asset of inventory.assets) {
    for (const check of CHECKS) out.push(...check(asset));
  }
  // Two sightings of one fact (e.g. the same pickle in two merged assets) give one finding.
  const byId = new Map<string, Finding>();
  for (const f of out.map(makeFinding)) byId.set(f.id, f);
  return sortFindings([...byId.values()]);
}

type Check = (asset: Asset) => FindingInput[];

const PICKLE_WEIGHTS = /\.(?:bin|pt|pth|ckpt|pkl|pickle|joblib)$/i;

/** Where an asset shows: its code and config sightings, else its files. */
function assetEvidence(a: Asset): Location[] {
  if (a.locations.length > 0) return a.locations;
  return a.files.map((f) => ({ path: f.path }));
}

function label(a: Asset, withVersion = true): string {
  const id = a.group === undefined ? a.name : `${a.group}/${a.name}`;
  return a.version === undefined || !withVersion ? id : `${id}@${a.version.length === 40 ? a.version.slice(0, 12) : a.version}`;
}

function globalName(g: PickleGlobal): string {
  const dotted = `${g.module}.${g.name}`;
  return g.member === undefined ? dotted : `${g.member}: ${dotted}`;
}

/** Files whose loading runs pickle: unsafe globals, unknown globals, or an incomplete walk. */
const pickleChecks: Check = (a) => {
  const out: FindingInput[] = [];
  for (const f of a.files) {
    const scan = f.scan;
    if (scan === undefined || (scan.pickle !== true && scan.pickleAnalysis === undefined)) continue;
    const analysis = scan.pickleAnalysis;
    const evidence = [{ path: f.path }];
    if (analysis === undefined) {
      // A pickle the walker never reached (the file failed to parse first).
      out.push({
        rule: 'unanalyzed-pickle',
        assetId: a.id,
        evidence,
        message: `${f.path} holds pickle data that could not be analyzed${scan.reason === undefined ? '' : `: ${scan.reason}`}`,
      });
      continue;
    }
    const dangerous = analysis.globals.filter((g) => g.class === 'dangerous').map(globalName);
    const suspicious = analysis.globals.filter((g) => g.class === 'suspicious').map(globalName);
    const incomplete = analysis.status === 'complete' ? '' : ` (analysis ${analysis.status}${analysis.reason === undefined ? '' : `: ${analysis.reason}`})`;
    if (dangerous.length > 0) {
      out.push({
        rule: 'unsafe-pickle',
        assetId: a.id,
        evidence,
        details: dangerous,
        message: `${f.path} imports ${dangerous.length === 1 ? 'a global' : `${dangerous.length} globals`} that can run code on load: ${dangerous.slice(0, 5).join(', ')}${dangerous.length > 5 ? ', …' : ''}${incomplete}`,
      });
    } else if (suspicious.length > 0) {
      out.push({
        rule: 'unknown-pickle-globals',
        assetId: a.id,
        evidence,
        details: suspicious,
        message: `${f.path} imports ${suspicious.length} global(s) outside the safe allow-list: ${suspicious.slice(0, 5).join(', ')}${suspicious.length > 5 ? ', …' : ''}${incomplete}`,
      });
    }
    if (dangerous.length === 0 && analysis.status !== 'complete') {
      out.push({
        rule: 'unanalyzed-pickle',
        assetId: a.id,
        evidence,
        message: `${f.path}: pickle analysis ${analysis.status}${analysis.reason === undefined ? '' : ` (${analysis.reason})`}; imports may be hidden in the unread part`,
      });
    }
  }
  return out;
};

/** Local pickle weights of a Hub model whose repository also publishes safetensors. */
const safetensorsAlternative: Check = (a) => {
  if (a.kind !== 'model' || a.upstreamFiles === undefined) return [];
  const hasSafetensors = a.upstreamFiles.some((u) => u.name.endsWith('.safetensors'));
  if (!hasSafetensors) return [];
  const local = a.files.filter((f) => f.role === 'weights' && f.scan?.pickle === true && PICKLE_WEIGHTS.test(f.path));
  if (local.length === 0) return [];
  return [{
    rule: 'pickle-with-safetensors-alternative',
    assetId: a.id,
    evidence: local.map((f) => ({ path: f.path })),
    message: `${label(a)} is used as pickle weights (${local.map((f) => f.path).join(', ')}) although its Hub repository publishes safetensors`,
  }];
};

const trustRemoteCode: Check = (a) =>
  a.trustRemoteCode === true
    ? [{ rule: 'trust-remote-code', assetId: a.id, evidence: codeSightings(a), message: `${label(a)} is loaded with trust_remote_code=True, which runs Python code from the repository` }]
    : [];

const unpinned: Check = (a) => {
  if (a.unpinned !== true) return [];
  const requested = a.props['requested_revision'];
  const what = typeof requested === 'string' ? `revision "${requested}"` : 'no revision';
  return [{
    rule: 'unpinned-reference',
    assetId: a.id,
    evidence: codeSightings(a),
    message: `${label(a, false)} is loaded with ${what}, not a commit sha, so what is loaded can change without a code change`,
  }];
};

/** Code and config sightings (with a line) when there are any, else every location. */
function codeSightings(a: Asset): Location[] {
  const withLine = a.locations.filter((l) => l.line !== undefined);
  return withLine.length > 0 ? withLine : assetEvidence(a);
}

/**
 * Licences: only for models and datasets whose licence could have been
 * known: local files (nothing else to ask) or assets the registry
 * answered for. A Hub reference scanned offline is not flagged.
 */
const licenses: Check = (a) => {
  // A file that failed to parse has been warned about; whether it has a licence is beside the point.
  if ((a.kind !== 'model' && a.kind !== 'dataset') || !a.parsed) return [];
  const list = a.model.licenses ?? [];
  if (list.length === 0) {
    const local = a.purl === undefined && a.files.length > 0;
    if (!local && a.enriched !== true) return [];
    // A local file with no card is most often the project's own work, under the project's licence: worth a note, not an alarm.
    return [{
      rule: 'missing-license',
      assetId: a.id,
      evidence: assetEvidence(a),
      severity: local ? 'low' : 'medium',
      message: `${label(a)} has no licence in its ${local ? 'files or card' : 'card or registry entry'}`,
    }];
  }
  const restricted = list.map((l) => [l, restriction(l)] as const).filter(([, r]) => r !== undefined);
  if (restricted.length === 0) return [];
  const hard = restricted.some(([, r]) => r === 'hard');
  return [{
    rule: 'restrictive-license',
    assetId: a.id,
    evidence: assetEvidence(a),
    severity: hard ? 'medium' : 'low',
    details: restricted.map(([l]) => l),
    message: hard
      ? `${label(a)} is under ${restricted.map(([l]) => l).join(', ')}, which forbids commercial use or derivatives`
      : `${label(a)} is under ${restricted.map(([l]) => l).join(', ')}, a licence with use restrictions to review`,
  }];
};

/**
 * `hard`: non-commercial, no-derivatives or research-only terms.
 * `review`: custom licences with acceptable-use clauses (RAIL, Llama,
 * Gemma…) or an unnamed `other`. SPDX permissive licences pass.
 */
function restriction(license: string): 'hard' | 'review' | undefined {
  const l = license.toLowerCase();
  if (/(?:^|[-_ ])nc(?:[-_ ]|$)|non-?commercial|(?:^|[-_ ])nd(?:[-_ ]|$)|noderiv|research[-_ ]?only|(?:^|[-_ ])research(?:[-_ ]|$)|academic/.test(l)) return 'hard';
  if (/rail|llama|gemma|deepfloyd|^other$|apple-ascl|^unknown$|openai-community-license|^custom/.test(l)) return 'review';
  return undefined;
}

const access: Check = (a) => {
  const gated = a.props['gated'];
  const isPrivate = a.props['private'] === true;
  if (gated === undefined && !isPrivate) return [];
  const what = [gated !== undefined ? `gated (${String(gated)})` : undefined, isPrivate ? 'private' : undefined].filter((x) => x !== undefined).join(' and ');
  return [{ rule: 'gated-or-private', assetId: a.id, evidence: codeSightings(a), message: `${label(a)} is ${what} on the Hub` }];
};

const upstreamMismatch: Check = (a) => {
  if (a.props['upstream_verification'] !== 'mismatch') return [];
  const files = a.props['upstream_mismatch'];
  const paths = Array.isArray(files) ? (files as readonly string[]) : a.files.filter((f) => f.role === 'weights').map((f) => f.path);
  const repo = typeof a.props['upstream_repo'] === 'string' ? (a.props['upstream_repo'] as string) : label(a);
  return [{
    rule: 'upstream-mismatch',
    assetId: a.id,
    evidence: paths.map((p) => ({ path: p })),
    details: paths,
    message: `${paths.length === 1 ? paths[0] : `${paths.length} files`} differ${paths.length === 1 ? 's' : ''} from the SHA-256 published for ${repo}`,
  }];
};

const insecureDownload: Check = (a) => {
  if (a.kind !== 'model' && a.kind !== 'dataset') return [];
  const url = a.props['download_url'];
  if (typeof url !== 'string' || !isPlainHttpToRemote(url)) return [];
  return [{ rule: 'insecure-download', assetId: a.id, evidence: codeSightings(a), details: [url], message: `${a.kind === 'model' ? 'weights' : 'data'} ${label(a)} downloaded over plain http: ${url}` }];
};

const kerasLambda: Check = (a) =>
  a.files
    .filter((f): f is AssetFile & { scan: NonNullable<AssetFile['scan']> } => typeof f.scan?.props['lambda_layers'] === 'number' && (f.scan.props['lambda_layers'] as number) > 0)
    .map((f) => ({
      rule: 'keras-lambda',
      assetId: a.id,
      evidence: [{ path: f.path }],
      message: `${f.path} has ${String(f.scan.props['lambda_layers'])} Lambda layer(s), which run stored Python code when loaded with safe_mode off`,
    }));

const insecureService: Check = (a) => {
  if (a.kind !== 'service' || a.service === undefined) return [];
  const plain = a.service.endpoints.filter(isPlainHttpToRemote);
  if (plain.length === 0) return [];
  return [{
    rule: 'insecure-service-endpoint',
    assetId: a.id,
    evidence: codeSightings(a),
    // Without credentials only prompts and answers travel in the clear.
    severity: a.service.authenticated ? 'high' : 'medium',
    details: plain,
    message: `${a.name} is called over plain http (${plain.join(', ')})${a.service.authenticated ? ', so its credentials travel unencrypted' : ''}`,
  }];
};


const CHECKS: readonly Check[] = [
  pickleChecks,
  safetensorsAlternative,
  trustRemoteCode,
  unpinned,
  licenses,
  access,
  upstreamMismatch,
  insecureDownload,
  kerasLambda,
  insecureService,
];
