import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildBom } from '../src/bom/build.js';
import { serializeBom } from '../src/bom/serialize.js';
import { SPEC_VERSIONS } from '../src/bom/spec-features.js';
import { validateBomText } from '../src/bom/validate.js';
import { RULES, atOrAbove, findRisks, sortFindings } from '../src/findings/index.js';
import type { Asset, AssetFile, Finding, Inventory, PickleAnalysis } from '../src/types.js';
import { repoRoot, runCli, withTempDir } from './helpers.js';
import { sarifSchemaErrors } from './sarif-schema.js';

function asset(over: Partial<Asset> & Pick<Asset, 'id'>): Asset {
  return {
    kind: 'model',
    name: over.id.split('/').pop() ?? over.id,
    scanners: ['test'],
    locations: [],
    files: [],
    props: {},
    model: { licenses: ['apache-2.0'] },
    parsed: true,
    ...over,
  };
}

function inv(...assets: Asset[]): Inventory {
  return { root: { name: 'p', absPath: '/nowhere' }, assets, relationships: [], issues: [] };
}

function pickleFile(path: string, analysis: PickleAnalysis | undefined): AssetFile {
  return { path, size: 10, role: 'weights', scan: { format: 'pickle', parsed: true, props: {}, model: {}, pickle: true, ...(analysis === undefined ? {} : { pickleAnalysis: analysis }) } };
}

const rules = (list: readonly Finding[]): string[] => list.map((f) => f.rule);

describe('findings: pickle', () => {
  it('dangerous globals give one critical unsafe-pickle with the globals as details', () => {
    const f = findRisks(inv(asset({
      id: 'model:m.pkl',
      files: [pickleFile('m.pkl', {
        status: 'complete',
        streams: 1,
        globals: [
          { module: 'os', name: 'system', class: 'dangerous', opcode: 'STACK_GLOBAL' },
          { module: 'collections', name: 'OrderedDict', class: 'safe', opcode: 'GLOBAL' },
          { module: 'sklearn.tree', name: 'DecisionTreeClassifier', class: 'suspicious', opcode: 'GLOBAL' },
        ],
      })],
    })));
    assert.deepEqual(rules(f), ['unsafe-pickle']);
    assert.equal(f[0]!.severity, 'critical');
    assert.deepEqual(f[0]!.details, ['os.system']);
    assert.deepEqual(f[0]!.evidence, [{ path: 'm.pkl' }]);
    assert.match(f[0]!.message, /os\.system/);
  });

  it('globals inside an archive member are named with the member', () => {
    const f = findRisks(inv(asset({
      id: 'model:w.pt',
      files: [pickleFile('w.pt', { status: 'complete', streams: 2, globals: [{ module: 'builtins', name: 'eval', class: 'dangerous', opcode: 'STACK_GLOBAL', member: 'archive/extra.pkl' }] })],
    })));
    assert.deepEqual(f[0]!.details, ['archive/extra.pkl: builtins.eval']);
  });

  it('only unknown globals give a medium unknown-pickle-globals; all-safe and complete gives nothing', () => {
    const unknown = findRisks(inv(asset({
      id: 'model:s.pkl',
      files: [pickleFile('s.pkl', { status: 'complete', streams: 1, globals: [{ module: 'sklearn.linear_model._logistic', name: 'LogisticRegression', class: 'suspicious', opcode: 'GLOBAL' }] })],
    })));
    assert.deepEqual(rules(unknown), ['unknown-pickle-globals']);
    assert.equal(unknown[0]!.severity, 'medium');
    const safe = findRisks(inv(asset({
      id: 'model:t.pt',
      files: [pickleFile('t.pt', { status: 'complete', streams: 1, globals: [{ module: 'torch._utils', name: '_rebuild_tensor_v2', class: 'safe', opcode: 'GLOBAL' }] })],
    })));
    assert.deepEqual(rules(safe), []);
  });

  it('a partial or missing analysis is never silently clean', () => {
    const partial = findRisks(inv(asset({
      id: 'model:p.pkl',
      files: [pickleFile('p.pkl', { status: 'partial', reason: 'truncated at offset 9', streams: 1, globals: [{ module: 'collections', name: 'OrderedDict', class: 'safe', opcode: 'GLOBAL' }] })],
    })));
    assert.deepEqual(rules(partial), ['unanalyzed-pickle']);
    assert.match(partial[0]!.message, /truncated at offset 9/);
    const none = findRisks(inv(asset({ id: 'model:c.joblib', files: [pickleFile('c.joblib', { status: 'not-analyzed', reason: 'zlib-compressed', streams: 0, globals: [] })] })));
    assert.deepEqual(rules(none), ['unanalyzed-pickle']);
    const never = findRisks(inv(asset({ id: 'model:x.pkl', files: [pickleFile('x.pkl', undefined)] })));
    assert.deepEqual(rules(never), ['unanalyzed-pickle']);
  });

  it('flags pickle weights when the Hub repo publishes safetensors, not otherwise', () => {
    const withAlt = asset({
      id: 'model:hf:org/m',
      purl: 'pkg:huggingface/org/m@' + 'a'.repeat(40),
      files: [pickleFile('m/pytorch_model.bin', { status: 'complete', streams: 1, globals: [] })],
      upstreamFiles: [{ name: 'pytorch_model.bin', sha256: 'b'.repeat(64) }, { name: 'model.safetensors', sha256: 'c'.repeat(64) }],
      enriched: true,
    });
    assert.deepEqual(rules(findRisks(inv(withAlt))), ['pickle-with-safetensors-alternative']);
    const noAlt = { ...withAlt, upstreamFiles: [{ name: 'pytorch_model.bin', sha256: 'b'.repeat(64) }] };
    assert.deepEqual(rules(findRisks(inv(noAlt))), []);
  });
});

describe('findings: references, licences, access, integrity', () => {
  it('trust_remote_code and unpinned references point at the code lines', () => {
    const f = findRisks(inv(asset({
      id: 'model:hf:org/m',
      purl: 'pkg:huggingface/org/m',
      trustRemoteCode: true,
      unpinned: true,
      props: { requested_revision: 'main' },
      locations: [{ path: 'src/a.py', line: 12 }, { path: 'models' }],
    })));
    assert.deepEqual(rules(f), ['trust-remote-code', 'unpinned-reference']);
    for (const x of f) assert.deepEqual(x.evidence, [{ path: 'src/a.py', line: 12 }]);
    assert.match(f[1]!.message, /revision "main"/);
  });

  it('missing licence: low for local files, medium once the registry answered, silent for an unlooked-up Hub id', () => {
    const local = findRisks(inv(asset({ id: 'model:m.onnx', model: {}, files: [{ path: 'm.onnx', size: 1, role: 'weights' }] })));
    assert.deepEqual(local.map((x) => [x.rule, x.severity]), [['missing-license', 'low']]);
    const hub = asset({ id: 'model:hf:o/m', purl: 'pkg:huggingface/o/m', model: {}, locations: [{ path: 'a.py', line: 1 }] });
    assert.deepEqual(rules(findRisks(inv(hub))), []);
    assert.deepEqual(findRisks(inv({ ...hub, enriched: true })).map((x) => [x.rule, x.severity]), [['missing-license', 'medium']]);
    // Prompts and packages are not held to this rule.
    assert.deepEqual(rules(findRisks(inv(asset({ id: 'prompt:p', kind: 'prompt', model: {}, files: [{ path: 'p.txt', size: 1, role: 'other' }] })))), []);
  });

  it('restrictive licences: non-commercial is medium, custom terms low, permissive nothing', () => {
    const sev = (l: string): string[] => findRisks(inv(asset({ id: 'model:x', model: { licenses: [l] } }))).map((x) => `${x.rule}:${x.severity}`);
    assert.deepEqual(sev('cc-by-nc-4.0'), ['restrictive-license:medium']);
    assert.deepEqual(sev('CC-BY-NC-SA-4.0'), ['restrictive-license:medium']);
    assert.deepEqual(sev('cc-by-nd-4.0'), ['restrictive-license:medium']);
    assert.deepEqual(sev('llama3.1'), ['restrictive-license:low']);
    assert.deepEqual(sev('creativeml-openrail-m'), ['restrictive-license:low']);
    assert.deepEqual(sev('other'), ['restrictive-license:low']);
    assert.deepEqual(sev('apache-2.0'), []);
    assert.deepEqual(sev('MIT'), []);
    assert.deepEqual(sev('cc-by-4.0'), []);
  });

  it('gated and private repos, and upstream mismatches', () => {
    assert.deepEqual(rules(findRisks(inv(asset({ id: 'model:g', props: { gated: 'manual' } })))), ['gated-or-private']);
    assert.deepEqual(rules(findRisks(inv(asset({ id: 'model:p', props: { private: true } })))), ['gated-or-private']);
    const mm = findRisks(inv(asset({ id: 'model:m', props: { upstream_verification: 'mismatch', upstream_mismatch: ['m/model.safetensors'] } })));
    assert.deepEqual(mm.map((x) => [x.rule, x.severity]), [['upstream-mismatch', 'high']]);
    assert.deepEqual(mm[0]!.evidence, [{ path: 'm/model.safetensors' }]);
    assert.deepEqual(rules(findRisks(inv(asset({ id: 'model:v', props: { upstream_verification: 'verified' } })))), []);
  });
});

describe('findings: transport and code in models', () => {
  it('plain-http downloads of weights and data, but not https or loopback', () => {
    const dl = (url: string, kind: 'model' | 'dataset' = 'model'): string[] =>
      rules(findRisks(inv(asset({ id: `${kind}:url:${url}`, kind, props: { download_url: url }, locations: [{ path: 'get.sh', line: 3 }] }))));
    assert.deepEqual(dl('http://example.com/w.pt'), ['insecure-download']);
    assert.deepEqual(dl('http://example.com/d.csv', 'dataset'), ['insecure-download']);
    assert.deepEqual(dl('https://example.com/w.pt'), []);
    assert.deepEqual(dl('http://localhost:8000/w.pt'), []);
    assert.deepEqual(dl('http://127.0.0.1/w.pt'), []);
  });

  it('keras Lambda layers', () => {
    const f = findRisks(inv(asset({ id: 'model:k.keras', files: [{ path: 'k.keras', size: 1, role: 'weights', scan: { format: 'keras', parsed: true, props: { lambda_layers: 2 }, model: {} } }] })));
    assert.deepEqual(f.map((x) => [x.rule, x.severity]), [['keras-lambda', 'high']]);
    assert.match(f[0]!.message, /2 Lambda/);
  });

  it('AI APIs over http: high with credentials, medium without, nothing on loopback', () => {
    const svc = (endpoints: string[], authenticated: boolean): string[] =>
      findRisks(inv(asset({ id: 'service:x', kind: 'service', model: {}, locations: [{ path: 'a.py', line: 2 }], service: { provider: 'openai', endpoints, authenticated, envVars: [], sdks: [] } })))
        .map((x) => `${x.rule}:${x.severity}`);
    assert.deepEqual(svc(['http://llm.internal.example.com/v1'], true), ['insecure-service-endpoint:high']);
    assert.deepEqual(svc(['http://gpu-box.example.com:11434'], false), ['insecure-service-endpoint:medium']);
    assert.deepEqual(svc(['http://localhost:11434'], false), []);
    assert.deepEqual(svc(['https://api.openai.com/v1'], true), []);
  });
});

describe('findings: identity, order and thresholds', () => {
  const mixed = inv(
    asset({ id: 'model:a', trustRemoteCode: true, locations: [{ path: 'a.py', line: 1 }] }),
    asset({ id: 'model:b', props: { gated: 'auto' } }),
    asset({ id: 'model:c.pkl', files: [pickleFile('c.pkl', { status: 'complete', streams: 1, globals: [{ module: 'os', name: 'system', class: 'dangerous', opcode: 'GLOBAL' }] })] }),
  );

  it('ids are stable across runs and differ between findings', () => {
    const a = findRisks(mixed);
    const b = findRisks(inv(...[...mixed.assets].reverse()));
    assert.deepEqual(a, b);
    assert.equal(new Set(a.map((f) => f.id)).size, a.length);
    for (const f of a) assert.match(f.id, new RegExp(`^${f.rule}/[0-9a-f]{12}$`));
  });

  it('orders most severe first and filters by threshold', () => {
    const f = findRisks(mixed);
    assert.deepEqual(f.map((x) => x.severity), ['critical', 'high', 'low']);
    assert.deepEqual(sortFindings([...f].reverse()), f);
    assert.deepEqual(atOrAbove(f, 'high').map((x) => x.rule), ['unsafe-pickle', 'trust-remote-code']);
    assert.equal(atOrAbove(f, 'info').length, 3);
  });

  it('docs/FINDINGS.md documents every rule with its anchor', async () => {
    const doc = await readFile(join(repoRoot, 'docs', 'FINDINGS.md'), 'utf8');
    for (const id of RULES.keys()) assert.ok(doc.includes(`<a id="${id}"></a>\`${id}\``), `docs/FINDINGS.md lacks ${id}`);
  });
});

describe('findings: in the BOM', () => {
  const inventory = inv(
    asset({ id: 'model:c.pkl', files: [pickleFile('c.pkl', { status: 'complete', streams: 1, globals: [{ module: 'os', name: 'system', class: 'dangerous', opcode: 'GLOBAL' }] })] }),
    asset({ id: 'service:s', kind: 'service', model: {}, locations: [{ path: 'a.py', line: 2 }], service: { provider: 'openai', endpoints: ['http://llm.example.com/v1'], authenticated: true, envVars: [], sdks: [] } }),
  );
  const withFindings: Inventory = { ...inventory, findings: findRisks(inventory) };

  for (const specVersion of SPEC_VERSIONS) {
    for (const format of ['json', 'xml'] as const) {
      it(`vulnerabilities validate in ${format.toUpperCase()} ${specVersion}`, async () => {
        const text = serializeBom(buildBom(withFindings), { format, specVersion });
        assert.deepEqual((await validateBomText(text, { json: 'library' })).errors, []);
        assert.ok(text.includes('unsafe-pickle/'));
      });
    }
  }

  it('each vulnerability affects its component and carries rule, evidence and details', () => {
    const bom = JSON.parse(serializeBom(buildBom(withFindings), { format: 'json', specVersion: '1.6' })) as {
      components: { 'bom-ref': string }[];
      services: { 'bom-ref': string }[];
      vulnerabilities: { id: string; affects: { ref: string }[]; ratings: { severity: string }[]; cwes: number[]; recommendation: string; properties: { name: string; value: string }[] }[];
    };
    const refs = new Set([...bom.components, ...bom.services].map((c) => c['bom-ref']));
    assert.equal(bom.vulnerabilities.length, 2);
    for (const v of bom.vulnerabilities) assert.ok(refs.has(v.affects[0]!.ref), v.affects[0]!.ref);
    const pickle = bom.vulnerabilities[0]!;
    assert.equal(pickle.ratings[0]!.severity, 'critical');
    assert.deepEqual(pickle.cwes, [502]);
    assert.deepEqual(pickle.properties, [
      { name: 'mlbom:rule', value: 'unsafe-pickle' },
      { name: 'mlbom:evidence', value: 'c.pkl' },
      { name: 'mlbom:finding_detail', value: 'os.system' },
    ]);
    assert.equal(bom.vulnerabilities[1]!.properties.find((p) => p.name === 'mlbom:evidence')!.value, 'a.py:2');
  });
});

describe('findings: scan --fail-on', () => {
  async function project(dir: string): Promise<void> {
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'src', 'load.py'), 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/remote-model", trust_remote_code=True)\n');
  }

  it('exits 1 at or above the threshold, after writing the BOM, and 0 below it', async () => {
    await withTempDir(async (dir) => {
      await project(dir);
      const out = join(dir, 'bom.json');
      const high = await runCli(['scan', dir, '-o', out, '--fail-on', 'high']);
      assert.equal(high.code, 1, high.stderr);
      assert.match(high.stderr, /mlbom: finding: \[high\] trust-remote-code: org\/remote-model is loaded with trust_remote_code=True/);
      assert.match(high.stderr, /mlbom: error: 1 finding\(s\) at or above high \(--fail-on high\)/);
      const bom = JSON.parse(await readFile(out, 'utf8')) as { vulnerabilities: { properties: { name: string; value: string }[] }[] };
      assert.ok(bom.vulnerabilities.some((v) => v.properties.some((p) => p.value === 'src/load.py:2')));
      const critical = await runCli(['scan', dir, '-o', out, '--fail-on', 'critical']);
      assert.equal(critical.code, 0, critical.stderr);
      const quiet = await runCli(['scan', dir, '-o', out, '-q']);
      assert.equal(quiet.stderr, '');
    });
  });

  it('--sarif writes a schema-valid SARIF log with paths from the repository root', async () => {
    await withTempDir(async (dir) => {
      await project(join(dir, 'svc'));
      // Run from the "checkout root" and scan a subfolder, as CI does.
      const r = await runCli(['scan', 'svc', '-o', 'bom.json', '--sarif', 'out.sarif'], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const log = JSON.parse(await readFile(join(dir, 'out.sarif'), 'utf8')) as {
        runs: { automationDetails: { id: string }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[];
      };
      assert.deepEqual(sarifSchemaErrors(log), []);
      const trc = log.runs[0]!.results.find((x) => x.ruleId === 'trust-remote-code')!;
      assert.equal(trc.level, 'error');
      assert.deepEqual(trc.locations[0]!.physicalLocation.artifactLocation.uri, 'svc/src/load.py');
      assert.equal(trc.locations[0]!.physicalLocation.region?.startLine, 2);
      assert.equal(log.runs[0]!.automationDetails.id, 'mlbom/scan/');
      assert.ok(!JSON.stringify(log).includes(dir), 'no absolute path in the SARIF');
      const unwritable = await runCli(['scan', 'svc', '-o', 'bom.json', '--sarif', 'no/such/dir/out.sarif'], { cwd: dir });
      assert.equal(unwritable.code, 2);
      assert.match(unwritable.stderr, /mlbom: error: cannot write no\/such\/dir\/out\.sarif: ENOENT/);
    });
  });

  it('never passes control characters from a scanned file to the terminal', async () => {
    await withTempDir(async (dir) => {
      // Protocol 4: SHORT_BINUNICODE module (with an ANSI clear-screen), SHORT_BINUNICODE name, STACK_GLOBAL, STOP.
      const mod = Buffer.from('evil\x1b[2Jmod\u0007', 'latin1');
      const bytes = Buffer.concat([Buffer.from([0x80, 4, 0x8c, mod.length]), mod, Buffer.from([0x8c, 1]), Buffer.from('x'), Buffer.from([0x93, 0x2e])]);
      await writeFile(join(dir, 'w.pkl'), bytes);
      const r = await runCli(['scan', dir, '-o', join(dir, 'bom.json')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /unknown-pickle-globals: w\.pkl imports 1 global\(s\) outside the safe allow-list: evil\?\[2Jmod\?\.x/);
      assert.ok(!/[\x00-\x09\x0b-\x1f\x7f]/.test(r.stderr), JSON.stringify(r.stderr));
    });
  });

  it('rejects an unknown severity with exit 2 and one line', async () => {
    const r = await runCli(['scan', 'fixtures/demo-project', '--fail-on', 'severe']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});
