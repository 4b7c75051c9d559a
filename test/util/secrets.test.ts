import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  credentialFreeEndpoint,
  looksLikeSecret,
  looksLikeSecretValue,
  secretProvider,
  stripShorthandCredentials,
  stripUrlCredentials,
} from '../../src/util/secrets.js';

const TOKENS: ReadonlyArray<readonly [string, string]> = [
  ['sk-proj-abcdefghijklmnop', 'openai'],
  ['sk-ant-abcdefghijklmnopqrstu', 'anthropic'],
  [`hf_${'a'.repeat(20)}`, 'huggingface-inference'],
  ['AKIAABCDEFGHIJKLMNOP', 'aws-bedrock'],
  ['ASIAABCDEFGHIJKLMNOP', 'aws-bedrock'],
  [`AIza${'A'.repeat(35)}`, 'google-gemini'],
  [`gsk_${'a'.repeat(40)}`, 'groq'],
  [`ghp_${'a'.repeat(36)}`, 'unknown'],
  [`github_pat_${'a'.repeat(30)}`, 'unknown'],
  ['xoxb-1234567890', 'unknown'],
  ['-----BEGIN RSA PRIVATE KEY-----', 'unknown'],
];

describe('secret-shaped strings', () => {
  it('finds every vendor token shape anywhere in free text, with the provider it belongs to', () => {
    for (const [token, provider] of TOKENS) {
      for (const text of [token, `key: ${token}`, `x_${token} tail`, `"${token}"`]) {
        assert.equal(looksLikeSecret(text), true, text);
        assert.equal(secretProvider(text), provider, text);
        assert.equal(looksLikeSecretValue(text), true, text);
      }
    }
  });

  it('leaves ordinary text and ids alone', () => {
    for (const text of ['meta-llama/Llama-3.1-8B', 'gpt-4o', 'a key-value store', 'pk_id', 'task-abcdefghijklmnopqrstu', 'the sk- prefix', 'hf_short']) {
      assert.equal(looksLikeSecret(text), false, text);
      assert.equal(secretProvider(text), undefined, text);
    }
  });

  it('treats key prefixes and long opaque tokens as secrets only in whole values', () => {
    for (const value of ['sk-x', 'sk_live_1', 'pk_test_1', 'rk_1', 'glpat-x', 'key-1', 'Bearer abc', 'ABCdef0123456789ABCdef0123456789ABCdef0123']) {
      assert.equal(looksLikeSecretValue(value), true, value);
      assert.equal(looksLikeSecret(value), false, value);
    }
    for (const value of ['meta-llama/Llama-3.1-8B', 'gpt-4o', 'text-embedding-3-small', 'a'.repeat(50)]) assert.equal(looksLikeSecretValue(value), false, value);
  });
});

describe('URLs without credentials', () => {
  it('strips userinfo, query, fragment and anaconda tokens from manifest URLs, as written', () => {
    assert.equal(stripUrlCredentials('https://user:pw@Host.example/simple/?token=x#frag'), 'https://Host.example/simple/');
    assert.equal(stripUrlCredentials('git+ssh://git@github.com/o/r.git'), 'git+ssh://git@github.com/o/r.git');
    assert.equal(stripUrlCredentials('https://conda.anaconda.org/t/tk-1/private/'), 'https://conda.anaconda.org/private/');
    assert.equal(stripUrlCredentials('github:o/r'), undefined);
  });

  it('strips userinfo from npm hosted shorthand', () => {
    assert.equal(stripShorthandCredentials('github:user:tok@org/repo'), 'github:org/repo');
    assert.equal(stripShorthandCredentials('github:org/repo'), 'github:org/repo');
  });

  it('records an API endpoint as scheme, host and path only', () => {
    assert.equal(credentialFreeEndpoint(new URL('https://u:p@API.example.com:443/v1//?key=x#f')), 'https://api.example.com/v1');
    assert.equal(credentialFreeEndpoint(new URL('http://localhost:11434/')), 'http://localhost:11434');
  });
});
