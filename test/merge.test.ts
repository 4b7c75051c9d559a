import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeAssets, resolveLocalPath } from '../src/resolve/merge.js';
import type { Asset } from '../src/types.js';

function asset(over: Partial<Asset> & Pick<Asset, 'id'>): Asset {
  return {
    kind: 'model',
    name: over.id,
    scanners: ['code-refs'],
    locations: [],
    files: [],
    props: {},
    model: {},
    parsed: true,
    ...over,
  };
}

describe('resolve: merge', () => {
  it('makes one asset of the same id seen in several files, with every location', () => {
    const { assets } = mergeAssets([
      asset({ id: 'model:hf:org/m', locations: [{ path: 'b.py', line: 3 }], unpinned: true, confidence: 0.8 }),
      asset({ id: 'model:hf:org/m', scanners: ['config-refs'], locations: [{ path: 'a.yaml', line: 9 }], unpinned: true, confidence: 0.95 }),
    ], []);
    assert.equal(assets.length, 1);
    assert.deepEqual(assets[0]?.locations, [{ path: 'a.yaml', line: 9 }, { path: 'b.py', line: 3 }]);
    assert.deepEqual(assets[0]?.scanners, ['code-refs', 'config-refs']);
    assert.equal(assets[0]?.confidence, 0.95);
    assert.equal(assets[0]?.unpinned, true);
  });

  it('keeps two pinned revisions of one repo as two components, and the unpinned reference as a third', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const { assets } = mergeAssets([
      asset({ id: 'model:hf:org/m', version: a, locations: [{ path: 'x.py', line: 1 }] }),
      asset({ id: 'model:hf:org/m', version: b, locations: [{ path: 'y.py', line: 1 }] }),
      asset({ id: 'model:hf:org/m', unpinned: true, locations: [{ path: 'z.py', line: 1 }] }),
    ], []);
    assert.deepEqual(assets.map((x) => x.id), ['model:hf:org/m', `model:hf:org/m@${a}`, `model:hf:org/m@${b}`]);
  });

  it('links a local-path reference to the local model it names, relative to the file or the root, and rewrites links', () => {
    const local = asset({ id: 'model:models/bert', scanners: ['hf-model-dir'], locations: [{ path: 'models/bert' }], files: [{ path: 'models/bert/model.safetensors', size: 1, role: 'weights' }] });
    const fromSrc = asset({ id: 'model:ref:../models/bert', localPath: '../models/bert', locations: [{ path: 'src/app.py', line: 4 }], trustRemoteCode: true });
    const fromRoot = asset({ id: 'model:ref:models/bert/model.safetensors', localPath: './models/bert/model.safetensors', locations: [{ path: 'train.py', line: 8 }] });
    const missing = asset({ id: 'model:ref:/mnt/models/x', localPath: '/mnt/models/x', locations: [{ path: 'serve.py', line: 2 }] });
    const prompt = asset({ id: 'prompt:p.prompt', kind: 'prompt' });
    const { assets, relationships } = mergeAssets([local, fromSrc, fromRoot, missing, prompt], [{ from: 'prompt:p.prompt', to: 'model:ref:../models/bert', type: 'targets' }]);
    assert.deepEqual(assets.map((x) => x.id), ['model:models/bert', 'model:ref:/mnt/models/x', 'prompt:p.prompt']);
    const bert = assets[0] as Asset;
    assert.deepEqual(bert.locations, [{ path: 'models/bert' }, { path: 'src/app.py', line: 4 }, { path: 'train.py', line: 8 }]);
    assert.equal(bert.trustRemoteCode, true);
    assert.deepEqual(relationships, [{ from: 'prompt:p.prompt', to: 'model:models/bert', type: 'targets' }]);
  });

  it('takes a package version from the lock file and keeps the manifest range', () => {
    const { assets } = mergeAssets([
      asset({ id: 'package:pypi:torch', kind: 'package', scanners: ['pip'], pkg: { ecosystem: 'pypi', versionRange: '>=2,<3', scope: 'dev', ai: true }, purl: 'pkg:pypi/torch' }),
      asset({ id: 'package:pypi:torch', kind: 'package', scanners: ['pip'], version: '2.4.0', purl: 'pkg:pypi/torch@2.4.0', pkg: { ecosystem: 'pypi', scope: 'required', ai: true, hashes: ['sha256:ab'] } }),
    ], []);
    assert.equal(assets.length, 1);
    assert.equal(assets[0]?.version, '2.4.0');
    assert.equal(assets[0]?.purl, 'pkg:pypi/torch@2.4.0');
    assert.deepEqual(assets[0]?.pkg, { ecosystem: 'pypi', scope: 'required', ai: true, versionRange: '>=2,<3', hashes: ['sha256:ab'] });
  });

  it('resolves written paths without ever leaving the root', () => {
    assert.deepEqual(resolveLocalPath('./models/x/', 'src/app.py'), ['src/models/x', 'models/x']);
    assert.deepEqual(resolveLocalPath('../../etc/passwd', 'app.py'), []);
    assert.deepEqual(resolveLocalPath('/abs/path', 'app.py'), []);
    assert.deepEqual(resolveLocalPath('~/models', 'app.py'), []);
  });
});
