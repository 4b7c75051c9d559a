import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isYamlTooDeep, MAX_YAML_NESTING, parseYamlValue, yamlNestingDepth } from '../../src/util/yaml-safe.js';

describe('yaml nesting guard', () => {
  it('counts flow brackets, indentation and block indicators', () => {
    assert.equal(yamlNestingDepth('a: 1\n'), 1);
    assert.equal(yamlNestingDepth('a: [[[x]]]\n'), 4);
    assert.equal(yamlNestingDepth('a:\n    b: 1\n'), 5);
    assert.equal(yamlNestingDepth('- - - x\n'), 3);
  });

  it('does not count brackets inside quoted scalars or comments', () => {
    assert.equal(yamlNestingDepth(`a: "${'['.repeat(500)}"\n# ${'{'.repeat(500)}\n`), 1);
  });

  it('refuses documents deeper than the cap, and stops counting past it', () => {
    const deep = `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    assert.equal(isYamlTooDeep(deep), true);
    assert.equal(yamlNestingDepth(deep), MAX_YAML_NESTING + 1);
    assert.equal(isYamlTooDeep(`- ${'['.repeat(MAX_YAML_NESTING - 2)}x${']'.repeat(MAX_YAML_NESTING - 2)}\n`), false);
    assert.equal(isYamlTooDeep('a: [[[[x]]]]\n', 4), true);
    assert.equal(isYamlTooDeep('a: [[[x]]]\n', 4), false);
  });

  it('parses a value under the guards without quoting the document in errors', () => {
    assert.deepEqual(parseYamlValue('a: [1, 2]\n'), { value: { a: [1, 2] } });
    assert.deepEqual(parseYamlValue(`a: ${'['.repeat(200)}`), { error: `yaml nests deeper than ${MAX_YAML_NESTING} levels` });
    const message = parseYamlValue('a: b: sk-SECRETVALUE\n').error ?? '';
    assert.ok(message.startsWith('invalid yaml ('), message);
    assert.equal(message.includes('SECRETVALUE'), false);
  });
});
