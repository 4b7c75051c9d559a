/**
 * Commander wiring only: flags → options → library call → exit code.
 * `run()` never calls process.exit and takes its streams, so tests drive
 * the CLI in-process.
 */
import { Command, CommanderError, Option } from 'commander';
import { MlbomError, EXIT } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { createLogger, type CliIo, type Logger } from './io.js';

export type { CliIo } from './io.js';

type Register = (program: Command, io: CliIo, log: Logger, setExit: (code: number) => void) => void;

/** Each command's module, loaded on demand: the libraries behind them (CycloneDX, undici, the scanners) take most of a cold start. */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['scan', async () => (await import('./scan.js')).registerScan],
  ['validate', async () => (await import('./validate.js')).registerValidate],
  ['card', async () => (await import('./card.js')).registerCard],
  ['diff', async () => (await import('./diff.js')).registerDiff],
  ['verify', async () => (await import('./verify.js')).registerVerify],
];

/** Only the named command's module when argv names one; all of them for help, a typo or no command. */
async function commandModules(argv: readonly string[]): Promise<Register[]> {
  const first = argv[0];
  if (first === '-V' || first === '--version') return [];
  const named = COMMANDS.find(([name]) => name === first);
  const wanted = named === undefined ? COMMANDS : [named];
  return Promise.all(wanted.map(async ([, load]) => load()));
}

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
  for (const register of await commandModules(argv)) register(program, io, log, setExit);
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
