/** `mlbom diff OLD NEW` */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT, MlbomError } from '../errors.js';
import { diffBoms, evaluateGates, gateLabel, parseBomText, parseGates, renderDiff, type DiffFormat, type Gate } from '../diff/index.js';
import type { CliIo, Logger } from './io.js';
import { readBomFile } from './validate.js';

interface DiffFlags {
  format: DiffFormat | 'md';
  output?: string;
  failOn?: string;
  color?: boolean;
}

export function registerDiff(program: Command, io: CliIo, log: Logger, setExit: (code: number) => void): void {
  program
    .command('diff')
    .description('compare two CycloneDX BOMs (JSON or XML) and report what changed in the AI supply chain')
    .argument('<old>', 'the earlier BOM')
    .argument('<new>', 'the later BOM')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'markdown', 'md', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--fail-on <rules>', 'exit 1 when a rule matches: added, removed, model-changed, hash-changed, integrity, license-changed, dataset-changed, metric-regressed[:THRESHOLD], new-service, new-pickle, finding-added, any')
    .option('--color', 'colour the text report even when stdout is not a terminal (NO_COLOR wins)')
    .option('--no-color', 'never colour the text report')
    .action(async (oldFile: string, newFile: string, flags: DiffFlags) => {
      // Rules first: a typo in --fail-on must not pass silently after a long load.
      const gates: Gate[] = flags.failOn !== undefined ? parseGates(flags.failOn) : [];
      const oldBom = parseBomText(await readBomFile(resolve(io.cwd, oldFile), oldFile), oldFile);
      const newBom = parseBomText(await readBomFile(resolve(io.cwd, newFile), newFile), newFile);
      const result = diffBoms(oldBom, newBom);
      // Colour by default only on a terminal, as most CLIs do; NO_COLOR and -o always turn it off.
      const tty = (io.stdout as { isTTY?: boolean }).isTTY === true;
      const color = (flags.color ?? tty) && (io.env.NO_COLOR ?? '') === '' && flags.output === undefined;
      const text = renderDiff(result, flags.format === 'md' ? 'markdown' : flags.format, { color });
      if (flags.output !== undefined) {
        try {
          await writeFile(resolve(io.cwd, flags.output), text);
        } catch (err) {
          throw new MlbomError('IO', `cannot write ${flags.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      } else io.stdout.write(text);
      const hits = evaluateGates(gates, result.changes);
      for (const h of hits) log.warn(`--fail-on ${gateLabel(h.gate)}: ${h.change.kind} ${h.change.name}${h.change.field !== null ? ` ${h.change.field}` : ''}`);
      setExit(hits.length > 0 ? EXIT.FAILED : EXIT.OK);
    });
}
