import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixturePath, runCli, schemaErrors } from './helpers.js';

/**
 * fixtures/secrets-project holds fake credentials in code, config, .env files
 * and manifest URLs; every one contains SECRETVALUE. None may reach any output.
 */
describe('secrets never reach the output', () => {
  for (const format of ['json', 'xml']) {
    it(`finds the assets but writes no secret value (${format})`, async () => {
      const { code, stdout, stderr } = await runCli(['scan', fixturePath('secrets-project'), '--reproducible', '--format', format], {
        env: { HF_TOKEN: 'hf_SECRETVALUE0000000000000000000000000' },
      });
      assert.equal(code, 0, stderr);
      assert.deepEqual(await schemaErrors(stdout), []);
      assert.ok(!stdout.includes('SECRETVALUE'), 'a secret reached stdout');
      assert.ok(!stderr.includes('SECRETVALUE'), 'a secret reached stderr');
      // The scan still sees what the secrets were for.
      for (const ref of ['service:openai', 'service:anthropic', 'model:openai:gpt-4o', 'model:hf:org/private-model', 'package:pypi:openai']) {
        assert.ok(stdout.includes(ref), `${ref} missing`);
      }
    });
  }
});
