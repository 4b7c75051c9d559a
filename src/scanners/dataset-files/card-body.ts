/**
 * The prose of a dataset card: its title and the first real paragraph.
 * Card templates: https://github.com/huggingface/huggingface_hub/blob/main/src/huggingface_hub/templates/datasetcard_template.md
 * (current) and the older `## Table of Contents` … `### Dataset Summary` layout.
 */
import { looksLikeSecret } from '../../util/secrets.js';

/** CycloneDX `data[].contents` is a summary, not a copy of the card. */
export const MAX_CONTENTS_CHARS = 500;

/** Paragraphs the templates leave behind when the author filled nothing in. */
const PLACEHOLDER = /^(?:\[more information needed\]|more information needed|\[needs more information\]|this dataset card aims to be a base template for new datasets\b)/i;

/**
 * The first prose paragraph after the H1 (from the top when there is none),
 * skipping headings, lists, tables, quotes, HTML, badges, code and template
 * placeholders, joined into one line and capped.
 */
export function cardContents(body: string): string | undefined {
  const lines = body.split(/\r?\n/);
  const h1 = lines.findIndex((line) => /^#\s/.test(line));
  let paragraph: string[] = [];
  let inFence = false;
  let inComment = false;
  let inList = false;
  for (const line of lines.slice(h1 + 1)) {
    const trimmed = line.trim();
    const fence = /^(```|~~~)/.test(trimmed);
    if (fence) inFence = !inFence;
    if (!fence && !inFence && (inComment || trimmed.startsWith('<!--'))) {
      inComment = !trimmed.includes('-->');
      continue;
    }
    if (isListItem(trimmed)) inList = true;
    else if (trimmed === '' || !/^\s/.test(line)) inList = false;
    const skip = fence || inFence || inList || isDecoration(trimmed);
    if (!skip && trimmed !== '') {
      paragraph.push(trimmed);
      continue;
    }
    if (paragraph.length === 0) continue;
    const text = finish(paragraph);
    if (text !== undefined) return text;
    paragraph = [];
  }
  return finish(paragraph);
}

/** `# Dataset Card for "squad"` → `squad`. */
export function cardTitle(body: string): string | undefined {
  const h1 = /^#\s+(.+?)\s*#*\s*$/m.exec(body)?.[1];
  if (h1 === undefined) return undefined;
  const title = h1
    .replace(/^dataset card for\s+/i, '')
    // Curly quotes as escapes: one non-ASCII character made V8 hold the whole bundled chunk as UTF-16 (scripts/bundle.mjs).
    .replace(/^["'`\u201c]+|["'`\u201d]+$/g, '')
    .trim();
  return title === '' || looksLikeSecret(title) ? undefined : title;
}

function finish(paragraph: string[]): string | undefined {
  const joined = plain(paragraph.join(' '));
  if (joined === '' || PLACEHOLDER.test(joined) || looksLikeSecret(joined)) return undefined;
  const chars = Array.from(joined);
  return chars.length <= MAX_CONTENTS_CHARS ? joined : `${chars.slice(0, MAX_CONTENTS_CHARS - 1).join('').trimEnd()}…`;
}

/** Markdown links to their text, emphasis markers dropped, whitespace collapsed. */
function plain(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}

function isListItem(line: string): boolean {
  return /^(?:[-*+]|\d{1,3}[.)])\s/.test(line);
}

function isDecoration(line: string): boolean {
  if (/^#{1,6}\s/.test(line)) return true; // heading
  if (line.startsWith('<')) return true; // HTML block: images, centred divs
  if (line.startsWith('>')) return true; // quote or admonition
  if (/^(?:\[!\[|!\[)/.test(line)) return true; // image or badge
  if (/^(?:-{3,}|\*{3,}|_{3,}|={3,})$/.test(line)) return true; // rule or setext underline
  return line.startsWith('|'); // table
}
