/** The CLI's streams and its stderr logger: stdout is for the artifact only. */
import type { Finding, Issue } from '../types.js';

export interface Writable {
  write(chunk: string): unknown;
}

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Called once when a scan's walk found a large tree, before any file is
   * parsed (cli/scan.ts). `bin/mlbom.js` tunes V8's collector for it there;
   * an in-process caller (a test) leaves its own process alone.
   */
  readonly tuneForLargeScan?: () => void;
}

export interface Logger {
  warn(message: string): void;
  issue(issue: Issue): void;
  /** A risk finding, one line: `mlbom: finding: [severity] rule: message`. */
  finding(finding: Finding): void;
  error(message: string): void;
  debug(message: string): void;
}

/**
 * Collapse a message to one line: a warning is one line of stderr. Other
 * control characters become `?`: messages quote file names and strings from
 * scanned files (a pickle's global names), which could otherwise move the
 * cursor or rewrite a CI log.
 */
export function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '?').trim();
}

export function createLogger(io: CliIo, opts: { quiet: boolean; debug: boolean }): Logger {
  return {
    warn: (m) => {
      if (!opts.quiet) io.stderr.write(`mlbom: warning: ${oneLine(m)}\n`);
    },
    issue: (i) => {
      if (!opts.quiet) io.stderr.write(`mlbom: warning: ${oneLine(i.path)}: ${oneLine(i.message)} [${i.scanner}]\n`);
    },
    finding: (f) => {
      if (!opts.quiet) io.stderr.write(`mlbom: finding: [${f.severity}] ${f.rule}: ${oneLine(f.message)}\n`);
    },
    error: (m) => io.stderr.write(`mlbom: error: ${oneLine(m)}\n`),
    debug: (m) => {
      if (opts.debug) io.stderr.write(`mlbom: debug: ${oneLine(m)}\n`);
    },
  };
}
