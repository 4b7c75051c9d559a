/**
 * xmlbuilder2's reader pops an element at any end tag, whatever its name:
 * `<a><b>1</c></a>` reads as `<a><b>1</b></a>`. A BOM whose tags do not
 * match is not well-formed XML (XML 1.0 §3, "element type match") and must
 * be refused, not guessed at, before xmlToJson reads it.
 */
import { MlbomError } from '../errors.js';

const NAME = /[^\s/>]+/y;

/** @throws {MlbomError} code INPUT naming the first end tag that does not match, or the first element left open. */
export function assertMatchingTags(text: string, shown: string): void {
  const open: string[] = [];
  let i = text.indexOf('<');
  while (i !== -1) {
    if (text.startsWith('<!--', i)) i = skipPast(text, i, '-->', shown);
    else if (text.startsWith('<![CDATA[', i)) i = skipPast(text, i, ']]>', shown);
    else if (text.startsWith('<?', i)) i = skipPast(text, i, '?>', shown);
    else if (text.startsWith('<!', i)) i = skipDeclaration(text, i, shown);
    else if (text.startsWith('</', i)) {
      const name = nameAt(text, i + 2);
      const end = text.indexOf('>', i);
      if (name === undefined || end === -1 || text.slice(i + 2 + name.length, end).trim() !== '') fail(text, i, shown, 'a malformed end tag');
      const expected = open.pop();
      if (expected !== name) fail(text, i, shown, expected === undefined ? `end tag </${name}> with no open element` : `end tag </${name}> where </${expected}> belongs`);
      i = end + 1;
    } else {
      const name = nameAt(text, i + 1);
      if (name === undefined) fail(text, i, shown, 'a malformed start tag');
      const end = tagEnd(text, i + 1 + name.length);
      if (end === -1) fail(text, i, shown, `an unterminated <${name}> tag`);
      if (text[end - 1] !== '/') open.push(name);
      i = end + 1;
    }
    i = text.indexOf('<', i);
  }
  if (open.length > 0) fail(text, text.length, shown, `<${open[open.length - 1] as string}> is never closed`);
}

function nameAt(text: string, at: number): string | undefined {
  NAME.lastIndex = at;
  return NAME.exec(text)?.[0];
}

/** The index of the `>` that ends a start tag, skipping quoted attribute values (which may hold `>`). */
function tagEnd(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === '>') return j;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, j + 1);
      if (close === -1) return -1;
      j = close;
    }
  }
  return -1;
}

function skipPast(text: string, at: number, terminator: string, shown: string): number {
  const end = text.indexOf(terminator, at);
  if (end === -1) fail(text, at, shown, `no closing ${terminator}`);
  return end + terminator.length;
}

/** `<!DOCTYPE …>`, with an internal subset in brackets when there is one. */
function skipDeclaration(text: string, at: number, shown: string): number {
  const bracket = text.indexOf('[', at);
  const gt = text.indexOf('>', at);
  if (gt === -1) fail(text, at, shown, 'an unterminated declaration');
  if (bracket !== -1 && bracket < gt) return skipPast(text, bracket, ']>', shown);
  return gt + 1;
}

function fail(text: string, at: number, shown: string, what: string): never {
  let line = 1;
  for (let j = text.indexOf('\n'); j !== -1 && j < at; j = text.indexOf('\n', j + 1)) line++;
  throw new MlbomError('INPUT', `${shown} is not well-formed XML (${what}, line ${line})`);
}
