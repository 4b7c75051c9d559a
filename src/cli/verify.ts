/** `mlbom verify BOM [DIR]` */
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Option, type Command } from 'commander';
import { defaultCacheDir } from '../enrich/cache.js';
import { EXIT, MlbomError } from '../errors.js';
import { serializeSarif, toSarif, type SarifAssetInfo } from '../report/sarif.js';
import { TOOL_VERSION } from '../version.js';
import { renderVerify, verify, type VerifyFormat, type VerifyResult } from '../verify/index.js';
import type { CliIo, Logger } from './io.js';
import { createProgress, type ProgressStream } from './progress.js';
import { readBomFile } from './validate.js';

interface VerifyFlags {
  format: VerifyFormat;
  output?: string;
  verbose?: boolean;
  strict?: boolean;
  sarif?: string;
  cacheDir?: string;
  cache: boolean;
  exclude?: string[];
  gitignore: boolean;
  /** Added to every command by cli/index.ts. */
  quiet?: boolean;
}

export function registerVerify(program: Command, io: CliIo, log: Logger, setExit: (code: number) => void): void {
  program
    .command('verify')
    .description('check the files in a folder against the SHA-256 hashes a BOM records')
    .argument('<bom>', 'the BOM (CycloneDX JSON or XML) to check against')
    .argument('[dir]', 'the folder the BOM was made from', '.')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--verbose', 'also list the files that match (text report)')
    .option('--strict', 'exit 1 on model files the BOM does not list, too')
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to this file')
    .option('--cache-dir <dir>', 'hash cache folder (default: $XDG_CACHE_HOME/mlbom)')
    .option('--no-cache', 'do not read or write the hash cache')
    .option('--exclude <glob...>', 'leave paths matching these globs (relative to dir) out of the search for unexpected files')
    .option('--no-gitignore', 'search what .gitignore files exclude for unexpected files, too (.mlbomignore still applies)')
    .action(async (bomFile: string, dir: string, flags: VerifyFlags) => {
      const text = await readBomFile(resolve(io.cwd, bomFile), bomFile);
      // A status line only on a terminal; -q silences it with the warnings.
      const progress = createProgress(io.stderr as ProgressStream, { enabled: flags.quiet !== true });
      let result: VerifyResult;
      try {
        result = await verify(text, resolve(io.cwd, dir), {
          strict: flags.strict === true,
          exclude: flags.exclude,
          gitignore: flags.gitignore,
          cacheDir: flags.cache ? resolve(io.cwd, flags.cacheDir ?? defaultCacheDir(io.env, io.env['HOME'] ?? homedir())) : false,
          bomName: bomFile,
          onIssue: (i) => {
            progress.clear();
            log.issue(i);
          },
          onProgress: (p) => progress.update({ phase: 'hash', filesDiscovered: p.filesTotal, ...p }),
        });
      } finally {
        progress.done();
      }
      const report = renderVerify(result, flags.format, { verbose: flags.verbose === true });
      if (flags.output !== undefined) await writeOut(resolve(io.cwd, flags.output), flags.output, report);
      else io.stdout.write(report);
      if (flags.sarif !== undefined) await writeOut(resolve(io.cwd, flags.sarif), flags.sarif, sarifText(result, resolve(io.cwd, dir), io.cwd));
      log.debug(`${result.counts.recorded} recorded file(s) checked, ${result.counts.unexpected} unexpected`);
      if (!result.passed) {
        log.error(failureLine(result));
        setExit(EXIT.FAILED);
        return;
      }
      setExit(EXIT.OK);
    });
}

function failureLine(r: VerifyResult): string {
  const c = r.counts;
  const parts = [`${c.modified} modified`, `${c.missing} missing`, `${c.unreadable} unreadable`];
  if (r.strict) parts.push(`${c.unexpected} unexpected (--strict)`);
  return `verify failed: ${parts.join(', ')}`;
}

async function writeOut(abs: string, shown: string, text: string): Promise<void> {
  try {
    await writeFile(abs, text);
  } catch (err) {
    throw new MlbomError('IO', `cannot write ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * The findings as SARIF. Paths in the log are relative to DIR, prefixed
 * with DIR's path from the working directory when DIR is inside it, since
 * GitHub resolves every uri against the checkout root (where CI runs).
 */
function sarifText(r: VerifyResult, absDir: string, cwd: string): string {
  const assets = new Map<string, SarifAssetInfo>();
  for (const f of r.files) {
    for (const c of f.components) if (c.bomRef !== undefined && !assets.has(c.bomRef)) assets.set(c.bomRef, { name: c.name, kind: 'file', path: f.path });
    if (f.components.length === 0) assets.set(`file:${f.path}`, { name: f.path.slice(f.path.lastIndexOf('/') + 1), kind: 'file', path: f.path });
  }
  const rel = relative(cwd, absDir).split(sep).join('/');
  const inside = rel !== '' && rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel);
  return serializeSarif(toSarif({ findings: r.findings, toolVersion: TOOL_VERSION, assets, category: 'mlbom/verify', ...(inside ? { pathPrefix: rel } : {}) }));
}
