/** The one check `scan` and `verify` make of the folder they were given. */
import { stat } from 'node:fs/promises';
import { MlbomError } from '../errors.js';

/**
 * @param what the command's verb, for the message (`cannot scan …`).
 * @throws {MlbomError} code INPUT when `absPath` is missing, unreadable or not a directory.
 */
export async function assertDirectory(absPath: string, what: string, shown: string = absPath): Promise<void> {
  let isDir = false;
  try {
    isDir = (await stat(absPath)).isDirectory();
  } catch (err) {
    throw new MlbomError('INPUT', `cannot ${what} ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!isDir) throw new MlbomError('INPUT', `cannot ${what} ${shown}: not a directory`);
}
