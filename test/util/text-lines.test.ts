import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeRegExp, findJsonObjectKey, LineIndex, lineOfOffset } from '../../src/util/text-lines.js';

describe('text lines', () => {
  const text = 'a\nbb\n\nccc\n';

  it('maps offsets to 1-based lines, one lookup or many', () => {
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length + 2; offset++) {
      const expected = text.slice(0, offset).split('\n').length;
      assert.equal(index.lineAt(offset), expected, `offset ${offset}`);
      assert.equal(lineOfOffset(text, offset), expected, `offset ${offset}`);
    }
  });

  it('escapes RegExp syntax, slash included', () => {
    const literal = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o/p';
    assert.equal(new RegExp(`^${escapeRegExp(literal)}$`).test(literal), true);
  });

  it('finds an object-valued JSON key, skipping string uses of the same name', () => {
    const json = '{\n  "extras": ["x"],\n  "x": "1",\n  "deps": {\n    "x": { "v": 1 }\n  }\n}';
    assert.equal(new LineIndex(json).lineAt(findJsonObjectKey(json, 'x', 0)), 5);
    assert.equal(findJsonObjectKey(json, 'missing', 0), -1);
  });
});
