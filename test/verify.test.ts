import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { verify, type VerifyResult } from '../src/verify/index.js';
import { fixturePath, repoRoot, runCli, withTempDir } from './helpers.js';

const DEMO_FILES = [
  'data/tickets-eval.jsonl',
  'data/tickets-train.csv',
  'models/demo-chat-q4_k_m.gguf',
  'models/intent-classifier.onnx',
  'models/legacy/churn-model.pkl',
  'models/sentiment-bert/README.md',
  'models/sentiment-bert/config.json',
  'models/sentiment-bert/model.safetensors',
  'models/sentiment-bert/tokenizer_config.json',
  'models/sentiment-bert/vocab.txt',
  'prompts/support-reply.prompt',
  'prompts/triage.j2',
];
const WEIGHTS = 'models/sentiment-bert/model.safetensors';

function sha256(buf: Buffer | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** A copy of the demo project at `<root>/proj` and its BOM (made by the real `mlbom scan`) at `<root>/bom.<ext>`. */
async function scannedCopy(root: string, format: 'json' | 'xml' = 'json'): Promise<{ dir: string; bom: string }> {
  const dir = join(root, 'proj');
  await cp(fixturePath('demo-project'), dir, { recursive: true });
  const bom = join(root, `bom.${format}`);
  const r = await runCli(['scan', dir, '--offline', '--reproducible', '-q', '--format', format, '-o', bom]);
  assert.equal(r.code, 0, r.stderr);
  return { dir, bom };
}

function summary(stdout: string): string {
  return stdout.trimEnd().split('\n').at(-1) ?? '';
}

interface JsonReport {
  passed: boolean;
  counts: Record<string, number>;
  files: { path: string; status: string; expected: string | null; actual: string | null; reason: string | null; components: { bomRef: string | null; name: string }[] }[];
  skipped: { location: string; reason: string }[];
  findings: { rule: string; evidence: { path: string }[] }[];
  warnings: { path: string; message: string }[];
}

async function jsonReport(args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const r = await runCli(['verify', ...args, '--format', 'json', '--no-cache']);
  assert.ok(r.stdout !== '', r.stderr);
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

/** Whole seconds, so utimes can put a timestamp back exactly. */
const STAMP = 1_700_000_000;

/** One byte changed in place: same size, and the timestamps set before (by `pinTimes`) put back. */
async function tamperOneByte(file: string): Promise<void> {
  await pinTimes(file);
  const before = await stat(file, { bigint: true });
  const buf = await readFile(file);
  const at = buf.length - 1;
  buf[at] = (buf[at] as number) ^ 0x01;
  await writeFile(file, buf);
  await pinTimes(file);
  const after = await stat(file, { bigint: true });
  assert.equal(after.size, before.size);
  assert.equal(after.mtimeNs, before.mtimeNs);
}

async function pinTimes(file: string): Promise<void> {
  await utimes(file, STAMP, STAMP);
}

describe('mlbom verify', () => {
  it('passes on a clean copy of the folder, checking exactly the hashed local files', async () => {
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      const r = await runCli(['verify', bom, dir, '--no-cache']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, 'verify passed: 12 recorded, 12 ok, 0 modified, 0 missing, 0 unreadable, 0 unexpected, 0 skipped\n');

      // DIR defaults to the working directory.
      const here = await runCli(['verify', bom, '--no-cache'], { cwd: dir });
      assert.equal(here.stdout, r.stdout);

      const verbose = await runCli(['verify', bom, dir, '--no-cache', '--verbose']);
      assert.deepEqual(verbose.stdout.trimEnd().split('\n').slice(0, -1), DEMO_FILES.map((p) => `ok          ${p}`));

      // The package hash (of a wheel) and the chat template hash (of text inside the GGUF) are not file hashes.
      const { report } = await jsonReport([bom, dir]);
      assert.deepEqual(report.files.map((f) => f.path), DEMO_FILES);
      const gguf = report.files.find((f) => f.path === 'models/demo-chat-q4_k_m.gguf');
      assert.deepEqual(gguf?.components, [{ bomRef: 'model:models/demo-chat-q4_k_m.gguf', name: 'demo-chat-q4_k_m.gguf' }]);
      assert.equal(gguf?.actual, sha256(await readFile(join(dir, 'models/demo-chat-q4_k_m.gguf'))));
    });
  });

  it('reports a same-size, same-mtime one-byte change as modified (exit 1), even with a warm hash cache', async () => {
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      const cache = join(root, 'cache');
      await pinTimes(join(dir, WEIGHTS));
      const warm = await runCli(['verify', bom, dir, '--cache-dir', cache]);
      assert.equal(warm.code, 0, warm.stderr);
      const file = join(dir, WEIGHTS);
      const expected = sha256(await readFile(file));
      await tamperOneByte(file);
      const actual = sha256(await readFile(file));

      const r = await runCli(['verify', bom, dir, '--cache-dir', cache]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, [
        `modified    ${WEIGHTS}  expected ${expected}  actual ${actual}`,
        'verify failed: 12 recorded, 11 ok, 1 modified, 0 missing, 0 unreadable, 0 unexpected, 0 skipped',
        '',
      ].join('\n'));
      assert.equal(r.stderr, 'mlbom: error: verify failed: 1 modified, 0 missing, 0 unreadable\n');
    });
  });

  it('reports a deleted file as missing (exit 1) and a dangling link as a broken symlink', async () => {
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      await rm(join(dir, 'data/tickets-eval.jsonl'));
      await rm(join(dir, 'prompts/triage.j2'));
      await symlink('nowhere.j2', join(dir, 'prompts/triage.j2'));
      const r = await runCli(['verify', bom, dir, '--no-cache']);
      assert.equal(r.code, 1);
      assert.deepEqual(r.stdout.trimEnd().split('\n').slice(0, -1), [
        'missing     data/tickets-eval.jsonl',
        'missing     prompts/triage.j2  (broken symlink)',
      ]);
      assert.match(summary(r.stdout), / 2 missing, /);
    });
  });

  it('reports new model files as unexpected: exit 0, or 1 with --strict; honours .gitignore and --exclude', async () => {
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      await writeFile(join(dir, 'models/extra.safetensors'), await readFile(join(dir, WEIGHTS)));
      await writeFile(join(dir, 'models/finetuned.pt'), Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]));
      // Not model formats: config, code, data.
      await writeFile(join(dir, 'models/extra.json'), '{}');
      await writeFile(join(dir, 'src/new.py'), 'print(1)\n');
      await writeFile(join(dir, 'data/more.csv'), 'a,b\n1,2\n');
      await mkdir(join(dir, 'scratch'));
      await writeFile(join(dir, 'scratch/tmp.gguf'), Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(20)]));
      await writeFile(join(dir, '.gitignore'), 'scratch/\n');

      const r = await runCli(['verify', bom, dir, '--no-cache']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trimEnd().split('\n'), [
        'unexpected  models/extra.safetensors  (safetensors, 1888 bytes)',
        'unexpected  models/finetuned.pt  (pytorch, 6 bytes)',
        'verify passed: 12 recorded, 12 ok, 0 modified, 0 missing, 0 unreadable, 2 unexpected, 0 skipped',
      ]);

      const strict = await runCli(['verify', bom, dir, '--no-cache', '--strict']);
      assert.equal(strict.code, 1);
      assert.match(summary(strict.stdout), /^verify failed \(strict\): .* 2 unexpected, /);
      assert.equal(strict.stderr, 'mlbom: error: verify failed: 0 modified, 0 missing, 0 unreadable, 2 unexpected (--strict)\n');

      const all = await runCli(['verify', bom, dir, '--no-cache', '--no-gitignore']);
      assert.match(all.stdout, /^unexpected {2}scratch\/tmp\.gguf {2}\(gguf, 24 bytes\)$/m);

      const excluded = await runCli(['verify', bom, dir, '--no-cache', '--strict', '--exclude', 'models/extra.*', 'models/*.pt']);
      assert.equal(excluded.code, 0, excluded.stdout);
    });
  });

  it('never reads outside DIR: escaping BOM paths are warnings, a link out of DIR is unreadable', async () => {
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      // A file outside DIR whose content matches what the BOM records: had it been read, it would pass.
      const original = await readFile(join(dir, 'models/legacy/churn-model.pkl'));
      await writeFile(join(root, 'outside.pkl'), original);
      const doc = JSON.parse(await readFile(bom, 'utf8'));
      const churn = doc.components.find((c: { 'bom-ref': string }) => c['bom-ref'] === 'model:models/legacy/churn-model.pkl');
      churn['bom-ref'] = 'model:../outside.pkl';
      churn.evidence.occurrences[0].location = '../outside.pkl';
      const onnx = doc.components.find((c: { 'bom-ref': string }) => c['bom-ref'] === 'model:models/intent-classifier.onnx');
      onnx['bom-ref'] = `model:${join(root, 'outside.pkl')}`;
      onnx.evidence.occurrences[0].location = join(root, 'outside.pkl');
      onnx.hashes[0].content = sha256(original);
      const edited = join(root, 'edited.json');
      await writeFile(edited, JSON.stringify(doc));

      const r = await runCli(['verify', edited, dir, '--no-cache']);
      assert.equal(r.code, 0, r.stdout);
      const warnings = r.stderr.trimEnd().split('\n');
      assert.equal(warnings.length, 2, r.stderr);
      assert.ok(warnings.includes(`mlbom: warning: ${edited}: model:../outside.pkl: location "../outside.pkl" leaves DIR (has a ".." segment); not read [verify]`), r.stderr);
      assert.ok(warnings.some((w) => w.includes('is an absolute path outside DIR; not read [verify]')), r.stderr);
      // The two weight files are no longer vouched for by their own entries.
      assert.equal(summary(r.stdout), 'verify passed: 10 recorded, 10 ok, 0 modified, 0 missing, 0 unreadable, 2 unexpected, 2 skipped');

      const quiet = await runCli(['verify', edited, dir, '--no-cache', '-q']);
      assert.equal(quiet.stderr, '');
      assert.equal(quiet.stdout, r.stdout);

      // A recorded file swapped for a link out of DIR fails without being followed.
      await rm(join(dir, 'models/legacy/churn-model.pkl'));
      await symlink(join(root, 'outside.pkl'), join(dir, 'models/legacy/churn-model.pkl'));
      const linked = await runCli(['verify', bom, dir, '--no-cache']);
      assert.equal(linked.code, 1);
      assert.match(linked.stdout, /^unreadable {2}models\/legacy\/churn-model\.pkl {2}\(symlink points outside DIR; not followed\)$/m);
      assert.equal(linked.stderr, 'mlbom: error: verify failed: 0 modified, 0 missing, 1 unreadable\n');
    });
  });

  it('reads an XML BOM like the JSON one', async () => {
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      const xml = join(root, 'bom.xml');
      assert.equal((await runCli(['scan', dir, '--offline', '--reproducible', '-q', '--format', 'xml', '-o', xml])).code, 0);
      await tamperOneByte(join(dir, WEIGHTS));
      await rm(join(dir, 'data/tickets-train.csv'));
      await writeFile(join(dir, 'models/new.onnx'), Buffer.from([0x08, 0x07, 0x12, 0x04]));
      const fromJson = await jsonReport([bom, dir]);
      const fromXml = await jsonReport([xml, dir]);
      assert.equal(fromXml.code, 1);
      assert.deepEqual(fromXml.report, fromJson.report);
      assert.deepEqual(fromXml.report.files.filter((f) => f.status !== 'ok').map((f) => `${f.status} ${f.path}`), [
        'missing data/tickets-train.csv',
        'unexpected models/new.onnx',
        `modified ${WEIGHTS}`,
      ]);
    });
  });

  it('exits 2 with one line on stderr for a malformed, truncated or missing BOM, or a missing DIR', async () => {
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      const text = await readFile(bom, 'utf8');
      await writeFile(join(root, 'half.json'), text.slice(0, Math.floor(text.length / 2)));
      await writeFile(join(root, 'other.json'), '{"name": "not a bom"}');
      await writeFile(join(root, 'old.json'), '{"bomFormat": "CycloneDX", "specVersion": "0.9"}');
      const xml = join(root, 'bom.xml');
      assert.equal((await runCli(['scan', dir, '--offline', '--reproducible', '-q', '--format', 'xml', '-o', xml])).code, 0);
      const xmlText = await readFile(xml, 'utf8');
      await writeFile(join(root, 'half.xml'), xmlText.slice(0, Math.floor(xmlText.length / 2)));
      await writeFile(join(root, 'broken.xml'), xmlText.replace('</components>', '</component>'));
      const cases: [string[], RegExp][] = [
        [[join(root, 'half.json'), dir], /half\.json is not JSON or XML/],
        [[join(root, 'other.json'), dir], /other\.json is not a CycloneDX BOM/],
        [[join(root, 'old.json'), dir], /unsupported CycloneDX specVersion "0\.9"/],
        [[join(root, 'half.xml'), dir], /half\.xml is not a complete CycloneDX XML BOM/],
        [[join(root, 'broken.xml'), dir], /broken\.xml is not well-formed XML \(end tag <\/component> where <\/components> belongs, line \d+\)/],
        [[join(root, 'absent.json'), dir], /cannot read .*absent\.json: ENOENT/],
        [[bom, join(root, 'no-such-dir')], /cannot verify .*no-such-dir: ENOENT/],
        [[bom, bom], /cannot verify .*bom\.json: not a directory/],
      ];
      for (const [args, message] of cases) {
        const r = await runCli(['verify', ...args, '--no-cache']);
        assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.equal(r.stderr.split('\n').length, 2, r.stderr);
        assert.match(r.stderr, /^mlbom: error: /);
        assert.match(r.stderr, message);
      }
    });
  });

  it('writes a stable JSON report, to -o when asked', async () => {
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      await rm(join(dir, 'prompts/triage.j2'));
      const out = join(root, 'report.json');
      const r = await runCli(['verify', bom, dir, '--no-cache', '-f', 'json', '-o', out]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      const report = JSON.parse(await readFile(out, 'utf8'));
      assert.deepEqual(Object.keys(report), ['format', 'formatVersion', 'passed', 'strict', 'bomSpecVersion', 'counts', 'files', 'skipped', 'findings', 'warnings']);
      assert.equal(report.format, 'mlbom-verify');
      assert.equal(report.formatVersion, 1);
      assert.equal(report.passed, false);
      assert.equal(report.bomSpecVersion, '1.6');
      assert.deepEqual(report.counts, { recorded: 12, ok: 11, modified: 0, missing: 1, unreadable: 0, unexpected: 0, skipped: 0 });
      for (const f of report.files) {
        assert.deepEqual(Object.keys(f), ['path', 'status', 'expected', 'actual', 'size', 'components', 'reason', 'format']);
      }
      const missing = report.files.find((f: { status: string }) => f.status === 'missing');
      assert.deepEqual(missing, {
        path: 'prompts/triage.j2',
        status: 'missing',
        expected: sha256(await readFile(fixturePath('demo-project/prompts/triage.j2'))),
        actual: null,
        size: null,
        components: [{ bomRef: 'prompt:prompts/triage.j2', name: 'triage.j2' }],
        reason: null,
        format: null,
      });
      assert.equal(report.findings.length, 1);
      assert.equal(report.findings[0].rule, 'verify-missing');
      assert.deepEqual(report.findings[0].evidence, [{ path: 'prompts/triage.j2' }]);
      assert.deepEqual(report.findings[0].assetId, 'prompt:prompts/triage.j2');
    });
  });

  it('writes SARIF 2.1.0 that validates against the schema', async () => {
    const { sarifSchemaErrors } = await import('./sarif-schema.js');
    await withTempDir(async (root) => {
      const { dir, bom } = await scannedCopy(root);
      await tamperOneByte(join(dir, WEIGHTS));
      await rm(join(dir, 'data/tickets-eval.jsonl'));
      await writeFile(join(dir, 'models/extra.gguf'), Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(20)]));
      const sarif = join(root, 'verify.sarif');
      const r = await runCli(['verify', bom, dir, '--no-cache', '--sarif', sarif]);
      assert.equal(r.code, 1);
      const text = await readFile(sarif, 'utf8');
      const log = JSON.parse(text);
      assert.deepEqual(sarifSchemaErrors(log), []);
      const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      assert.deepEqual(results.map((x) => `${x.ruleId} ${x.locations[0]?.physicalLocation.artifactLocation.uri}`).sort(), [
        'verify-missing data/tickets-eval.jsonl',
        `verify-modified ${WEIGHTS}`,
        'verify-unexpected models/extra.gguf',
      ]);
      assert.equal(log.runs[0].automationDetails.id, 'mlbom/verify/');
      assert.ok(!text.includes(root), 'no absolute paths in the log');

      // Run from the checkout root on a subfolder, uris name files from the root, as GitHub resolves them.
      const sub = join(root, 'sub.sarif');
      assert.equal((await runCli(['verify', bom, 'proj', '--no-cache', '--sarif', sub], { cwd: root })).code, 1);
      const subLog = JSON.parse(await readFile(sub, 'utf8'));
      assert.deepEqual(sarifSchemaErrors(subLog), []);
      assert.deepEqual(
        (subLog.runs[0].results as typeof results).map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri).sort(),
        ['proj/data/tickets-eval.jsonl', 'proj/models/extra.gguf', `proj/${WEIGHTS}`],
      );
    });
  });

  it('reports a file it may not read as unreadable (exit 1), running as an unprivileged user', async () => {
    await withTempDir(async (root) => {
      await chmod(root, 0o755);
      const { dir, bom } = await scannedCopy(root);
      await chmod(join(dir, WEIGHTS), 0o000);
      const asRoot = process.getuid?.() === 0;
      const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'mlbom.js'), 'verify', bom, dir, '--no-cache'], {
        encoding: 'utf8',
        // As root a chmod 000 file is still readable; `nobody` makes it really unreadable.
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
        env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent' },
        timeout: 60_000,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(r.stdout.trimEnd().split('\n'), [
        `unreadable  ${WEIGHTS}  (permission denied)`,
        'verify failed: 12 recorded, 11 ok, 0 modified, 0 missing, 1 unreadable, 0 unexpected, 0 skipped',
      ]);
      assert.equal(r.stderr, 'mlbom: error: verify failed: 0 modified, 0 missing, 1 unreadable\n');
    });
  });
});

/** A minimal CycloneDX 1.6 BOM around hand-written components. */
function bomOf(components: object[]): object {
  return { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components };
}

function fileComponent(path: string, hash: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'file',
    name: path.slice(path.lastIndexOf('/') + 1),
    'bom-ref': `file:${path}`,
    hashes: [{ alg: 'SHA-256', content: hash }],
    evidence: { occurrences: [{ location: path }] },
    ...extra,
  };
}

function statuses(r: VerifyResult): string[] {
  return r.files.map((f) => `${f.status} ${f.path}${f.expected !== undefined ? ` ${f.expected.slice(0, 8)}` : ''}`);
}

describe('verify() library', () => {
  it('merges two components naming one file with one hash, and checks each hash when they disagree', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.bin'), 'alpha');
      await writeFile(join(dir, 'b.bin'), 'beta');
      const a = sha256('alpha');
      const wrong = sha256('something else');
      const issues: string[] = [];
      const r = await verify(
        bomOf([
          fileComponent('a.bin', a),
          { type: 'machine-learning-model', name: 'a.bin', 'bom-ref': 'model:a', hashes: [{ alg: 'SHA-256', content: a.toUpperCase() }], evidence: { occurrences: [{ location: './a.bin' }] } },
          fileComponent('b.bin', sha256('beta')),
          { ...fileComponent('b.bin', wrong), 'bom-ref': 'file:b.bin#other' },
        ]),
        dir,
        { onIssue: (i) => issues.push(`${i.path}: ${i.message}`) },
      );
      // One entry per (path, hash), ordered by hash.
      assert.ok(wrong < sha256('beta'));
      assert.deepEqual(statuses(r), [`ok a.bin ${a.slice(0, 8)}`, `modified b.bin ${wrong.slice(0, 8)}`, `ok b.bin ${sha256('beta').slice(0, 8)}`]);
      assert.deepEqual(r.files[0]?.components.map((c) => c.bomRef), ['file:a.bin', 'model:a']);
      assert.equal(issues.length, 1);
      assert.match(issues[0] ?? '', /^b\.bin: the BOM records 2 different SHA-256 values for this file \(file:b\.bin#other: [0-9a-f]{12}; file:b\.bin: [0-9a-f]{12}\); each is checked$/);
      assert.equal(r.passed, false);
      assert.deepEqual(r.findings.map((f) => f.rule), ['verify-modified']);
    });
  });

  it('leaves out entries that name no local file, and warns about ambiguous or malformed ones', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'm'));
      await writeFile(join(dir, 'm/w.gguf'), 'GGUF....');
      const h = sha256('GGUF....');
      const r = await verify(
        JSON.stringify(bomOf([
          // A template inside the GGUF: its hash is of the text, and its name is not the file's.
          { type: 'data', name: 'chat template of w.gguf', 'bom-ref': 'prompt:m/w.gguf#chat_template', hashes: [{ alg: 'SHA-256', content: sha256('tmpl') }], evidence: { occurrences: [{ location: 'm/w.gguf' }] } },
          // A package hash from a lock file.
          { type: 'library', name: 'w.gguf', hashes: [{ alg: 'SHA-256', content: sha256('wheel') }], evidence: { occurrences: [{ location: 'm/w.gguf' }] } },
          // An upstream file with no location; a URL; a SHA-1 only entry.
          { type: 'file', name: 'x.safetensors', 'bom-ref': 'model:hf:a/b#file:x.safetensors', hashes: [{ alg: 'SHA-256', content: h }] },
          { type: 'file', name: 'y.gguf', hashes: [{ alg: 'SHA-256', content: h }], evidence: { occurrences: [{ location: 'https://example.com/y.gguf' }] } },
          { type: 'file', name: 'w.gguf', hashes: [{ alg: 'SHA-1', content: 'a'.repeat(40) }], evidence: { occurrences: [{ location: 'm/w.gguf' }] } },
          // Ambiguous: two locations could each be it.
          { type: 'data', name: 'w.gguf', hashes: [{ alg: 'SHA-256', content: h }], evidence: { occurrences: [{ location: 'm/w.gguf' }, { location: 'n/w.gguf' }] } },
          // Malformed hash.
          fileComponent('m/w.gguf', 'not-a-hash'),
          // The real entry, found through the bom-ref even though a code reference comes first.
          { type: 'machine-learning-model', name: 'My model', 'bom-ref': 'model:m/w.gguf', hashes: [{ alg: 'SHA-256', content: h }], evidence: { occurrences: [{ location: 'src/app.py', line: 3 }, { location: 'm/w.gguf' }] } },
        ])),
        dir,
      );
      assert.deepEqual(statuses(r), [`ok m/w.gguf ${h.slice(0, 8)}`]);
      assert.deepEqual(r.skipped.map((s) => `${s.location}: ${s.reason}`), [
        'https://example.com/y.gguf: is a URL, not a local path',
        'm/w.gguf: malformed SHA-256',
        'm/w.gguf: ambiguous location',
        'n/w.gguf: ambiguous location',
      ]);
      assert.deepEqual(r.issues.map((i) => i.message), [
        'w.gguf: the hash could belong to any of 2 locations (m/w.gguf, n/w.gguf); not checked',
        'file:m/w.gguf records a malformed SHA-256 "not-a-hash"; not checked',
      ]);
      assert.equal(r.passed, true);
    });
  });

  it('follows a link to a file inside DIR, and quotes a path with a control character in the text report', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'real.safetensors'), 'weights');
      await symlink('real.safetensors', join(dir, 'alias.safetensors'));
      await writeFile(join(dir, 'evil\tname.onnx'), 'x');
      const h = sha256('weights');
      const r = await verify(bomOf([fileComponent('real.safetensors', h), fileComponent('alias.safetensors', h)]), dir);
      assert.deepEqual(statuses(r), [`ok alias.safetensors ${h.slice(0, 8)}`, 'unexpected evil\tname.onnx', `ok real.safetensors ${h.slice(0, 8)}`]);
      const { renderVerifyText } = await import('../src/verify/index.js');
      assert.equal(renderVerifyText(r).split('\n')[0], 'unexpected  "evil\\tname.onnx"  (onnx, 1 byte)');
    });
  });

  it('never follows a folder link out of DIR, and never opens a folder, fifo or link loop as a file', async () => {
    await withTempDir(async (tmp) => {
      const dir = join(tmp, 'root');
      await mkdir(join(tmp, 'elsewhere'), { recursive: true });
      await mkdir(join(dir, 'd.bin'), { recursive: true });
      await writeFile(join(tmp, 'elsewhere/w.bin'), 'outside');
      await symlink(join(tmp, 'elsewhere'), join(dir, 'sub'));
      await symlink('loop.bin', join(dir, 'loop.bin'));
      assert.equal(spawnSync('mkfifo', [join(dir, 'f.bin')]).status, 0);
      const h = sha256('outside');
      const r = await verify(bomOf(['sub/w.bin', 'd.bin', 'f.bin', 'loop.bin'].map((p) => fileComponent(p, h))), dir);
      assert.deepEqual(r.files.map((f) => `${f.status} ${f.path} (${f.reason ?? ''})`), [
        'unreadable d.bin (is a directory)',
        'unreadable f.bin (not a regular file)',
        'unreadable loop.bin (symlink loop)',
        'unreadable sub/w.bin (symlink points outside DIR; not followed)',
      ]);
      assert.equal(r.passed, false);
      assert.deepEqual(r.findings.map((f) => f.rule), ['verify-unreadable', 'verify-unreadable', 'verify-unreadable', 'verify-unreadable']);
    });
  });

  it('throws MlbomError INPUT for what is not a BOM', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(verify('not json', dir), { name: 'MlbomError', code: 'INPUT' });
      await assert.rejects(verify({ bomFormat: 'SPDX' }, dir), { name: 'MlbomError', code: 'INPUT' });
      await assert.rejects(verify(bomOf([]), join(dir, 'missing')), { name: 'MlbomError', code: 'INPUT' });
    });
  });
});

describe('assertMatchingTags', () => {
  it('accepts well-formed XML with comments, CDATA, declarations and ">" inside attribute values', async () => {
    const { assertMatchingTags } = await import('../src/verify/xml-nesting.js');
    const ok = [
      '<?xml version="1.0"?>\n<!-- <not-a-tag> --><!DOCTYPE bom [<!ENTITY x "y">]><bom a="1>2" b=\'</c>\'><c><![CDATA[</bom>]]></c><d/><e x="/"/></bom>',
      '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>',
    ];
    for (const t of ok) assert.doesNotThrow(() => assertMatchingTags(t, 'x.xml'), t);
  });

  it('refuses mismatched, stray and unclosed tags, naming the line', async () => {
    const { assertMatchingTags } = await import('../src/verify/xml-nesting.js');
    const bad: [string, RegExp][] = [
      ['<a>\n<b>1</c></a>', /^x\.xml is not well-formed XML \(end tag <\/c> where <\/b> belongs, line 2\)$/],
      ['<a></a></b>', /end tag <\/b> with no open element, line 1/],
      ['<a><b>', /<b> is never closed/],
      ['<a><!-- open', /no closing -->/],
      ['<a b="1></a>', /an unterminated <a> tag/],
      ['<a></ a>', /a malformed end tag/],
    ];
    for (const [t, re] of bad) assert.throws(() => assertMatchingTags(t, 'x.xml'), (err: Error & { code?: string }) => err.code === 'INPUT' && re.test(err.message), t);
  });
});
