/** `mlbom scan [dir]` */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Option, type Command } from 'commander';
import type { BomFormat } from '../bom/serialize.js';
import { DEFAULT_SPEC_VERSION, SPEC_VERSIONS, type SpecVersionString } from '../bom/spec-features.js';
import { EXIT, MlbomError } from '../errors.js';
import { resolveHfToken } from '../enrich/huggingface/token.js';
import { scan } from '../scan.js';
import { atOrAbove, findRisks, SEVERITIES } from '../findings/index.js';
import { sarifAssets, serializeSarif, toSarif, type SarifInput } from '../report/sarif.js';
import type { Severity } from '../types.js';
import { TOOL_VERSION } from '../version.js';
import { defaultCacheDir } from '../enrich/cache.js';
import type { Inventory } from '../types.js';
import type { CliIo, Logger } from './io.js';
import { createProgress, type ProgressStream } from './progress.js';

interface ScanFlags {
  output?: string;
  format: BomFormat;
  specVersion: SpecVersionString;
  reproducible?: boolean;
  exclude?: string[];
  gitignore: boolean;
  offline?: boolean;
  strict?: boolean;
  concurrency: string;
  hfTokenFile?: string;
  cacheDir?: string;
  cache: boolean;
  name?: string;
  version?: string;
  validate: boolean;
  failOn?: Severity;
  sarif?: string;
  /** Added to every command by cli/index.ts. */
  quiet?: boolean;
}

export function registerScan(program: Command, io: CliIo, log: Logger, setExit: (code: number) => void): void {
  program
    .command('scan')
    .description('scan a folder for AI assets and write a CycloneDX ML-BOM')
    .argument('[dir]', 'folder to scan', '.')
    .option('-o, --output <file>', 'write the BOM to a file instead of stdout')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'xml']).default('json'))
    .addOption(new Option('--spec-version <version>', 'CycloneDX spec version').choices([...SPEC_VERSIONS]).default(DEFAULT_SPEC_VERSION))
    .option('--reproducible', 'byte-identical output: no timestamp or serial number (also set by SOURCE_DATE_EPOCH)')
    .option('--exclude <glob...>', 'leave out paths matching these globs (relative to dir)')
    .option('--no-gitignore', 'also scan what .gitignore files exclude (.mlbomignore still applies)')
    .option('--offline', 'make no network requests; enrich from the response cache only (also HF_HUB_OFFLINE=1)')
    .option('--strict', 'exit 1 when any registry lookup fails')
    .option('--concurrency <n>', 'registry requests in flight at once', '8')
    .option('--hf-token-file <file>', 'read the Hugging Face token from this file (default: HF_TOKEN, then $HF_HOME/token)')
    .option('--cache-dir <dir>', 'registry response and file hash cache (default: $XDG_CACHE_HOME/mlbom)')
    .option('--no-cache', 'do not read or write the registry response or hash cache')
    .option('--name <name>', 'name of the root component (default: package.json, pyproject.toml or the folder name)')
    .option('--version <version>', 'version of the root component')
    .option('--sarif <file>', 'also write the risk findings as SARIF 2.1.0 (for GitHub code scanning)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a risk finding at or above this severity exists').choices([...SEVERITIES]))
    .option('--no-validate', 'skip validating the BOM against the CycloneDX schema before writing it')
    .action(async (dir: string, flags: ScanFlags) => {
      const epoch = parseSourceDateEpoch(io.env['SOURCE_DATE_EPOCH']);
      const reproducible = flags.reproducible === true || epoch !== undefined;
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new MlbomError('USAGE', `--concurrency must be a whole number from 1 to 64, got ${JSON.stringify(flags.concurrency)}`);
      }
      // One cache folder for registry answers and file digests; --no-cache turns off both.
      const cacheDir = flags.cache ? resolve(io.cwd, flags.cacheDir ?? defaultCacheDir(io.env, io.env['HOME'] ?? homedir())) : false;
      // A status line only on a terminal; -q silences it with the warnings.
      const progress = createProgress(io.stderr as ProgressStream, { enabled: flags.quiet !== true });
      let scanned: Inventory;
      let fromSnapshot = false;
      const scanning = scan(resolve(io.cwd, dir), {
        exclude: flags.exclude,
        gitignore: flags.gitignore,
        name: flags.name,
        version: flags.version,
        cacheDir,
        onSnapshot: (event) => {
          fromSnapshot ||= event === 'hit';
          log.debug(`scan snapshot: ${event}`);
        },
        onWalked: (files) => {
          if (files < LARGE_SCAN_FILES || io.tuneForLargeScan === undefined) return;
          log.debug(`${files} files: tuning V8 for a large scan`);
          io.tuneForLargeScan();
        },
        // Per-file reports cost a little on a large tree: only when a line will be drawn.
        onProgress: progress.enabled ? progress.update : undefined,
        onIssue: (i) => {
          progress.clear();
          log.issue(i);
        },
      });
      // The output stages load while the scan runs (its hash workers are busy by then), not after it.
      const stages = loadOutputStages(flags);
      stages.catch(() => undefined); // awaited below; a scan error must not leave it unhandled
      try {
        scanned = await scanning;
      } finally {
        progress.done();
      }
      const { buildBom, serializeBom, validateBomText, validatorCodeCache, enrich } = await stages;
      if (!fromSnapshot) collectScanGarbage();
      const offline = flags.offline === true || isTruthy(io.env['HF_HUB_OFFLINE']);
      const enriched = await enrich(scanned, {
        offline,
        endpoint: io.env['HF_ENDPOINT'],
        token: offline ? undefined : await resolveHfToken({ env: io.env, tokenFile: flags.hfTokenFile === undefined ? undefined : resolve(io.cwd, flags.hfTokenFile) }),
        cacheDir,
        concurrency,
        onIssue: (i) => log.issue(i),
      });
      log.debug(`registry: ${enriched.requests} request(s), ${enriched.cacheHits} cache hit(s), ${enriched.failures} failure(s)`);
      const inventory = { ...enriched.inventory, findings: findRisks(enriched.inventory) };
      for (const f of inventory.findings) log.finding(f);
      const built = buildBom(inventory, {
        timestamp: reproducible ? epoch : new Date(),
        serialNumber: reproducible ? undefined : `urn:uuid:${randomUUID()}`,
      });
      const text = serializeBom(built, { format: flags.format, specVersion: flags.specVersion });
      if (flags.validate) {
        const result = await validateBomText(text);
        log.debug(`schema validator ${result.specVersion}: code cache ${validatorCodeCache(result.specVersion) ?? 'not used'}`);
        if (!result.valid) {
          throw new MlbomError('INTERNAL', `the generated BOM is not valid CycloneDX ${result.specVersion} (a bug in mlbom): ${result.errors.slice(0, 3).join('; ')}`);
        }
      }
      if (flags.output !== undefined) {
        try {
          await writeFile(resolve(io.cwd, flags.output), text);
        } catch (err) {
          throw new MlbomError('IO', `cannot write ${flags.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      } else {
        io.stdout.write(text);
      }
      if (flags.sarif !== undefined) {
        await writeSarif(resolve(io.cwd, flags.sarif), flags.sarif, {
          findings: inventory.findings,
          toolVersion: TOOL_VERSION,
          assets: sarifAssets(inventory.assets),
          pathPrefix: repoPrefix(io.cwd, inventory.root.absPath),
          category: 'mlbom/scan',
        }, log);
      }
      const models = inventory.assets.filter((a) => a.kind === 'model' && a.parsed).length;
      log.debug(`${models} model(s), ${inventory.assets.length} asset(s), ${inventory.issues.length} warning(s)`);
      if (flags.strict === true && enriched.failures > 0) {
        log.error(`${enriched.failures} registry lookup(s) failed (--strict)`);
        setExit(EXIT.FAILED);
        return;
      }
      if (flags.failOn !== undefined) {
        const failing = atOrAbove(inventory.findings, flags.failOn);
        if (failing.length > 0) {
          log.error(`${failing.length} finding(s) at or above ${flags.failOn} (--fail-on ${flags.failOn})`);
          setExit(EXIT.FAILED);
          return;
        }
      }
      setExit(EXIT.OK);
    });
}

/**
 * From this many files a scan is large enough for `io.tuneForLargeScan`
 * (bin/mlbom.js says what it does and why). The trouble it prevents was
 * seen on a 50k-file tree; a smaller tree gains nothing from it, and pays
 * for it: the flag it sets makes V8 refuse the code caches made without it.
 */
export const LARGE_SCAN_FILES = 1000;

/** Heap in use from which a full collection after the scan pays for itself. */
const COLLECT_ABOVE_BYTES = 64 * 1024 * 1024;

/**
 * Most of what a large scan allocated is garbage once it returns, but V8
 * grows the heap for the output stage (the schema validator alone adds
 * 20 MB of code and data) before it collects: a 50k-file tree peaked at
 * 194-199 MB against 184-191 MB with one full collection here, which costs
 * a few tens of ms on such a heap. Small scans and snapshot answers skip it.
 * `gc` exists only in contexts created while --expose-gc is set, so the flag
 * is set for one new context and cleared again: no later context or worker
 * gets a global `gc`. Returns whether it collected.
 */
export function collectScanGarbage(minHeapBytes = COLLECT_ABOVE_BYTES): boolean {
  if (getHeapStatistics().used_heap_size < minHeapBytes) return false;
  setFlagsFromString('--expose-gc');
  let gc: () => void;
  try {
    gc = runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  gc();
  return true;
}

async function loadOutputStages(flags: ScanFlags) {
  const [build, serialize, validate, enrichMod] = await Promise.all([
    import('../bom/build.js'),
    import('../bom/serialize.js'),
    import('../bom/validate.js'),
    import('../enrich/index.js'),
  ]);
  if (flags.format === 'xml') await serialize.loadXmlSerializer();
  else if (flags.validate) await validate.prepareJsonValidator(flags.specVersion);
  return { buildBom: build.buildBom, serializeBom: serialize.serializeBom, validateBomText: validate.validateBomText, validatorCodeCache: validate.validatorCodeCache, enrich: enrichMod.enrich };
}

/**
 * GitHub resolves SARIF paths from the repository root. CI runs at the
 * checkout root, so a scanned subfolder's paths get that folder as prefix;
 * a root outside the working directory gets none.
 */
export function repoPrefix(cwd: string, root: string): string | undefined {
  const rel = relative(cwd, root);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** GitHub rejects a whole upload over this many results. */
const GITHUB_MAX_RESULTS = 25_000;

export async function writeSarif(absPath: string, shown: string, input: SarifInput, log: Logger): Promise<void> {
  if (input.findings.length > GITHUB_MAX_RESULTS) {
    log.warn(`${shown}: ${input.findings.length} results; GitHub code scanning rejects uploads over ${GITHUB_MAX_RESULTS}`);
  }
  try {
    await writeFile(absPath, serializeSarif(toSarif(input)));
  } catch (err) {
    throw new MlbomError('IO', `cannot write ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** HF_HUB_OFFLINE follows huggingface_hub: 1, true, yes and on switch it on. */
function isTruthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}

/**
 * SOURCE_DATE_EPOCH per reproducible-builds.org: whole seconds since the
 * Unix epoch. A malformed value is a usage error, not something to guess at.
 */
export function parseSourceDateEpoch(raw: string | undefined): Date | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new MlbomError('USAGE', `SOURCE_DATE_EPOCH must be a whole number of seconds, got ${JSON.stringify(raw)}`);
  const d = new Date(Number(raw) * 1000);
  if (Number.isNaN(d.getTime())) throw new MlbomError('USAGE', `SOURCE_DATE_EPOCH is out of range: ${raw}`);
  return d;
}
