import assert from 'node:assert/strict';
import type { FileScan } from '../../src/types.js';

/** An assertion that a scan has `format`, is not parsed, and has a reason that includes the given text. */
export function unparsedAsserter(format: string): (s: FileScan, reason: string) => void {
  return (s, reason) => {
    assert.equal(s.format, format);
    assert.equal(s.parsed, false);
    assert.ok(s.reason?.includes(reason), `reason ${JSON.stringify(s.reason)} should include ${JSON.stringify(reason)}`);
  };
}
