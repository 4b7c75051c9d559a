/**
 * Commander wiring only: flags → options → library call → exit code.
 * `run()` never calls process.exit and takes its streams, so tests drive
 * the CLI in-process.
 */
import { Command, CommanderError, Option } from 'commander';
import { MlbomError, EXIT } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { createLogger, type CliIo } from './io.js';
import { registerScan } from './scan.js';
import { registerCard } from './card.js';
import { registerDiff } from './diff.js';
import { registerValidate } from './validate.js';

export type { CliIo } from './io.js';

/** Run the CLI with `argv` (without the node and script entries). Resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const debug = argv.includes('--debug');
  const log = createLogger(io, { quiet: argv.includes('-q') || argv.includes('--quiet'), debug });
  let exitCode: number = EXIT.OK;
  const program = new Command('mlbom')
    .description('Inventory the AI assets of a repository as a CycloneDX ML-BOM.')
    .version(TOOL_VERSION, '-V, --version')
    .exitOverride()
    // Program options only before the command, so `scan --version 1.2` sets the root component's version.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // One line for usage errors; commander's own text already says what is wrong.
      outputError: (s, write) => write(s.endsWith('\n') ? s : `${s}\n`),
    });
  const setExit = (code: number): void => {
    exitCode = code;
  };
  registerScan(program, io, log, setExit);
  registerValidate(program, io, log, setExit);
  registerCard(program, io, log, setExit);
  registerDiff(program, io, log, setExit);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    cmd.addOption(new Option('-q, --quiet', 'print no warnings'));
    cmd.addOption(new Option('--debug', 'print stack traces and debug detail on stderr'));
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof MlbomError) {
      log.error(err.message);
      if (debug && err.stack !== undefined) io.stderr.write(`${err.stack}\n`);
      return err.code === 'INTERNAL' ? EXIT.FAILED : EXIT.USAGE;
    }
    log.error(`unexpected error: ${(err as Error).message ?? String(err)}`);
    if (debug && (err as Error).stack !== undefined) io.stderr.write(`${(err as Error).stack}\n`);
    return EXIT.FAILED;
  }
}
