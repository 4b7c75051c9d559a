/** `mlbom validate FILE` */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { validateBomText } from '../bom/validate.js';
import { EXIT, MlbomError } from '../errors.js';
import type { CliIo, Logger } from './io.js';

/** BOMs larger than this are refused rather than read into memory. */
const MAX_BOM_BYTES = 512 * 1024 * 1024;

export function registerValidate(program: Command, io: CliIo, log: Logger, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('validate a CycloneDX JSON or XML file against the official schema of its spec version')
    .argument('<file>', 'BOM file to validate')
    .action(async (file: string) => {
      const text = await readBomFile(resolve(io.cwd, file), file);
      const result = await validateBomText(text);
      const what = `CycloneDX ${result.specVersion} ${result.format.toUpperCase()}`;
      if (result.valid) {
        io.stdout.write(`${file}: valid ${what}\n`);
        setExit(EXIT.OK);
        return;
      }
      io.stdout.write(`${file}: invalid ${what}\n`);
      for (const e of result.errors) io.stdout.write(`  ${e}\n`);
      log.debug(`${result.errors.length} schema error(s)`);
      setExit(EXIT.FAILED);
    });
}

export async function readBomFile(abs: string, shown: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(abs);
  } catch (err) {
    throw new MlbomError('INPUT', `cannot read ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (buf.length > MAX_BOM_BYTES) throw new MlbomError('INPUT', `${shown} is larger than ${MAX_BOM_BYTES} bytes`);
  return buf.toString('utf8');
}
