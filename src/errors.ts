/**
 * Named errors with stable codes. Only usage, I/O and network failures are
 * errors; bad content in scanned files is an Issue, never an exception.
 */
export type MlbomErrorCode = 'USAGE' | 'INPUT' | 'IO' | 'NOT_A_BOM' | 'INTERNAL';

export class MlbomError extends Error {
  readonly code: MlbomErrorCode;

  constructor(code: MlbomErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MlbomError';
    this.code = code;
  }
}

/** Exit codes shared by every command. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;
