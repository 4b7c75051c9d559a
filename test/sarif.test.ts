import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { MlbomError } from '../src/errors.js';
import { makeFinding, RULES, SEVERITIES, type FindingInput } from '../src/findings/rules.js';
import {
  DEFAULT_ANCHOR_PATH,
  encodePathUri,
  FINDING_FINGERPRINT,
  MAX_RELATED_LOCATIONS,
  RULES_WITH_SARIF_META,
  sarifAssets,
  securitySeverity,
  serializeSarif,
  toSarif,
  type SarifInput,
  type SarifLog,
  type SarifResult,
} from '../src/report/sarif.js';
import { scan } from '../src/scan.js';
import type { Finding, Severity } from '../src/types.js';
import { looksLikeSecret } from '../src/util/secrets.js';
import { compareCodePoints } from '../src/util/sort.js';
import { fixturePath, withTempDir } from './helpers.js';
import { sarifSchemaErrors } from './sarif-schema.js';

const VERSION = '0.0.0-test';

function finding(input: Partial<FindingInput> & Pick<FindingInput, 'rule'>): Finding {
  return makeFinding({ assetId: 'model:models/a.pkl', message: 'Something is wrong.', evidence: [{ path: 'models/a.pkl' }], ...input });
}

function sarif(findings: readonly Finding[], extra: Omit<SarifInput, 'findings' | 'toolVersion'> = {}): SarifLog {
  const log = toSarif({ findings, toolVersion: VERSION, ...extra });
  assert.deepEqual(sarifSchemaErrors(log), [], 'every log a test builds is schema-valid');
  return log;
}

function onlyResult(log: SarifLog): SarifResult {
  assert.equal(log.runs[0].results.length, 1);
  return log.runs[0].results[0] as SarifResult;
}

/** Deterministic Fisher–Yates with a small LCG, so a failure can be replayed. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('SARIF schema validation (test/sarif-schema.ts)', () => {
  it('accepts a log toSarif builds and rejects broken ones, naming where', () => {
    const good = toSarif({ findings: [finding({ rule: 'unsafe-pickle' })], toolVersion: VERSION });
    assert.deepEqual(sarifSchemaErrors(good), []);
    const clone = (): { version: string; runs: Array<Record<string, any>> } => JSON.parse(serializeSarif(good)) as never;

    const wrongVersion = clone();
    wrongVersion.version = '2.0.0';
    assert.ok(sarifSchemaErrors(wrongVersion).some((e) => e.startsWith('/version ')));

    const badLevel = clone();
    badLevel.runs[0]!['results'][0].level = 'critical';
    assert.ok(sarifSchemaErrors(badLevel).some((e) => e.startsWith('/runs/0/results/0/level ')));

    const rawSpace = clone();
    rawSpace.runs[0]!['results'][0].locations[0].physicalLocation.artifactLocation.uri = 'models dir/a.pkl';
    assert.ok(
      sarifSchemaErrors(rawSpace).some((e) => e.includes('/artifactLocation/uri') && e.includes('uri-reference')),
      'an unencoded space is not a URI reference, which is why paths are percent-encoded',
    );

    const lineZero = clone();
    lineZero.runs[0]!['results'][0].locations[0].physicalLocation.region = { startLine: 0 };
    assert.ok(sarifSchemaErrors(lineZero).some((e) => e.includes('/region/startLine')));

    const noDriverName = clone();
    delete noDriverName.runs[0]!['tool'].driver.name;
    assert.ok(sarifSchemaErrors(noDriverName).some((e) => e.includes('/runs/0/tool/driver') && e.includes('name')));
  });
});

describe('SARIF run and rules', () => {
  it('writes the log header, the driver and an originalUriBaseIds entry without a local path', () => {
    const log = sarif([]);
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'mlbom');
    assert.equal(run.tool.driver.version, VERSION);
    assert.equal(run.tool.driver.informationUri, 'https://github.com/mlbom/mlbom');
    assert.deepEqual(Object.keys(run.originalUriBaseIds), ['%SRCROOT%']);
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, undefined, 'the absolute root is never written');
    assert.ok(run.originalUriBaseIds['%SRCROOT%'].description?.text.includes('relative'));
    assert.equal(run.invocations, undefined, 'no timestamp unless asked for');
    assert.equal(run.automationDetails, undefined);
  });

  it('lists every catalogue rule once, in catalogue order, with the fields GitHub requires', () => {
    const rules = sarif([]).runs[0].tool.driver.rules;
    assert.deepEqual(
      rules.map((r) => r.id),
      [...RULES.keys()],
    );
    assert.equal(new Set(rules.map((r) => r.id)).size, RULES.size);
    for (const r of rules) {
      const rule = RULES.get(r.id);
      assert.ok(rule !== undefined);
      assert.match(r.name, /^[A-Z][A-Za-z0-9]*$/);
      assert.equal(r.shortDescription.text, rule.title);
      assert.equal(r.fullDescription.text, rule.description);
      assert.ok(r.help.text.includes(rule.remediation), `${r.id} help.text carries the remediation`);
      assert.ok(r.help.markdown !== undefined && r.help.markdown.includes('**Remediation:**'));
      assert.ok(r.shortDescription.text.length <= 1024 && r.fullDescription.text.length <= 1024 && r.name.length <= 255);
      assert.deepEqual(r.properties.tags.slice(0, 2), ['security', 'supply-chain']);
      assert.ok(r.properties.tags.includes(`external/cwe/cwe-${rule.cwe}`));
      assert.ok(r.properties.tags.length <= 10, 'GitHub shows only 10 tags per rule');
      assert.ok(['very-high', 'high', 'medium', 'low'].includes(r.properties.precision));
    }
    const byId = new Map(rules.map((r) => [r.id, r]));
    assert.equal(byId.get('unsafe-pickle')?.name, 'UnsafePickle');
    assert.equal(byId.get('pickle-with-safetensors-alternative')?.name, 'PickleWithSafetensorsAlternative');
    assert.equal(byId.get('verify-modified')?.name, 'VerifyModified');
  });

  it('has SARIF metadata (precision, topics) for exactly the rules in the catalogue', () => {
    assert.deepEqual([...RULES_WITH_SARIF_META].sort(compareCodePoints), [...RULES.keys()].sort(compareCodePoints));
  });

  it('escapes Markdown in help so `<full commit sha>` is text, not an HTML tag', () => {
    const rule = sarif([]).runs[0].tool.driver.rules.find((r) => r.id === 'unpinned-reference');
    assert.ok(rule?.help.markdown?.includes('revision=\\<full commit sha\\>'));
    assert.ok(rule?.help.text.includes('revision=<full commit sha>'), 'plain text stays as written');
  });

  it('maps each rule severity to its default level and a security-severity inside GitHub\'s band', () => {
    const bands: Record<Severity, [number, number] | undefined> = { critical: [9.0, 10.0], high: [7.0, 8.9], medium: [4.0, 6.9], low: [0.1, 3.9], info: undefined };
    const levels: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
    for (const s of SEVERITIES) {
      const score = securitySeverity(s);
      const band = bands[s];
      if (band === undefined) assert.equal(score, undefined);
      else {
        assert.match(score ?? '', /^\d+\.\d$/, 'a string with one decimal');
        assert.ok(Number(score) >= band[0] && Number(score) <= band[1], `${s} → ${score}`);
      }
    }
    for (const r of sarif([]).runs[0].tool.driver.rules) {
      const rule = RULES.get(r.id);
      assert.ok(rule !== undefined);
      assert.equal(r.defaultConfiguration.level, levels[rule.severity], r.id);
      assert.equal(r.properties['security-severity'], securitySeverity(rule.severity), r.id);
    }
  });
});

describe('SARIF results', () => {
  it('maps a finding to one result with rule index, level, fingerprint and properties', () => {
    const f = finding({ rule: 'unsafe-pickle', details: ['posix.system', 'builtins.eval'], evidence: [{ path: 'models/a.pkl' }] });
    const assets = new Map([['model:models/a.pkl', { name: 'a.pkl', kind: 'model', purl: 'pkg:generic/a.pkl@1', path: 'models/a.pkl' }]]);
    const log = sarif([f], { assets });
    const r = onlyResult(log);
    assert.equal(r.ruleId, 'unsafe-pickle');
    assert.equal(log.runs[0].tool.driver.rules[r.ruleIndex]?.id, 'unsafe-pickle');
    assert.equal(r.level, 'error');
    assert.deepEqual(r.partialFingerprints, { [FINDING_FINGERPRINT]: f.id });
    assert.deepEqual(r.properties, {
      severity: 'critical',
      component: 'model:models/a.pkl',
      purl: 'pkg:generic/a.pkl@1',
      remediation: RULES.get('unsafe-pickle')?.remediation,
      details: ['builtins.eval', 'posix.system'],
    });
    assert.equal(
      r.message.text,
      'Something is wrong. Component: a.pkl (pkg:generic/a.pkl@1). Details: builtins.eval, posix.system.',
    );
    assert.deepEqual(r.locations, [{ physicalLocation: { artifactLocation: { uri: 'models/a.pkl', uriBaseId: '%SRCROOT%' } } }]);
    assert.equal(r.relatedLocations, undefined);
  });

  it('uses the finding\'s own severity for level (critical/high → error, medium → warning, low/info → note)', () => {
    const expected: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
    for (const severity of SEVERITIES) {
      const r = onlyResult(sarif([finding({ rule: 'unsafe-pickle', severity })]));
      assert.equal(r.level, expected[severity], severity);
      assert.equal(r.properties.severity, severity);
    }
  });

  it('names the component by asset id when the asset is unknown, and adds a finding-specific remediation', () => {
    const r = onlyResult(sarif([finding({ rule: 'unpinned-reference', message: 'Loads acme/m from the main branch', remediation: 'Pin acme/m to a commit' })]));
    assert.equal(r.message.text, 'Loads acme/m from the main branch. Component: model:models/a.pkl. Remediation: Pin acme/m to a commit.');
    assert.equal(r.properties.purl, undefined);
  });

  it('caps the details named in the message but keeps all of them in properties', () => {
    const details = Array.from({ length: 25 }, (_, i) => `mod${String(i).padStart(2, '0')}.fn`);
    const r = onlyResult(sarif([finding({ rule: 'unknown-pickle-globals', details })]));
    assert.ok(r.message.text.includes('mod19.fn and 5 more.'));
    assert.ok(!r.message.text.includes('mod20.fn'));
    assert.equal(r.properties.details?.length, 25);
  });

  it('doubles literal braces in messages (SARIF placeholders)', () => {
    const r = onlyResult(sarif([finding({ rule: 'unknown-pickle-globals', message: 'Imports {x}', details: ['m.{y}'] })]));
    assert.ok(r.message.text.startsWith('Imports {{x}}. '));
    assert.ok(r.message.text.includes('m.{{y}}'));
  });

  it('percent-encodes paths with spaces, #, %, a colon and non-ASCII characters', () => {
    const cases: Array<[string, string]> = [
      ['models dir/bert #1/model.safetensors', 'models%20dir/bert%20%231/model.safetensors'],
      ['modèles/ünï 😀.pkl', 'mod%C3%A8les/%C3%BCn%C3%AF%20%F0%9F%98%80.pkl'],
      ['data/100%/a?b.csv', 'data/100%25/a%3Fb.csv'],
      ['c:x/weights.bin', 'c%3Ax/weights.bin'],
      ['plain/path_name-1.2~x.onnx', 'plain/path_name-1.2~x.onnx'],
    ];
    for (const [path, uri] of cases) {
      assert.equal(encodePathUri(path), uri);
      assert.equal(decodeURIComponent(uri), path, 'decodes back to the path (as codeql-action does)');
      const r = onlyResult(sarif([finding({ rule: 'verify-modified', evidence: [{ path, line: 3 }] })]));
      assert.deepEqual(r.locations[0].physicalLocation, { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: { startLine: 3 } });
    }
    assert.equal(encodePathUri('a/\uD800b.bin'), 'a/%EF%BF%BDb.bin', 'a lone surrogate becomes U+FFFD instead of throwing');
  });

  it('puts the first evidence in locations and the rest in linked relatedLocations', () => {
    const f = finding({
      rule: 'trust-remote-code',
      evidence: [{ path: 'src/z.py', line: 9 }, { path: 'src/app.py', line: 11 }, { path: 'src/app.py', line: 2 }, { path: 'src/a[1].py' }],
    });
    const r = onlyResult(sarif([f]));
    assert.deepEqual(r.locations[0].physicalLocation, { artifactLocation: { uri: 'src/a%5B1%5D.py', uriBaseId: '%SRCROOT%' } });
    assert.deepEqual(
      r.relatedLocations?.map((l) => [l.id, l.physicalLocation.artifactLocation.uri, l.physicalLocation.region?.startLine]),
      [
        [1, 'src/app.py', 2],
        [2, 'src/app.py', 11],
        [3, 'src/z.py', 9],
      ],
    );
    assert.ok(r.message.text.endsWith('Also at [src/app.py:2](1), [src/app.py:11](2), [src/z.py:9](3).'));
  });

  it('escapes brackets in link text and caps related locations at GitHub\'s limit', () => {
    const evidence = Array.from({ length: 150 }, (_, i) => ({ path: `w/[${String(i).padStart(3, '0')}].bin` }));
    const r = onlyResult(sarif([finding({ rule: 'verify-unexpected', evidence })]));
    assert.equal(r.relatedLocations?.length, MAX_RELATED_LOCATIONS);
    assert.ok(r.message.text.includes('[w/\\[001\\].bin](1)'));
    assert.ok(r.message.text.endsWith(' and 50 more.'));
  });

  it('anchors a finding without evidence at the asset path, then fallbackPath, then README.md — never "."', () => {
    const bare = { ...finding({ rule: 'missing-license' }), evidence: [] };
    const withAsset = onlyResult(sarif([bare], { assets: new Map([[bare.assetId, { name: 'a', kind: 'model', path: 'models/a dir' }]]) }));
    assert.equal(withAsset.locations[0].physicalLocation.artifactLocation.uri, 'models/a%20dir');
    assert.ok(withAsset.message.text.endsWith('The finding names no file; models/a dir only anchors the alert.'));

    const withFallback = onlyResult(sarif([bare], { fallbackPath: 'ml.cdx.json' }));
    assert.equal(withFallback.locations[0].physicalLocation.artifactLocation.uri, 'ml.cdx.json');

    const dotOnly = { ...bare, evidence: [{ path: '.' }] };
    const byDefault = onlyResult(sarif([dotOnly]));
    assert.equal(byDefault.locations[0].physicalLocation.artifactLocation.uri, DEFAULT_ANCHOR_PATH);
    assert.equal(byDefault.locations[0].physicalLocation.region, undefined);

    assert.throws(() => toSarif({ findings: [], toolVersion: VERSION, fallbackPath: '.' }), (e: unknown) => e instanceof MlbomError && e.code === 'USAGE');
  });

  it('drops evidence that is absolute or leaves the tree, and lines that are not positive integers', () => {
    const f = { ...finding({ rule: 'verify-missing' }), evidence: [{ path: '/home/alice/proj/a.bin' }, { path: '../x.bin' }, { path: 'ok.bin', line: 0 }] };
    const text = serializeSarif(sarif([f]));
    assert.ok(!text.includes('/home/alice') && !text.includes('../x.bin'));
    const r = onlyResult(JSON.parse(text) as SarifLog);
    assert.deepEqual(r.locations[0].physicalLocation, { artifactLocation: { uri: 'ok.bin', uriBaseId: '%SRCROOT%' } });
  });

  it('prefixes every uri with pathPrefix and rejects one outside the repository', () => {
    const r = onlyResult(sarif([finding({ rule: 'verify-modified', evidence: [{ path: 'm/a b.bin' }, { path: 'm/c.bin' }] })], { pathPrefix: './services/ml/' }));
    assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, 'services/ml/m/a%20b.bin');
    assert.equal(r.relatedLocations?.[0]?.physicalLocation.artifactLocation.uri, 'services/ml/m/c.bin');
    for (const bad of ['../x', '/abs', 'a/../b', 'C:/x']) {
      assert.throws(() => toSarif({ findings: [], toolVersion: VERSION, pathPrefix: bad }), (e: unknown) => e instanceof MlbomError && e.code === 'USAGE', bad);
    }
  });

  it('throws INTERNAL for a rule outside the catalogue and USAGE for an empty tool version', () => {
    const alien = { ...finding({ rule: 'unsafe-pickle' }), rule: 'no-such-rule' };
    assert.throws(() => toSarif({ findings: [alien], toolVersion: VERSION }), (e: unknown) => e instanceof MlbomError && e.code === 'INTERNAL');
    assert.throws(() => toSarif({ findings: [], toolVersion: ' ' }), (e: unknown) => e instanceof MlbomError && e.code === 'USAGE');
  });

  it('writes the start time and the GitHub category only when given', () => {
    const run = sarif([], { startTimeUtc: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), category: 'mlbom/verify' }).runs[0];
    assert.deepEqual(run.invocations, [{ executionSuccessful: true, startTimeUtc: '2024-01-02T03:04:05.000Z' }]);
    assert.deepEqual(run.automationDetails, { id: 'mlbom/verify/' });
    assert.throws(() => toSarif({ findings: [], toolVersion: VERSION, startTimeUtc: new Date(Number.NaN) }), (e: unknown) => e instanceof MlbomError && e.code === 'USAGE');
  });
});

describe('SARIF determinism', () => {
  function manyFindings(): Finding[] {
    const rules = [...RULES.keys()];
    const out: Finding[] = [];
    for (let i = 0; i < 300; i++) {
      const rule = rules[i % rules.length] as string;
      const severity = SEVERITIES[(i * 7) % SEVERITIES.length] as Severity;
      out.push(
        makeFinding({
          rule,
          severity,
          assetId: `model:m${i % 13}`,
          message: `Finding ${i}`,
          evidence: i % 11 === 0 ? [] : [{ path: `dir ${i % 5}/f${i % 17}.bin`, ...(i % 3 === 0 ? {} : { line: (i % 4) + 1 }) }, { path: `src/x${i % 2}.py`, line: i }],
          ...(i % 4 === 0 ? { details: [`g${i % 3}`, 'a.b'] } : {}),
        }),
      );
    }
    return out;
  }

  it('writes the same bytes whatever the input order', () => {
    const findings = manyFindings();
    const reference = serializeSarif(sarif(findings));
    for (const seed of [1, 42, 9001]) {
      assert.equal(serializeSarif(toSarif({ findings: shuffled(findings, seed), toolVersion: VERSION })), reference, `seed ${seed}`);
    }
    assert.ok(reference.endsWith('}\n') && reference.startsWith('{\n  "$schema"'));
  });

  it('orders results by severity (most severe first), rule, path, line, then finding id', () => {
    const findings = manyFindings();
    const results = sarif(findings).runs[0].results;
    assert.equal(results.length, findings.length);
    const rank = (s: Severity): number => SEVERITIES.indexOf(s);
    for (let i = 1; i < results.length; i++) {
      const a = results[i - 1] as SarifResult;
      const b = results[i] as SarifResult;
      const key = (r: SarifResult): [number, string, string, number, string] => [
        -rank(r.properties.severity),
        r.ruleId,
        decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri ?? ''),
        r.locations[0].physicalLocation.region?.startLine ?? 0,
        r.partialFingerprints[FINDING_FINGERPRINT],
      ];
      const [ka, kb] = [key(a), key(b)];
      const cmp = ka[0] - kb[0] || compareCodePoints(ka[1], kb[1]) || compareCodePoints(ka[2], kb[2]) || ka[3] - kb[3] || compareCodePoints(ka[4], kb[4]);
      assert.ok(cmp <= 0, `results ${i - 1} and ${i} are out of order`);
    }
  });

  it('gives a valid log with zero results (and every rule) for no findings', () => {
    const text = serializeSarif(sarif([]));
    const log = JSON.parse(text) as SarifLog;
    assert.deepEqual(log.runs[0].results, []);
    assert.equal(log.runs[0].tool.driver.rules.length, RULES.size);
    assert.deepEqual(sarifSchemaErrors(log), []);
  });

  it('reads nothing from the environment', () => {
    const findings = manyFindings().slice(0, 20);
    const before = serializeSarif(toSarif({ findings, toolVersion: VERSION }));
    process.env['MLBOM_SARIF_CANARY'] = 'canary-7f3a9c';
    try {
      const after = serializeSarif(toSarif({ findings, toolVersion: VERSION }));
      assert.equal(after, before);
      assert.ok(!after.includes('canary-7f3a9c'));
    } finally {
      delete process.env['MLBOM_SARIF_CANARY'];
    }
  });
});

describe('SARIF from a real scan', () => {
  /** Findings a rule engine could raise on this inventory, with the scan's own evidence. */
  function findingsFor(assets: Awaited<ReturnType<typeof scan>>['assets']): Finding[] {
    const out: Finding[] = [];
    for (const a of assets) {
      if (a.files.some((f) => f.scan?.pickle === true)) out.push(makeFinding({ rule: 'unsafe-pickle', assetId: a.id, message: `${a.name} is a pickle`, evidence: a.locations }));
      if (a.trustRemoteCode === true) out.push(makeFinding({ rule: 'trust-remote-code', assetId: a.id, message: `${a.name} runs remote code`, evidence: a.locations }));
      if (a.kind === 'model') out.push(makeFinding({ rule: 'missing-license', assetId: a.id, message: `${a.name} has no licence`, evidence: a.locations }));
    }
    return out;
  }

  it('never writes the absolute scan root, and encodes the real paths', async () => {
    await withTempDir(async (tmp) => {
      const root = join(tmp, 'checkout root #1 ü');
      const put = async (rel: string, from: string): Promise<void> => {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await copyFile(from, join(root, rel));
      };
      await put('models dir/bert #1/model.safetensors', fixturePath('scanners', 'safetensors', 'tiny.safetensors'));
      await put('modèles/ünï 😀.pkl', fixturePath('scanners', 'pickle', 'proto4.pkl'));
      await mkdir(join(root, 'src'), { recursive: true });
      await writeFile(
        join(root, 'src', 'load model.py'),
        'from transformers import AutoModel\n\nm = AutoModel.from_pretrained("acme/demo-model", trust_remote_code=True)\nn = AutoModel.from_pretrained("./models dir/bert #1")\n',
      );
      const inventory = await scan(root);
      const findings = findingsFor(inventory.assets);
      assert.ok(findings.length >= 3, 'every model in the fixture raises at least one finding');

      const assets = sarifAssets(inventory.assets);
      assert.deepEqual(assets.get('model:modèles/ünï 😀.pkl'), { name: 'ünï 😀.pkl', kind: 'model', path: 'modèles/ünï 😀.pkl' });
      const text = serializeSarif(sarif(findings, { assets }));
      for (const leak of [root, tmp, encodePathUri(root.slice(1)), 'file:']) assert.ok(!text.includes(leak), `no ${leak}`);
      const uris = new Set((JSON.parse(text) as SarifLog).runs[0].results.flatMap((r) => [r.locations[0], ...(r.relatedLocations ?? [])].map((l) => l.physicalLocation.artifactLocation.uri)));
      assert.ok(uris.has('mod%C3%A8les/%C3%BCn%C3%AF%20%F0%9F%98%80.pkl'), [...uris].join(' '));
      assert.ok(uris.has('src/load%20model.py'));
    });
  });

  it('writes no secret-shaped token for the secrets fixture', async () => {
    const inventory = await scan(fixturePath('secrets-project'));
    const findings = inventory.assets.map((a) => makeFinding({ rule: 'missing-license', assetId: a.id, message: `${a.name} found`, evidence: a.locations }));
    const text = serializeSarif(sarif(findings, { assets: sarifAssets(inventory.assets) }));
    assert.ok(findings.length > 0);
    assert.equal(looksLikeSecret(text), false);
  });
});

describe('SARIF golden output', () => {
  it('matches fixtures/sarif/findings.sarif.json byte for byte', async () => {
    const findings = [
      makeFinding({
        rule: 'unsafe-pickle',
        assetId: 'model:models/legacy/churn-model.pkl',
        message: 'churn-model.pkl imports code-executing globals when loaded',
        evidence: [{ path: 'models/legacy/churn-model.pkl' }, { path: 'src/app.py', line: 18 }],
        details: ['posix.system'],
      }),
      makeFinding({
        rule: 'unpinned-reference',
        assetId: 'model:hf:sentence-transformers/all-MiniLM-L6-v2',
        message: 'sentence-transformers/all-MiniLM-L6-v2 is loaded without a pinned revision',
        evidence: [{ path: 'src/chat.py', line: 13 }],
      }),
      makeFinding({
        rule: 'verify-modified',
        assetId: 'model:models/sentiment-bert',
        message: 'models/sentiment-bert/model.safetensors differs from the BOM',
        evidence: [{ path: 'models/sentiment-bert/model.safetensors' }],
      }),
      makeFinding({ rule: 'gated-or-private', assetId: 'model:hf:acme/gated', message: 'acme/gated is gated on the Hub', evidence: [] }),
    ];
    const assets = new Map([
      ['model:hf:sentence-transformers/all-MiniLM-L6-v2', { name: 'all-MiniLM-L6-v2', kind: 'model', purl: 'pkg:huggingface/sentence-transformers/all-MiniLM-L6-v2' }],
      ['model:models/legacy/churn-model.pkl', { name: 'churn-model.pkl', kind: 'model', path: 'models/legacy/churn-model.pkl' }],
    ]);
    const text = serializeSarif(sarif(findings, { assets, category: 'mlbom/scan' }));
    const path = fixturePath('sarif', 'findings.sarif.json');
    if (process.env['UPDATE_GOLDEN'] === '1') {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    assert.equal(text, await readFile(path, 'utf8'));
  });
});
