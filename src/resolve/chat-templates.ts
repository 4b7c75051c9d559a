/**
 * Chat templates are prompts too: the template a model ships with decides
 * how every conversation is framed. Each becomes a prompt asset, hashed,
 * with its variables, that targets its model.
 */
import { jinjaVariables } from '../scanners/prompt-files/jinja.js';
import type { Asset, Relationship } from '../types.js';
import type { FoundTemplate } from './group.js';

/** Files that are nothing but a template: prompt-files reads them too, under the plain `prompt:<path>` id. */
const TEMPLATE_FILES = /(^|\/)chat_template\.(jinja|json)$/;

export function chatTemplatePrompts(templates: readonly FoundTemplate[]): { assets: Asset[]; relationships: Relationship[] } {
  const assets: Asset[] = [];
  const relationships: Relationship[] = [];
  for (const t of templates) {
    const id = TEMPLATE_FILES.test(t.path) ? `prompt:${t.path}` : `prompt:${t.path}#chat_template`;
    const file = t.path.slice(t.path.lastIndexOf('/') + 1);
    assets.push({
      id,
      kind: 'prompt',
      name: `chat template of ${file}`,
      scanners: ['chat-template'],
      locations: [{ path: t.path }],
      files: [],
      props: {},
      model: {},
      parsed: true,
      confidence: 1,
      prompt: { format: 'chat-template', variables: jinjaVariables(t.source), sha256: t.sha256 },
    });
    relationships.push({ from: id, to: t.modelId, type: 'targets' });
  }
  return { assets, relationships };
}
