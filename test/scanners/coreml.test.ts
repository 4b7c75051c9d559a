import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bufferSource, withFileSource } from '../../src/util/byte-source.js';
import type { FileScan } from '../../src/types.js';
import { detectMlPackages, findMlPackageModel, scanner } from '../../src/scanners/coreml/index.js';
import { fixturePath } from '../helpers.js';
import { unparsedAsserter } from '../util/assert-scan.js';
import { int, msg, str } from '../util/protobuf-writer.js';
import { garbage } from '../util/pseudo-random.js';

const fixture = (...parts: string[]) => fixturePath('scanners', 'coreml', ...parts);
const scan = (b: Uint8Array): Promise<FileScan> => scanner.scan(bufferSource(b), { path: 'model.mlmodel' });
const scanFixture = (...parts: string[]): Promise<FileScan> =>
  withFileSource(fixture(...parts), (src) => scanner.scan(src, { path: parts.join('/') }));

const assertUnparsed = unparsedAsserter('coreml');

describe('coreml scanner', () => {
  it('claims .mlmodel', () => {
    assert.equal(scanner.name, 'coreml');
    assert.deepEqual(scanner.extensions, ['.mlmodel']);
  });

  it('reads the tiny classifier fixture', async () => {
    const s = await scanFixture('tiny.mlmodel');
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, {
      specification_version: 4,
      coreml_model_type_field: 403,
      coreml_model_type: 'neuralNetworkClassifier',
      input_count: 1,
      output_count: 2,
      coreml_user_defined_keys: ['com.github.apple.coremltools.source', 'com.github.apple.coremltools.version'],
      coremltools_version: '7.1',
      coremltools_source: 'torch==2.1.0',
    });
    assert.deepEqual(s.model, {
      description: 'Tiny demo classifier.',
      version: '1.0',
      author: 'demo',
      licenses: ['MIT'],
    });
  });

  it('reads the ml program inside the .mlpackage fixture', async () => {
    const s = await scanFixture('Demo.mlpackage', 'Data', 'com.apple.CoreML', 'model.mlmodel');
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, {
      specification_version: 7,
      coreml_model_type_field: 502,
      coreml_model_type: 'mlProgram',
      input_count: 1,
      output_count: 1,
    });
    assert.deepEqual(s.model, { version: '2.0' });
  });

  it('keeps an unknown model type as a number, and reads isUpdatable', async () => {
    const s = await scan(Buffer.concat([int(1, 9), int(10, 1), msg(4321, int(1, 1))]));
    assert.equal(s.parsed, true, s.reason);
    assert.deepEqual(s.props, { specification_version: 9, coreml_model_type_field: 4321, is_updatable: true });
  });

  it('finds .mlpackage folders and their spec', async () => {
    const manifest = JSON.parse(await readFile(fixture('Demo.mlpackage', 'Manifest.json'), 'utf8'));
    assert.equal(manifest.itemInfoEntries[manifest.rootModelIdentifier].path, 'com.apple.CoreML/model.mlmodel');
    const paths = [
      'README.md',
      'models/Demo.mlpackage/Data/com.apple.CoreML/model.mlmodel',
      'models/Demo.mlpackage/Data/com.apple.CoreML/weights/weight.bin',
      'models/Demo.mlpackage/Manifest.json',
      'models/NoManifest.mlpackage/Data/com.apple.CoreML/model.mlmodel',
      'models/NotAPackage/Manifest.json',
    ];
    assert.deepEqual(detectMlPackages(paths), [
      {
        dir: 'models/Demo.mlpackage',
        model: 'models/Demo.mlpackage/Data/com.apple.CoreML/model.mlmodel',
        files: [
          'models/Demo.mlpackage/Data/com.apple.CoreML/model.mlmodel',
          'models/Demo.mlpackage/Data/com.apple.CoreML/weights/weight.bin',
          'models/Demo.mlpackage/Manifest.json',
        ],
      },
    ]);
    assert.equal(findMlPackageModel(paths, 'models/NoManifest.mlpackage'), undefined);
    assert.equal(
      findMlPackageModel(['Manifest.json', 'Data/com.apple.CoreML/model.mlmodel'], '.'),
      'Data/com.apple.CoreML/model.mlmodel',
    );
  });

  it('rejects random garbage bytes', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const s = await scan(garbage(1 + ((seed * 97) % 3000), seed));
      assert.equal(s.parsed, false, `seed ${seed} parsed`);
      assert.ok(s.reason, `seed ${seed} has no reason`);
    }
    assertUnparsed(await scan(garbage(4096, 7)), 'not a core ml protobuf: ');
  });

  it('rejects a zero-byte file', async () => {
    assertUnparsed(await scan(new Uint8Array(0)), 'empty file');
  });

  it('rejects a truncated model (description cut short)', async () => {
    const whole = await readFile(fixture('tiny.mlmodel'));
    const s = await scan(whole.subarray(0, 40));
    assertUnparsed(s, 'not a core ml protobuf: at byte 2: field 2 length 233 exceeds the 35 bytes remaining');
    assert.equal(s.props.specification_version, 4);
  });

  it('rejects a valid protobuf that is not a core ml model', async () => {
    assertUnparsed(await scan(msg(2, msg(1, str(1, 'x')))), 'not a core ml model: no specificationVersion');
    assertUnparsed(await scan(int(1, 4)), 'not a core ml model: no description or model type');
  });

  it('rejects a text file named .mlmodel', async () => {
    assertUnparsed(await scan(Buffer.from('hello world, this is not a model\n')), 'group wire type 4');
  });
});
