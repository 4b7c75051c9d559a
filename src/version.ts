/** mlbom's own name and version, read once from package.json. */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    // dist/src/version.js → ../../package.json
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const TOOL_NAME = 'mlbom';
export const TOOL_VERSION = readVersion();
