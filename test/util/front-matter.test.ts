import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrontMatter } from '../../src/util/front-matter.js';

test('parses front matter and returns the body after it', () => {
  const fm = parseFrontMatter('---\nlicense: mit\ntags:\n- a\n- b\n---\n# Title\n\nBody.\n');
  assert.deepEqual(fm.data, { license: 'mit', tags: ['a', 'b'] });
  assert.equal(fm.body, '# Title\n\nBody.\n');
  assert.equal(fm.error, undefined);
});

test('accepts CRLF line endings', () => {
  const fm = parseFrontMatter('---\r\nlicense: apache-2.0\r\nlanguage:\r\n- en\r\n---\r\n# Title\r\n');
  assert.deepEqual(fm.data, { license: 'apache-2.0', language: ['en'] });
  assert.equal(fm.body, '# Title\r\n');
});

test('accepts a leading BOM', () => {
  const fm = parseFrontMatter('\uFEFF---\nlicense: mit\n---\nhello\n');
  assert.deepEqual(fm.data, { license: 'mit' });
  assert.equal(fm.body, 'hello\n');
});

test('text without front matter is all body, no error', () => {
  const fm = parseFrontMatter('# Just a readme\n\n---\n\nwith a rule\n');
  assert.equal(fm.data, undefined);
  assert.equal(fm.error, undefined);
  assert.equal(fm.body, '# Just a readme\n\n---\n\nwith a rule\n');
});

test('empty front matter is an empty mapping', () => {
  assert.deepEqual(parseFrontMatter('---\n---\nbody').data, {});
});

test('an unclosed block is an error and the whole text stays body', () => {
  const fm = parseFrontMatter('---\nlicense: mit\n');
  assert.equal(fm.data, undefined);
  assert.equal(fm.error, 'front matter has no closing ---');
  assert.equal(fm.body, '---\nlicense: mit\n');
});

test('a YAML alias bomb errors quickly instead of expanding', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const started = Date.now();
  const fm = parseFrontMatter(`---\n${lines.join('\n')}\n---\nbody\n`);
  assert.ok(Date.now() - started < 2000, 'took too long');
  assert.equal(fm.data, undefined);
  assert.match(fm.error ?? '', /^invalid yaml: .*alias/i);
  assert.equal(fm.body, 'body\n');
});

test('non-mapping YAML is an error', () => {
  assert.equal(parseFrontMatter('---\n- a\n- b\n---\n').error, 'front matter is a list, not a mapping');
  assert.equal(parseFrontMatter('---\njust a string\n---\n').error, 'front matter is a string, not a mapping');
  assert.equal(parseFrontMatter('---\n42\n---\n').error, 'front matter is a number, not a mapping');
});

test('broken YAML is an error, never a throw', () => {
  const fm = parseFrontMatter('---\nlicense: [mit\ntags: {\n---\nbody\n');
  assert.equal(fm.data, undefined);
  assert.match(fm.error ?? '', /^invalid yaml: /);
  assert.equal(fm.body, 'body\n');
});

test('duplicate keys are an error', () => {
  assert.match(parseFrontMatter('---\nlicense: mit\nlicense: apache-2.0\n---\n').error ?? '', /^invalid yaml: .*unique/i);
});

test('YAML 1.1 booleans and dates stay strings (core schema)', () => {
  assert.deepEqual(parseFrontMatter('---\nlanguage: no\ndate: 2024-01-02\n---\n').data, { language: 'no', date: '2024-01-02' });
});

test('deep nesting is refused before the yaml composer can exhaust the stack', () => {
  // Without the guard, this sequence aborted the process (V8 fatal error).
  for (const n of [1000, 100000]) {
    const fm = parseFrontMatter(`---\na: ${'['.repeat(n)}${']'.repeat(n)}\n---\nbody\n`);
    assert.equal(fm.error, 'front matter nests deeper than 100 levels');
  }
  assert.equal(parseFrontMatter(`---\n${'- '.repeat(5000)}x\n---\n`).error, 'front matter nests deeper than 100 levels');
  let indented = '';
  for (let i = 0; i < 150; i++) indented += `${' '.repeat(i)}k:\n`;
  assert.equal(parseFrontMatter(`---\n${indented}---\n`).error, 'front matter nests deeper than 100 levels');
});

test('brackets inside quoted scalars do not count as nesting', () => {
  const fm = parseFrontMatter(`---\nwidget: "${'['.repeat(500)}"\nother: '${'{'.repeat(500)}'\n---\n`);
  assert.equal(fm.error, undefined);
  assert.equal((fm.data?.widget as string).length, 500);
});

test('a front matter over the size cap is refused without parsing', () => {
  const fm = parseFrontMatter(`---\nx: "${'a'.repeat(3_000_000)}"\n---\nbody`);
  assert.equal(fm.error, 'front matter of 3000006 chars exceeds 1048576');
  assert.equal(fm.body, 'body');
});
