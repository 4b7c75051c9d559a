import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Asset, SourceScan } from '../../src/types.js';
import {
  fstringVariables,
  handlebarsVariables,
  jinjaVariables,
  mustacheVariables,
  scanner,
  textVariables,
} from '../../src/scanners/prompt-files/index.js';
import { fixturePath } from '../helpers.js';

const fixture = (...parts: string[]) => fixturePath('scanners', 'prompt-files', ...parts);

function scanFile(path: string): { scan: SourceScan; text: string } {
  assert.ok(scanner.claims(path), `${path} should be claimed`);
  const text = readFileSync(fixture(...path.split('/')), 'utf8');
  return { scan: scanner.scan(text, { path, exists: () => false }) as SourceScan, text };
}

function scanText(path: string, text: string): SourceScan {
  return scanner.scan(text, { path, exists: () => false }) as SourceScan;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function promptOf(s: SourceScan): Asset {
  const p = s.assets.find((a) => a.kind === 'prompt');
  assert.ok(p !== undefined, 'a prompt asset');
  return p;
}

describe('prompt-files scanner', () => {
  it('claims prompt formats anywhere, templates only in prompts folders, chat templates by name', () => {
    assert.equal(scanner.name, 'prompt-files');
    const yes = [
      'prompts/story.prompt', 'src/chat.prompty', '.github/prompts/summarize.prompt.yml', 'eval/x.prompt.yaml', 'a/b.prompt.json',
      'langchain/prompts/qa.json', 'app/prompts/chat.yaml', 'app/prompt/x.yml', 'templates/prompts/deep/a.j2', 'app/prompts/s.txt',
      'app/prompts/e.md', 'prompts/a.jinja', 'prompts/a.jinja2', 'prompts/a.mustache', 'prompts/a.hbs',
      'chat_template.jinja', 'models/m/chat_template.json', 'models/m/additional_chat_templates/rag.jinja',
      'plugins/Writer/Poem/skprompt.txt',
    ];
    const no = [
      'app/notes.txt', 'app/prompts/README.md', 'prompts/readme.md', 'prompts/CHANGELOG.md', 'prompts/run.py', 'config.yaml',
      'settings.json', 'models/m/tokenizer_config.json', 'node_modules/x/prompts/a.txt', 'vendor/p/x.prompt', 'templates/page.j2',
      'docs/guide.md',
    ];
    for (const p of yes) assert.equal(scanner.claims(p), true, p);
    for (const p of no) assert.equal(scanner.claims(p), false, p);
  });

  it('reads a dotprompt file: model, schema and body variables, roles, target model', () => {
    const { scan, text } = scanFile('genkit-app/prompts/story.prompt');
    const p = promptOf(scan);
    assert.equal(p.id, 'prompt:genkit-app/prompts/story.prompt');
    assert.equal(p.kind, 'prompt');
    assert.equal(p.name, 'story.prompt');
    assert.deepEqual(p.scanners, ['prompt-files']);
    assert.deepEqual(p.locations, [{ path: 'genkit-app/prompts/story.prompt' }]);
    assert.deepEqual(p.files, [{ path: 'genkit-app/prompts/story.prompt', size: Buffer.byteLength(text), role: 'template' }]);
    assert.deepEqual(p.prompt, {
      format: 'dotprompt',
      variables: ['audience', 'characters', 'length', 'topic'],
      model: 'googleai/gemini-1.5-pro',
      sha256: sha256(text),
    });
    assert.deepEqual(p.props, { template_format: 'handlebars', message_count: 2, declared_model: 'googleai/gemini-1.5-pro' });
    assert.equal(p.confidence, 0.95);
    const m = scan.assets.find((a) => a.id === 'model:google-gemini:gemini-1.5-pro');
    assert.ok(m !== undefined);
    assert.equal(m.group, 'google-gemini');
    assert.equal(m.name, 'gemini-1.5-pro');
    assert.deepEqual(m.locations, [{ path: 'genkit-app/prompts/story.prompt', line: 2 }]);
    assert.deepEqual(scan.relationships, [{ from: p.id, to: 'model:google-gemini:gemini-1.5-pro', type: 'targets' }]);
    assert.deepEqual(scan.issues, []);
    assert.ok(!JSON.stringify(scan).includes('storyteller'), 'prompt text is not embedded');
  });

  it('reads dotprompt JSON-schema input, partials and malformed front matter', () => {
    const classify = scanFile('genkit-app/prompts/classify.prompt').scan;
    assert.deepEqual(promptOf(classify).prompt?.variables, ['ticket']);
    assert.deepEqual(classify.assets.map((a) => a.id), ['prompt:genkit-app/prompts/classify.prompt', 'model:openai:gpt-4o-mini']);

    const partial = scanFile('genkit-app/prompts/_story_footer.prompt').scan;
    assert.deepEqual(promptOf(partial).prompt?.variables, ['style']);
    assert.equal(promptOf(partial).prompt?.model, undefined);
    assert.deepEqual(partial.relationships, []);

    const broken = scanFile('genkit-app/prompts/broken.prompt').scan;
    assert.deepEqual(broken.issues, [{ path: 'genkit-app/prompts/broken.prompt', scanner: 'prompt-files', message: 'malformed front matter: invalid yaml' }]);
    assert.deepEqual(promptOf(broken).prompt?.variables, ['language', 'text']);
    assert.deepEqual(broken.relationships, [{ from: 'prompt:genkit-app/prompts/broken.prompt', to: 'model:google-vertex:gemini-1.5-flash', type: 'targets' }]);
  });

  it('reads a .prompty file: Azure deployment, inputs and Jinja body', () => {
    const { scan } = scanFile('prompty/chat.prompty');
    const p = promptOf(scan);
    assert.deepEqual(p.prompt?.variables, ['chat_history', 'documents', 'firstName', 'question']);
    assert.equal(p.prompt?.format, 'prompty');
    assert.equal(p.prompt?.model, 'gpt-35-turbo');
    assert.deepEqual(p.props, { template_format: 'jinja2', message_count: 2, declared_model: 'gpt-35-turbo' });
    const m = scan.assets.find((a) => a.id === 'model:azure-openai:gpt-35-turbo');
    assert.deepEqual(m?.locations, [{ path: 'prompty/chat.prompty', line: 11 }]);
    assert.deepEqual(scan.relationships, [{ from: 'prompt:prompty/chat.prompty', to: 'model:azure-openai:gpt-35-turbo', type: 'targets' }]);
    assert.ok(!JSON.stringify(scan).includes('AZURE_OPENAI_ENDPOINT}'), 'endpoint settings are not copied');

    const basic = scanFile('prompty/basic.prompty').scan;
    assert.deepEqual(promptOf(basic).prompt?.variables, ['query']);
    assert.deepEqual(basic.relationships, [{ from: 'prompt:prompty/basic.prompty', to: 'model:openai:gpt-4o-mini', type: 'targets' }]);
  });

  it('reads GitHub Models .prompt.yml: messages, variables, test data; catalogue ids that are not API families get no target', () => {
    const { scan } = scanFile('github-models/.github/prompts/summarize.prompt.yml');
    const p = promptOf(scan);
    assert.deepEqual(p.prompt?.variables, ['body', 'title']);
    assert.deepEqual(p.props, { template_format: 'mustache', message_count: 2, test_data: true, declared_model: 'openai/gpt-4o-mini' });
    assert.deepEqual(scan.relationships, [{ from: p.id, to: 'model:openai:gpt-4o-mini', type: 'targets' }]);
    assert.deepEqual(scan.assets.find((a) => a.kind === 'model')?.locations, [{ path: 'github-models/.github/prompts/summarize.prompt.yml', line: 3 }]);

    const phi = scanFile('github-models/eval/phi.prompt.yml').scan;
    assert.deepEqual(phi.assets.map((a) => a.id), ['prompt:github-models/eval/phi.prompt.yml']);
    assert.equal(promptOf(phi).prompt?.model, 'microsoft/phi-4');
    assert.deepEqual(promptOf(phi).prompt?.variables, ['name']);
  });

  it('reads LangChain prompt files (f-string, chat, jinja2, lc constructor) and ignores other JSON in prompts/', () => {
    const qa = promptOf(scanFile('langchain/prompts/qa_prompt.json').scan);
    assert.deepEqual(qa.prompt?.variables, ['context', 'question']);
    assert.deepEqual(qa.props, { template_format: 'f-string', langchain_type: 'prompt' });
    assert.equal(qa.prompt?.format, 'langchain');

    const chat = promptOf(scanFile('langchain/prompts/chat.yaml').scan);
    assert.deepEqual(chat.prompt?.variables, ['bot_name', 'history', 'input']);
    assert.deepEqual(chat.props, { template_format: 'f-string', langchain_type: 'chat_prompt', message_count: 2 });

    const report = promptOf(scanFile('langchain/prompts/report.yaml').scan);
    assert.deepEqual(report.prompt?.variables, ['items', 'title']);
    assert.equal(report.props.template_format, 'jinja2');

    const hub = promptOf(scanFile('langchain/prompts/hub_prompt.json').scan);
    assert.deepEqual(hub.prompt?.variables, ['question']);

    assert.deepEqual(scanFile('langchain/prompts/settings.json').scan, { assets: [], relationships: [], issues: [] });
  });

  it('reads templates in prompts folders by extension', () => {
    const cases: Array<[string, string, string[]]> = [
      ['app/prompts/system.j2', 'jinja', ['assistant_name', 'company', 'today', 'tools']],
      ['app/prompts/summary.txt', 'text', ['doc_type', 'document', 'max_words']],
      ['app/prompts/extract.md', 'text', []],
      ['app/prompts/emails/welcome.mustache', 'mustache', ['features', 'first_name', 'product']],
      ['app/prompts/emails/receipt.hbs', 'handlebars', ['currency', 'customer', 'lines', 'order_id', 'total']],
      ['sk-app/plugins/WriterPlugin/ShortPoem/skprompt.txt', 'semantic-kernel', ['city', 'input', 'tone']],
    ];
    for (const [path, format, variables] of cases) {
      const { scan, text } = scanFile(path);
      const p = promptOf(scan);
      assert.equal(p.prompt?.format, 'template', path);
      assert.deepEqual(p.prompt?.variables, variables, path);
      assert.deepEqual(p.props, { template_format: format }, path);
      assert.equal(p.prompt?.sha256, sha256(text), path);
      assert.equal(p.confidence, 0.8);
      assert.deepEqual(scan.relationships, []);
    }
  });

  it('reads chat templates and records the model folder instead of a model asset', () => {
    const { scan, text } = scanFile('models/tiny-chat/chat_template.jinja');
    assert.deepEqual(scan.assets.map((a) => a.id), ['prompt:models/tiny-chat/chat_template.jinja']);
    const p = promptOf(scan);
    assert.deepEqual(p.prompt, {
      format: 'chat-template',
      variables: ['add_generation_prompt', 'bos_token', 'default_system_message', 'eos_token', 'messages'],
      sha256: sha256(text),
    });
    assert.deepEqual(p.props, { template_format: 'jinja', model_dir: 'models/tiny-chat' });
    assert.deepEqual(scan.relationships, []);

    const extra = promptOf(scanFile('models/tiny-chat/additional_chat_templates/rag.jinja').scan);
    assert.deepEqual(extra.props, { template_format: 'jinja', model_dir: 'models/tiny-chat', chat_template_name: 'rag' });
    assert.deepEqual(extra.prompt?.variables, ['documents', 'messages']);

    const json = scanFile('models/vision/chat_template.json');
    const pj = promptOf(json.scan);
    const template = (JSON.parse(json.text) as { chat_template: Array<{ template: string }> }).chat_template[0]?.template ?? '';
    // Hashed like the model-folder reader hashes it: the template the model uses, not the JSON around it.
    assert.equal(pj.prompt?.sha256, sha256(template));
    assert.deepEqual(pj.prompt?.variables, ['add_generation_prompt', 'messages']);
    assert.deepEqual(pj.props, { template_format: 'jinja', model_dir: 'models/vision', chat_template_names: ['default', 'tool_use'] });

    const root = promptOf(scanText('chat_template.jinja', '{{ messages }}'));
    assert.equal(root.props.model_dir, '.');
    const bad = scanText('m/chat_template.json', '{"chat_template": 3}');
    assert.deepEqual(bad.issues, [{ path: 'm/chat_template.json', scanner: 'prompt-files', message: 'no chat_template string in file' }]);
  });

  it('never throws and never records secrets', () => {
    const hostile = [
      ['x.prompt', '---\nmodel: sk-proj-abcdefghijklmnopqrstuvwxyz123456\n---\n{{a}}'],
      ['x.prompty', '---\n' + 'a:\n  '.repeat(200) + 'b: 1\n---\n{{ x }}'],
      ['p/x.prompt.yml', 'model: [\n'],
      ['prompts/x.json', '{"_type": "prompt", "template": 3, "input_variables": "nope"}'],
      ['prompts/y.json', '{"_type": "prompt", '],
      ['prompts/t.j2', '{{ unterminated'.repeat(1000)],
      ['prompts/t.hbs', '{{#each a}}'.repeat(5000)],
      ['prompts/t.mustache', '{{=<% %>=}} <% x %>'],
      ['chat_template.jinja', '{% for %}{% set %}{% macro %}{{ ( ( ( }}{% raw %}'],
    ];
    for (const [path, text] of hostile) {
      assert.doesNotThrow(() => scanText(path ?? '', text ?? ''), path);
      const out = JSON.stringify(scanText(path ?? '', text ?? ''));
      assert.ok(!out.includes('sk-proj'), path);
    }
    const secret = scanText('x.prompt', '---\nmodel: sk-proj-abcdefghijklmnopqrstuvwxyz123456\n---\n{{a}}');
    assert.equal(promptOf(secret).prompt?.model, undefined);
    assert.deepEqual(scanText('prompts/empty.txt', '  \n'), { assets: [], relationships: [], issues: [] });
    const badYaml = scanText('p/x.prompt.yml', 'model: [\n');
    assert.equal(badYaml.assets.length, 1);
    assert.match(badYaml.issues[0]?.message ?? '', /^invalid yaml/);
  });
});

describe('template variable extraction', () => {
  it('jinja: loop-bound names, loop, builtins, literals, filters, tests and kwargs are not variables', () => {
    const src = [
      '{%- set ns = namespace(found=false) %}',
      '{%- for message in messages if message.role != "tool" %}',
      '{{ message.content | trim | replace("a", sep) }}{{ loop.index }}',
      '{%- if message.tool_calls is defined and message.tool_calls is not none %}{%- set ns.found = true %}{% endif %}',
      '{% endfor %}',
      '{%- for key, value in metadata.items() %}{{ key }}={{ value }}{% endfor %}',
      '{% macro render(item, joiner=", ") %}{{ item | join(joiner) }}{{ suffix }}{% endmacro %}',
      "{{ render(documents) }}{{ tools | tojson(indent=2) }}{{ 'literal' }}{{ 42 }}{{ none }}",
      '{# {{ commented }} #}{% raw %}{{ raw_var }}{% endraw %}',
      '{% include "footer.j2" ignore missing %}{% from "m.j2" import helper as h %}{{ h(x) }}',
      '{% if add_generation_prompt %}{{ bos_token ~ eos_token }}{% endif %}',
      '{{ raise_exception("bad") }}{{ strftime_now("%Y") }}{{ range(3) }}',
    ].join('\n');
    assert.deepEqual(jinjaVariables(src), ['add_generation_prompt', 'bos_token', 'documents', 'eos_token', 'messages', 'metadata', 'sep', 'suffix', 'tools', 'x']);
    assert.deepEqual(jinjaVariables(''), []);
    assert.deepEqual(jinjaVariables('no tags at all {single} braces'), []);
  });

  it('handlebars: helpers, partials, comments, each-scoped names and literals are not variables', () => {
    const src = '{{role "system"}}{{persona.name}}{{#if premium}}x{{else if trial}}y{{/if}}{{#each items as |it|}}{{it.name}}{{name}}{{@root.user}}{{../shop}}{{@index}}{{/each}}{{> footer tone=mood}}{{!-- {{hidden}} --}}{{media url=photoUrl}}{{history}}{{{raw}}}';
    assert.deepEqual(handlebarsVariables(src), ['items', 'persona', 'photoUrl', 'premium', 'raw', 'shop', 'trial', 'user']);
  });

  it('mustache: sections are variables, names inside them are the item fields', () => {
    assert.deepEqual(mustacheVariables('{{name}} {{#items}}{{title}}{{/items}} {{^empty}}-{{/empty}} {{{html}}} {{&amp}} {{! c }} {{> p}} {{a.b}}'), [
      'a', 'amp', 'empty', 'html', 'items', 'name',
    ]);
  });

  it('f-string: fields, escapes and format specs', () => {
    assert.deepEqual(fstringVariables('{question} {{escaped}} {ctx.x} {a[0]} {b!r} {c:>10} {} {0} {"k": 1} {x y}'), ['a', 'b', 'c', 'ctx', 'question']);
  });

  it('plain text: double braces win; single braces only without JSON in sight', () => {
    assert.deepEqual(textVariables('Summarize {text} in {n_words} words. Reply like {{"a": 1}}.'), ['n_words', 'text']);
    assert.deepEqual(textVariables('Return JSON:\n{\n  "a": {x}\n}'), []);
    assert.deepEqual(textVariables('Hi {{ name }} and {other}'), ['name']);
    assert.deepEqual(textVariables('const o = { a: 1 }; {b}'), []);
    assert.deepEqual(textVariables('Plain prose with no placeholders.'), []);
  });
});
