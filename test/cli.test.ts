import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath, runCli, schemaErrors, withTempDir } from './helpers.js';

const demo = fixturePath('demo-project');

interface Json {
  [k: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test access to parsed BOMs
}

function sha256sum(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0] as string;
}

describe('cli: scan', () => {
  it('scans the demo project into a valid ML-BOM: every model, dataset, prompt, service and package, in one graph', async () => {
    const { code, stdout, stderr } = await runCli(['scan', demo, '--reproducible']);
    assert.equal(code, 0, stderr);
    assert.deepEqual(await schemaErrors(stdout), []);
    const bom: Json = JSON.parse(stdout);
    const kind = (c: Json): string | undefined => c.properties?.find((p: Json) => p.name === 'mlbom:asset_kind')?.value;
    const refs = (k: string): string[] => bom.components.filter((c: Json) => kind(c) === k).map((c: Json) => c['bom-ref']);
    assert.deepEqual(refs('model'), [
      'model:anthropic:claude-3-5-haiku-20241022',
      'model:hf:Xenova/distilbert-base-uncased-finetuned-sst-2-english',
      'model:hf:sentence-transformers/all-MiniLM-L6-v2',
      'model:models/demo-chat-q4_k_m.gguf',
      'model:models/intent-classifier.onnx',
      'model:models/legacy/churn-model.pkl',
      'model:models/sentiment-bert',
      'model:openai:gpt-4o-mini',
    ]);
    assert.deepEqual(refs('dataset'), ['dataset:data/tickets-eval.jsonl', 'dataset:data/tickets-train.csv', 'dataset:hf:stanfordnlp/sst2']);
    assert.deepEqual(refs('prompt'), ['prompt:models/demo-chat-q4_k_m.gguf#chat_template', 'prompt:prompts/support-reply.prompt', 'prompt:prompts/triage.j2']);
    assert.deepEqual(bom.services.map((s: Json) => s['bom-ref']), ['service:anthropic', 'service:openai']);
    assert.equal(refs('package').length, 14);
    // Local models are models; code references to them are evidence, not second components.
    const bert = bom.components.find((c: Json) => c['bom-ref'] === 'model:models/sentiment-bert');
    assert.deepEqual(bert.evidence.occurrences.map((o: Json) => `${o.location}:${o.line ?? ''}`), ['models/sentiment-bert:', 'src/app.py:10', 'src/app.py:11']);
    // The pinned embedder's revision is its version; the graph links what uses what.
    const embedder = bom.components.find((c: Json) => c['bom-ref'] === 'model:hf:sentence-transformers/all-MiniLM-L6-v2');
    assert.equal(embedder.purl, 'pkg:huggingface/sentence-transformers/all-MiniLM-L6-v2@8b3219a92973c328a8e22fadcfa821b5dc75636a');
    const deps = new Map(bom.dependencies.map((d: Json) => [d.ref, d.dependsOn ?? []]));
    assert.deepEqual(deps.get('service:openai'), ['model:openai:gpt-4o-mini']);
    assert.deepEqual(deps.get('prompt:prompts/support-reply.prompt'), ['model:openai:gpt-4o-mini']);
    assert.deepEqual(deps.get('model:models/sentiment-bert'), ['dataset:hf:stanfordnlp/sst2']);
    assert.deepEqual(deps.get('prompt:models/demo-chat-q4_k_m.gguf#chat_template'), ['model:models/demo-chat-q4_k_m.gguf']);
    assert.equal((deps.get('project:acme-support-assistant') as string[]).length, bom.components.length + bom.services.length);
    assert.equal(bom.metadata.component.name, 'acme-support-assistant');
    assert.equal(bom.metadata.component.version, '0.3.0');
    assert.equal(bom.specVersion, '1.6');
  });

  it('writes SHA-256 hashes equal to sha256sum for every model file', async () => {
    const { stdout } = await runCli(['scan', demo, '--reproducible']);
    const bom: Json = JSON.parse(stdout);
    const hashes = new Map<string, string>();
    const visit = (c: Json): void => {
      if (c.type !== 'machine-learning-model' && c.type !== 'file') return;
      const loc = c.evidence?.occurrences?.[0]?.location;
      const sha = c.hashes?.find((h: Json) => h.alg === 'SHA-256')?.content;
      if (loc !== undefined && sha !== undefined) hashes.set(loc, sha);
      for (const child of c.components ?? []) visit(child);
    };
    bom.components.forEach(visit);
    for (const rel of ['models/demo-chat-q4_k_m.gguf', 'models/intent-classifier.onnx', 'models/legacy/churn-model.pkl', 'models/sentiment-bert/model.safetensors', 'models/sentiment-bert/config.json']) {
      assert.equal(hashes.get(rel), sha256sum(join(demo, rel)), rel);
    }
  });

  for (const specVersion of ['1.5', '1.6', '1.7']) {
    for (const format of ['json', 'xml']) {
      it(`writes valid ${format} for --spec-version ${specVersion}`, async () => {
        const { code, stdout } = await runCli(['scan', demo, '--reproducible', '--format', format, '--spec-version', specVersion]);
        assert.equal(code, 0);
        assert.deepEqual(await schemaErrors(stdout), []);
        assert.ok(format === 'json' ? JSON.parse(stdout).specVersion === specVersion : stdout.includes(`http://cyclonedx.org/schema/bom/${specVersion}`));
      });
    }
  }

  it('gives byte-identical output under SOURCE_DATE_EPOCH, with that timestamp and no serial number', async () => {
    const env = { SOURCE_DATE_EPOCH: '0' };
    const a = await runCli(['scan', demo], { env });
    const b = await runCli(['scan', demo], { env });
    assert.equal(a.stdout, b.stdout);
    const bom: Json = JSON.parse(a.stdout);
    assert.equal(bom.metadata.timestamp, '1970-01-01T00:00:00.000Z');
    assert.equal(bom.serialNumber, undefined);
  });

  it('gives the same bytes whatever order the files were created in', async () => {
    await withTempDir(async (tmp) => {
      const one = join(tmp, 'one', 'demo');
      const two = join(tmp, 'two', 'demo');
      await cp(demo, one, { recursive: true });
      // Copy the second tree file by file in reverse order, so directory listing order differs.
      const files = execFileSync('find', ['.', '-type', 'f'], { cwd: demo, encoding: 'utf8' }).trim().split('\n').sort().reverse();
      for (const f of files) {
        execFileSync('install', ['-D', '-m', '644', join(demo, f), join(two, f)]);
      }
      const a = await runCli(['scan', one, '--reproducible']);
      const b = await runCli(['scan', two, '--reproducible']);
      assert.equal(a.code, 0);
      assert.equal(a.stdout, b.stdout);
    });
  });

  it('writes to --output and nothing to stdout', async () => {
    await withTempDir(async (tmp) => {
      const out = join(tmp, 'bom.xml');
      const { code, stdout } = await runCli(['scan', demo, '--reproducible', '--format', 'xml', '-o', out]);
      assert.equal(code, 0);
      assert.equal(stdout, '');
      assert.deepEqual(await schemaErrors(await readFile(out, 'utf8')), []);
    });
  });

  it('takes --name and --version for the root component', async () => {
    const { stdout } = await runCli(['scan', demo, '--reproducible', '--name', 'svc', '--version', '9.9.9']);
    const bom: Json = JSON.parse(stdout);
    assert.equal(bom.metadata.component.name, 'svc');
    assert.equal(bom.metadata.component.version, '9.9.9');
    assert.equal(bom.metadata.component['bom-ref'], 'project:svc');
  });

  it('fails with exit 2 and one line for a missing folder, a bad flag and a bad SOURCE_DATE_EPOCH', async () => {
    for (const [argv, env] of [
      [['scan', '/does/not/exist'], {}],
      [['scan', demo, '--format', 'yaml'], {}],
      [['scan', demo, '--no-such-flag'], {}],
      [['scan', demo], { SOURCE_DATE_EPOCH: 'yesterday' }],
    ] as const) {
      const { code, stdout, stderr } = await runCli([...argv], { env: { ...env } });
      assert.equal(code, 2, `${argv.join(' ')}: ${stderr}`);
      assert.equal(stdout, '');
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
      assert.ok(!stderr.includes('    at '), 'no stack trace');
    }
  });

  it('prints a stack trace only with --debug', async () => {
    const quiet = await runCli(['scan', '/does/not/exist']);
    const debug = await runCli(['scan', '/does/not/exist', '--debug']);
    assert.ok(!quiet.stderr.includes('    at '));
    assert.ok(debug.stderr.includes('    at '));
  });
});

describe('cli: validate', () => {
  it('exits 0 for a valid BOM, 1 with the errors for an invalid one, 2 for a non-BOM or unreadable file', async () => {
    await withTempDir(async (tmp) => {
      const good = join(tmp, 'good.json');
      await writeFile(good, (await runCli(['scan', demo, '--reproducible'])).stdout);
      const ok = await runCli(['validate', good]);
      assert.equal(ok.code, 0);
      assert.match(ok.stdout, /valid CycloneDX 1\.6 JSON/);

      const bad = join(tmp, 'bad.json');
      const doc = JSON.parse(await readFile(good, 'utf8'));
      doc.components[0].type = 'spaceship';
      await writeFile(bad, JSON.stringify(doc));
      const invalid = await runCli(['validate', bad]);
      assert.equal(invalid.code, 1);
      assert.match(invalid.stdout, /invalid CycloneDX 1\.6 JSON/);
      assert.match(invalid.stdout, /\/components\/0\/type/);

      const xml = join(tmp, 'bad.xml');
      await writeFile(xml, '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><nonsense/></bom>');
      assert.equal((await runCli(['validate', xml])).code, 1);

      const notBom = join(tmp, 'package.json');
      await writeFile(notBom, '{"name":"x"}');
      for (const f of [notBom, join(tmp, 'missing.json')]) {
        const r = await runCli(['validate', f]);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stderr.trimEnd().split('\n').length, 1);
      }
    });
  });
});
