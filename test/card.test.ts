/** `mlbom card`: drafts from real BOMs (mlbom's demo golden and a cdxgen-shaped one). */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { PIPELINE_DATA } from '@huggingface/tasks';
import { buildCardContexts, parseBomJson, safeFileNames } from '../src/card/index.js';
import { fixturePath, repoRoot, runCli, withTempDir } from './helpers.js';

const DEMO = fixturePath('golden', 'demo-project.cdx.json');
const CDXGEN = fixturePath('card', 'cdxgen-python.cdx.json');

/** `mlbom card …` through the real CLI, in-process. */
function card(argv: string[], cwd = repoRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['card', ...argv], { cwd });
}

function split(md: string): { fm: Record<string, unknown>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(md);
  assert.ok(m, 'card starts with YAML front matter');
  return { fm: parse(m[1]!) as Record<string, unknown>, body: m[2]! };
}

/** The body of one `## Heading` section. */
function section(md: string, heading: string): string {
  const start = md.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `missing ${heading}`);
  const level = heading.split(' ')[0]!;
  const rest = md.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return next === -1 ? rest : rest.slice(0, next);
}

test('sentiment-bert: front matter is the Hub metadata the BOM knows, exactly', async () => {
  const r = await card(['--bom', DEMO, '--component', 'model:models/sentiment-bert']);
  assert.equal(r.code, 0, r.stderr);
  const { fm, body } = split(r.stdout);
  assert.deepEqual(fm, {
    license: 'apache-2.0',
    base_model: 'google-bert/bert-base-uncased',
    base_model_relation: 'finetune',
    datasets: ['stanfordnlp/sst2'],
    language: ['en'],
    library_name: 'transformers',
    pipeline_tag: 'text-classification',
    tags: ['sentiment', 'support'],
    metrics: ['accuracy', 'f1'],
    'model-index': [{
      name: 'sentiment-bert',
      results: [{ task: { type: 'text-classification' }, dataset: { name: 'SST-2', split: 'validation' }, metrics: [{ type: 'accuracy', value: 0.912 }, { type: 'f1', value: 0.905 }] }],
    }],
  });
  assert.ok(Object.prototype.hasOwnProperty.call(PIPELINE_DATA, fm['pipeline_tag'] as string));
  // Hub section order, then the added sections, then the score.
  const order = ['## Model Details', '## Uses', '## Bias, Risks, and Limitations', '## How to Get Started with the Model', '## Training Details', '## Evaluation',
    '## Environmental Impact', '## Technical Specifications', '## Citation', '## Model Card Contact', '## Security and integrity',
    '## Guardrails and known failure modes', '## Red-teaming and evaluation status', '## Decommissioning plan', '## Card completeness'];
  const at = order.map((h) => body.indexOf(`\n${h}\n`));
  assert.ok(at.every((i) => i > 0), `all sections present: ${order.filter((_, i) => at[i]! < 0).join(', ')}`);
  assert.deepEqual([...at].sort((a, b) => a - b), at, 'sections in Hub order');
  // Known facts are stated, not placeholdered.
  const details = section(body, '## Model Details');
  assert.match(details, /\*\*License:\*\* Apache-2\.0\n/);
  assert.match(details, /\*\*Base model:\*\* \[google-bert\/bert-base-uncased\]\(https:\/\/huggingface\.co\/google-bert\/bert-base-uncased\) \(finetune\)/);
  assert.match(details, /\*\*Developed by:\*\* \[More Information Needed\]\n<!-- .+ -->/);
  assert.match(section(body, '## Technical Specifications'), /\*\*Parameters:\*\* 346\n/);
  assert.match(section(body, '## Evaluation'), /\| accuracy \| 0\.912 \| text-classification \| SST-2 \| validation \|/);
  assert.doesNotMatch(section(body, '## Evaluation'), /More Information Needed/);
  assert.doesNotMatch(section(body, '## Training Details').split('### Training Procedure')[0]!, /More Information Needed/);
  const security = section(body, '## Security and integrity');
  assert.match(security, /\| `model\.safetensors` \| weights \| `181b22f0b9947916ae96613e1cb9e65c54920305d68d2a10f3e31aac471c7c7f` \|/);
  assert.match(security, /no pickle serialization/);
  // Every placeholder carries a comment saying what to write.
  const placeholders = (body.match(/\[More Information Needed\](?! is for)/g) ?? []).length;
  const commented = body.match(/\[More Information Needed\]\n<!-- [^\n]+ -->/g) ?? [];
  assert.equal(commented.length, placeholders);
  assert.match(body, /17 of 33 fields filled from the BOM\./);
  assert.match(body, /\| Model Details \| 5\/7 \| developed by, version \|/);
});

test('front matter round-trips through yaml for every component of both BOMs', async () => {
  const { stringify } = await import('yaml');
  for (const bom of [DEMO, CDXGEN]) {
    const r = await card(['--bom', bom, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const contexts = JSON.parse(r.stdout) as { front_matter: string; front_matter_data: Record<string, unknown> }[];
    for (const c of contexts) {
      if (c.front_matter === '') continue;
      const parsed = parse(c.front_matter.replace(/^---\n|---\n$/g, '')) as unknown;
      assert.deepEqual(parsed, c.front_matter_data);
      assert.deepEqual(parse(stringify(parsed)), parsed);
      const tag = c.front_matter_data['pipeline_tag'];
      if (tag !== undefined) assert.ok(Object.prototype.hasOwnProperty.call(PIPELINE_DATA, tag as string));
    }
  }
});

test('a model whose task is not a Hub pipeline tag gets no pipeline_tag; unknown keys are left out', async () => {
  const r = await card(['--bom', DEMO, '--component', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.startsWith('---'), 'no front matter: the BOM knows no Hub metadata for it');
  assert.match(r.stdout, /\*\*Model type:\*\* sentiment-analysis/);
  assert.match(r.stdout, /\*\*Not pinned\.\*\*/);
  assert.match(r.stdout, /\*\*License:\*\* \[More Information Needed\]/);
});

test('pickle model: the security section warns, and the GGUF model keeps its base model and quantization', async () => {
  const pkl = await card(['--bom', DEMO, '--component', 'churn-model.pkl']);
  assert.equal(pkl.code, 0, pkl.stderr);
  assert.match(section(pkl.stdout, '## Security and integrity'), /runs Python's pickle/);
  assert.match(pkl.stdout, /`be752c454026f22acb304ce9f2e2015224f4f37931f9ba645b2ceb88dd286f33`/);
  const gguf = await card(['--bom', DEMO, '--component', 'demo-chat-q4_k_m.gguf']);
  const { fm, body } = split(gguf.stdout);
  assert.deepEqual(fm, { license: 'apache-2.0', base_model: 'TinyLlama/TinyLlama-1.1B-Chat-v1.0' });
  assert.match(body, /\*\*Quantization:\*\* Q4_K_M/);
  assert.match(body, /\*\*Context length:\*\* 2048/);
});

test('dataset card from the demo BOM: structure facts, hashes, placeholders for the rest', async () => {
  const r = await card(['--bom', DEMO, '--component', 'dataset:data/tickets-train.csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# Dataset Card for tickets-train\.csv/m);
  assert.match(r.stdout, /\*\*Formats:\*\* csv\n/);
  assert.match(r.stdout, /\*\*Rows:\*\* 4\n/);
  assert.match(r.stdout, /\*\*Columns:\*\* `id`, `intent`, `sentiment`, `text`\n/);
  assert.match(r.stdout, /`39c389b4663e35c983cdb849f2a6a7351b14eff8bf587e84fa3bba774a4434bc`/);
  assert.match(r.stdout, /\*\*License:\*\* \[More Information Needed\]/);
  assert.doesNotMatch(r.stdout, /## Model Details/);
});

test('golden drafts match', async () => {
  const cases: [string, string, string][] = [
    [DEMO, 'model:models/sentiment-bert', 'sentiment-bert.md'],
    [DEMO, 'dataset:data/tickets-train.csv', 'tickets-train.csv.md'],
    [CDXGEN, 'FacebookAI/roberta-base', 'cdxgen-roberta-base.md'],
  ];
  for (const [bom, sel, golden] of cases) {
    const r = await card(['--bom', bom, '--component', sel]);
    assert.equal(r.code, 0, r.stderr);
    const path = fixturePath('card', 'golden', golden);
    if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(path, r.stdout);
    assert.equal(r.stdout, await readFile(path, 'utf8'), `${golden} (UPDATE_GOLDEN=1 rewrites it)`);
  }
});

test('cdxgen-shaped BOM: model and datasets found, prompts-like configuration data skipped, refs resolved', async () => {
  const ctxs = buildCardContexts(parseBomJson(await readFile(CDXGEN, 'utf8'), 'cdxgen'));
  assert.deepEqual(ctxs.map((c) => `${c.kind}:${c.fullName}`), ['model:FacebookAI/roberta-base', 'dataset:bookcorpus/bookcorpus', 'dataset:acme-tickets']);
  const r = await card(['--bom', CDXGEN, '--component', 'FacebookAI/roberta-base']);
  const { fm, body } = split(r.stdout);
  assert.deepEqual(fm, { license: 'mit', datasets: ['bookcorpus/bookcorpus'], pipeline_tag: 'fill-mask' });
  assert.match(body, /\*\*Developed by:\*\* FacebookAI\n/);
  assert.match(body, /Pinned to commit `e2da8e2f811d1448a5b465c236feacd80ffbac7b`/);
  assert.match(section(body, '## Bias, Risks, and Limitations'), /unfiltered content from the internet/);
  assert.match(body, /made by cdxgen 11\.4\.1/);
  // An SPDX expression is not a Hub licence id: `other` with the expression as its name.
  const ds = await card(['--bom', CDXGEN, '--component', 'acme-tickets']);
  assert.deepEqual(split(ds.stdout).fm, { license: 'other', license_name: 'CC-BY-4.0 AND ODbL-1.0' });
});

test('-o writes one file for one card, a folder with unique safe names for many', async () => {
  await withTempDir(async (dir) => {
    const one = join(dir, 'README.md');
    const r1 = await card(['--bom', DEMO, '--component', 'sentiment-bert', '-o', one]);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r1.stdout, '');
    assert.match(await readFile(one, 'utf8'), /^---\nlicense: apache-2.0\n/);
    const out = join(dir, 'cards');
    const r2 = await card(['--bom', DEMO, '-o', out]);
    assert.equal(r2.code, 0, r2.stderr);
    const files = (await readdir(out)).sort();
    assert.deepEqual(files, [
      'Xenova_distilbert-base-uncased-finetuned-sst-2-english.md', 'anthropic_claude-3-5-haiku-20241022.md', 'churn-model.pkl.md', 'demo-chat-q4_k_m.gguf.md',
      'intent-classifier.onnx.md', 'openai_gpt-4o-mini.md', 'sentence-transformers_all-MiniLM-L6-v2.md', 'sentiment-bert.md', 'stanfordnlp_sst2.md',
      'tickets-eval.jsonl.md', 'tickets-train.csv.md',
    ]);
  });
  assert.deepEqual(safeFileNames(['a/b', 'a_b', '../x', 'A_B']), ['a_b.md', 'a_b-2.md', '__x.md', 'A_B-3.md']);
});

test('without -o several cards go to stdout, each introduced by a marker line', async () => {
  const r = await card(['--bom', CDXGEN]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.match(/^<!-- ===== mlbom card \d\/3: /gm)?.length, 3);
});

test('--template renders a custom template with the same context', async () => {
  await withTempDir(async (dir) => {
    const t = join(dir, 't.jinja');
    await writeFile(t, '{{ fullName }}|{{ hub_license }}|{{ sha256[0].content }}\n');
    const r = await card(['--bom', DEMO, '--component', 'intent-classifier.onnx', '--template', t]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'intent-classifier.onnx|mit|871b1ac9a8488a53c13e817935ac69d9ab42be62c12992607e77b8b957cdc883\n');
  });
});

test('bad input: exit 2 with one line', async () => {
  await withTempDir(async (dir) => {
    const notJson = join(dir, 'x.json');
    await writeFile(notJson, 'hello');
    const notBom = join(dir, 'y.json');
    await writeFile(notBom, '{"components": []}');
    for (const argv of [['--bom', join(dir, 'missing.json')], ['--bom', notJson], ['--bom', notBom], ['--bom', DEMO, '--component', 'no-such-model'], ['--bom', DEMO, '--template', join(dir, 'none.jinja')]]) {
      const r = await card(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.match(r.stderr, /^mlbom: error: /);
      assert.equal(r.stdout, '');
    }
  });
});

test('a folder argument is scanned first (offline) and carded', async () => {
  const r = await card([fixturePath('demo-project'), '--component', 'sentiment-bert']);
  assert.equal(r.code, 0, r.stderr);
  const { fm, body } = split(r.stdout);
  assert.equal(fm['license'], 'apache-2.0');
  assert.equal(fm['base_model'], 'google-bert/bert-base-uncased');
  assert.match(body, /`181b22f0b9947916ae96613e1cb9e65c54920305d68d2a10f3e31aac471c7c7f`/);
  const both = await card([fixturePath('demo-project'), '--bom', DEMO]);
  assert.equal(both.code, 2);
  const neither = await card([]);
  assert.equal(neither.code, 2);
});

test('--update refreshes generated facts and never loses a human edit; --dry-run shows a unified diff', async () => {
  await withTempDir(async (dir) => {
    const readme = join(dir, 'README.md');
    assert.equal((await card(['--bom', DEMO, '--component', 'sentiment-bert', '-o', readme])).code, 0);
    // A person fills a placeholder, adds a tag and a section, and edits the evaluation table.
    let md = await readFile(readme, 'utf8');
    md = md.replace(/- \*\*Developed by:\*\* \[More Information Needed\]\n<!-- [^\n]+ -->/, '- **Developed by:** ACME ML team');
    md = md.replace('  - support\n', '  - support\n  - internal # added by hand\n');
    md = md.replace('## Security and integrity\n', '## Owner notes\n\nDo not ship outside the EU.\n\n## Security and integrity\n');
    md = md.replace('| f1 | 0.905 |', '| f1 (macro) | 0.905 |');
    await writeFile(readme, md);
    // The BOM changes: new weights, a new licence, a new accuracy.
    const bom = JSON.parse(await readFile(DEMO, 'utf8')) as { components: Record<string, any>[] };
    const sb = bom.components.find((c) => c['name'] === 'sentiment-bert')!;
    const NEW = 'ab'.repeat(32);
    sb['components'].find((f: Record<string, any>) => f['name'] === 'model.safetensors')['hashes'][0]['content'] = NEW;
    sb['licenses'] = [{ license: { id: 'MIT' } }];
    sb['modelCard']['quantitativeAnalysis']['performanceMetrics'][0]['value'] = '0.93';
    const bom2 = join(dir, 'bom2.json');
    await writeFile(bom2, JSON.stringify(bom));

    const dry = await card(['--bom', bom2, '--component', 'sentiment-bert', '--update', readme, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(await readFile(readme, 'utf8'), md, '--dry-run writes nothing');
    assert.match(dry.stdout, /^--- a\/.*README\.md\n\+\+\+ b\/.*README\.md\n@@ /);
    assert.match(dry.stdout, /^-\| `model\.safetensors` \| weights \| `181b22f0b9947916ae96613e1cb9e65c54920305d68d2a10f3e31aac471c7c7f` \|$/m);
    assert.match(dry.stdout, new RegExp(`^\\+\\| \`model\\.safetensors\` \\| weights \\| \`${NEW}\` \\|$`, 'm'));
    assert.match(dry.stdout, /^-license: apache-2.0$/m);
    assert.match(dry.stdout, /^\+license: mit$/m);

    const r = await card(['--bom', bom2, '--component', 'sentiment-bert', '--update', readme]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /kept evaluation \(edited by hand\)/);
    const after = await readFile(readme, 'utf8');
    const { fm } = split(after);
    assert.equal(fm['license'], 'mit');
    assert.deepEqual(fm['tags'], ['sentiment', 'support', 'internal'], 'hand-added tag kept');
    assert.match(after, /- internal # added by hand\n/, 'YAML comment kept');
    assert.equal(((fm['model-index'] as any)[0].results[0].metrics[0]).value, 0.93);
    assert.match(after, /- \*\*Developed by:\*\* ACME ML team\n/);
    assert.match(after, /## Owner notes\n\nDo not ship outside the EU\.\n/);
    assert.match(after, /\| f1 \(macro\) \| 0\.905 \|/, 'hand-edited evaluation table kept');
    assert.match(after, new RegExp(NEW));
    assert.doesNotMatch(after, /181b22f0b9947916ae96613e1cb9e65c54920305d68d2a10f3e31aac471c7c7f/);
    // Every line a person wrote survives.
    for (const line of md.split('\n').filter((l) => /ACME|Owner notes|EU\.|internal|f1 \(macro\)/.test(l))) assert.ok(after.includes(line), line);
    // A second update changes nothing.
    const again = await card(['--bom', bom2, '--component', 'sentiment-bert', '--update', readme, '--dry-run']);
    assert.equal(again.stdout, '');
    // A person who edits a generated value in front matter keeps it.
    await writeFile(readme, after.replace('license: mit', 'license: other\nlicense_name: acme-internal'));
    const r3 = await card(['--bom', DEMO, '--component', 'sentiment-bert', '--update', readme]);
    assert.equal(r3.code, 0, r3.stderr);
    assert.equal(split(await readFile(readme, 'utf8')).fm['license'], 'other');
  });
});
