import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  dataFormatOf,
  describeDataFile,
  isDatasetCandidate,
  MAX_SCAN_BYTES,
  scanner,
} from '../../src/scanners/dataset-files/index.js';
import { maskedCrc32c, crc32c } from '../../src/scanners/dataset-files/records.js';
import { bufferSource, withFileSource, type ByteSource } from '../../src/util/byte-source.js';
import { fixturePath, withTempDir } from '../helpers.js';

const root = fixturePath('scanners', 'dataset-files');
const ctx = (path: string) => ({ path, exists: () => false });
const scan = async (text: string, path: string) => scanner.scan(text, ctx(path));
const read = (rel: string): string => readFileSync(join(root, rel), 'utf8');
const bytes = (s: string | Uint8Array): ByteSource => bufferSource(typeof s === 'string' ? Buffer.from(s) : s);
const describeFixture = (rel: string) => withFileSource(join(root, rel), (src) => describeDataFile(src, rel));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = join(dir, name);
    return statSync(abs).isDirectory() ? walk(abs) : [relative(root, abs).split(sep).join('/')];
  });
}

describe('dataset-files: dataset cards', () => {
  it('claims README.md and README.markdown outside vendored and test folders', () => {
    const claimed = ['README.md', 'data/reviews/Readme.md', 'x/README.markdown', 'README.txt', 'docs/intro.md', 'node_modules/x/README.md', 'tests/fixtures/ds/README.md'];
    assert.deepEqual(claimed.filter((p) => scanner.claims(p)), ['README.md', 'data/reviews/Readme.md', 'x/README.markdown']);
  });

  it('reads the fixture card into one dataset asset', async () => {
    const r = await scan(read('README.md'), 'README.md');
    assert.deepEqual(r.issues, []);
    assert.deepEqual(r.relationships, []);
    assert.deepEqual(r.assets, [
      {
        id: 'dataset:.',
        kind: 'dataset',
        name: 'Product Review Sentiment',
        scanners: ['dataset-files'],
        locations: [{ path: 'README.md', line: 1 }],
        files: [],
        props: {
          task_categories: ['text-classification'],
          task_ids: ['sentiment-classification'],
          size_categories: ['n<1K'],
          languages: ['en'],
          pretty_name: 'Product Review Sentiment',
          configs: ['default', 'raw'],
          data_files: ['data/eval.jsonl', 'data/train.csv', 'raw/*.parquet'],
          source_datasets: ['original'],
          splits: ['train', 'validation'],
        },
        model: { licenses: ['cc-by-4.0'] },
        parsed: true,
        confidence: 0.95,
        dataset: {
          formats: ['csv', 'jsonl', 'parquet'],
          rows: 7,
          rowsCapped: false,
          contents:
            'Short English product reviews from an online shop, each labelled positive or negative by two annotators. Built to fine-tune and evaluate the bert-sentiment classifier.',
        },
      },
    ]);
  });

  it('names a card in a folder by pretty_name, else the folder, else its title', async () => {
    const card = (yaml: string, body = '# Dataset Card for "imdb-mini"\n\nMovie reviews.\n') => `---\n${yaml}\n---\n${body}`;
    const a = (await scan(card('pretty_name: Reviews\ntask_categories: [text-classification]'), 'datasets/reviews/README.md')).assets[0];
    assert.equal(a?.id, 'dataset:datasets/reviews');
    assert.equal(a?.name, 'Reviews');
    const b = (await scan(card('task_categories: [text-classification]'), 'datasets/reviews/README.md')).assets[0];
    assert.equal(b?.name, 'reviews');
    const c = (await scan(card('task_categories: [text-classification]'), 'README.md')).assets[0];
    assert.equal(c?.name, 'imdb-mini');
    assert.equal(c?.dataset?.contents, 'Movie reviews.');
  });

  it('gives a Hub cache snapshot its repo id, revision and purl', async () => {
    const sha = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678';
    const path = `hub/datasets--example-shop--product-reviews/snapshots/${sha}/README.md`;
    const a = (await scan(read('README.md'), path)).assets[0];
    assert.equal(a?.id, 'dataset:hf:example-shop/product-reviews');
    assert.equal(a?.group, 'example-shop');
    assert.equal(a?.name, 'product-reviews');
    assert.equal(a?.version, sha.toLowerCase());
    assert.equal(a?.purl, `pkg:huggingface/example-shop/product-reviews@${sha.toLowerCase()}?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets`);
    assert.equal(a?.props.pretty_name, 'Product Review Sentiment');
    const model = await scan(read('README.md'), `hub/models--org--m/snapshots/${sha}/README.md`);
    assert.deepEqual(model.assets, []);
  });

  it('leaves model cards, project READMEs and other front matter alone', async () => {
    for (const rel of ['models/bert-sentiment/README.md', 'app/README.md']) {
      assert.deepEqual(await scan(read(rel), rel), { assets: [], relationships: [], issues: [] }, rel);
    }
    const mixed = '---\npipeline_tag: text-classification\ntask_categories: [text-classification]\npretty_name: X\n---\n# X\n';
    assert.deepEqual((await scan(mixed, 'README.md')).assets, []);
    const jekyll = '---\ntitle: Home\nlayout: default\n---\n# Welcome\n';
    assert.deepEqual(await scan(jekyll, 'README.md'), { assets: [], relationships: [], issues: [] });
    const configsOnly = '---\nconfigs:\n- config_name: default\n---\n';
    assert.deepEqual((await scan(configsOnly, 'README.md')).assets, []);
  });

  it('accepts every data_files shape and a license list, and reads classification', async () => {
    const yaml = [
      'license: [cc-by-sa-4.0, other]',
      'license_name: shop-data-license',
      'classification: internal',
      'configs:',
      '- config_name: a',
      '  data_files: a/*.csv',
      '- config_name: b',
      '  data_files: [b/1.jsonl, b/2.jsonl]',
      '- config_name: c',
      '  data_files:',
      '  - split: test',
      '    path: [c/test-0.parquet, c/test-1.parquet]',
    ].join('\n');
    const a = (await scan(`---\n${yaml}\n---\n`, 'x/README.md')).assets[0];
    assert.deepEqual(a?.props.data_files, ['a/*.csv', 'b/1.jsonl', 'b/2.jsonl', 'c/test-0.parquet', 'c/test-1.parquet']);
    assert.deepEqual(a?.props.splits, ['test']);
    assert.equal(a?.props.license_name, 'shop-data-license');
    assert.deepEqual(a?.model.licenses, ['cc-by-sa-4.0', 'other']);
    assert.deepEqual(a?.dataset, { formats: ['csv', 'jsonl', 'parquet'], classification: 'internal' });
  });

  it('finds the summary of the older template and skips placeholders and boilerplate', async () => {
    const body = [
      '# Dataset Card for "squad-mini"',
      '',
      '## Table of Contents',
      '- [Dataset Description](#dataset-description)',
      '  - [Dataset Summary](#dataset-summary)',
      '',
      '## Dataset Description',
      '',
      '- **Homepage:** https://example.org',
      '',
      '### Dataset Summary',
      '',
      '[More Information Needed]',
      '',
      'A reading comprehension set of questions',
      'posed on Wikipedia articles.',
    ].join('\n');
    const a = (await scan(`---\ntask_categories: [question-answering]\n---\n${body}`, 'README.md')).assets[0];
    assert.equal(a?.dataset?.contents, 'A reading comprehension set of questions posed on Wikipedia articles.');
    const long = (await scan(`---\ntask_ids: [x]\n---\n# T\n\n${'word '.repeat(200)}\n`, 'README.md')).assets[0];
    assert.equal(Array.from(long?.dataset?.contents ?? '').length, 500);
    assert.ok(long?.dataset?.contents?.endsWith('…'));
  });

  it('never copies a credential from the card', async () => {
    const key = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    const text = `---\npretty_name: ${key}\ntask_ids: [x]\n---\n# Data\n\nDownload with token ${key} first.\n`;
    const r = await scan(text, 'README.md');
    assert.equal(r.assets.length, 1);
    assert.ok(!JSON.stringify(r).includes(key));
  });

  it('reports broken front matter only when it looks like a dataset card', async () => {
    const broken = '---\npretty_name: Reviews\ntask_categories: [text-classification\n---\n# Reviews\n';
    const r = await scan(broken, 'data/README.md');
    assert.deepEqual(r.assets, []);
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0]?.path, 'data/README.md');
    assert.equal(r.issues[0]?.scanner, 'dataset-files');
    assert.match(r.issues[0]?.message ?? '', /^invalid dataset card front matter: /);
    assert.deepEqual(await scan('---\ntitle: [oops\n---\n', 'README.md'), { assets: [], relationships: [], issues: [] });
    assert.deepEqual((await scan('---\ntask_ids: x\nno closing fence\n', 'README.md')).issues.length, 1);
  });
});

describe('dataset-files: which files are datasets', () => {
  it('maps name endings to formats', () => {
    const cases: [string, ReturnType<typeof dataFormatOf>][] = [
      ['a/train.csv', { format: 'csv', compressed: false }],
      ['A/TRAIN.TSV', { format: 'tsv', compressed: false }],
      ['x.ndjson', { format: 'jsonl', compressed: false }],
      ['x.jsonl.zst', { format: 'jsonl', compressed: true }],
      ['x.csv.gz', { format: 'csv', compressed: true }],
      ['shard-0.tfrecord.gz', { format: 'tfrecord', compressed: true }],
      ['x.tfrecords', { format: 'tfrecord', compressed: false }],
      ['x.parquet', { format: 'parquet', compressed: false }],
      ['x.arrow', { format: 'arrow', compressed: false }],
      ['x.feather', { format: 'feather', compressed: false }],
      ['x.avro', { format: 'avro', compressed: false }],
      ['x.parquet.gz', undefined],
      ['x.json', undefined],
      ['.csv', undefined],
      ['notes.gz', undefined],
    ];
    for (const [path, want] of cases) assert.deepEqual(dataFormatOf(path), want, path);
  });

  it('picks the data files of the fixture tree', () => {
    const candidates = walk(root).filter((p) => isDatasetCandidate(p, false)).sort();
    assert.deepEqual(candidates, ['data/bad.parquet', 'data/eval.jsonl', 'data/sample.parquet', 'data/train.csv']);
  });

  it('follows folder, split-name, test and vendor rules', () => {
    const yes = [
      'corpora/wiki.txt.jsonl', 'raw_data/2024.csv', 'processed/x.tsv', 'eval/gsm8k.jsonl', 'train-00000-of-00004.parquet',
      'squad_dev.jsonl', 'test.en.tsv', 'validation.csv', 'exports/scores.parquet', 'tests/data/golden.csv',
      'hub/datasets--org--ds/snapshots/abc/x.csv',
    ];
    const no = [
      'results.csv', 'test_results.csv', 'values.csv', 'metadata/x.csv', 'tests/train.csv', 'src/tests/fixtures/sample.csv',
      'node_modules/x/data/y.csv', '.venv/lib/site-packages/sklearn/datasets/data/iris.csv', 'vendor/data/a.parquet',
      'pkg/testdata/x.parquet', 'data/readme.md', 'data/x.json',
    ];
    for (const p of yes) assert.equal(isDatasetCandidate(p, false), true, p);
    for (const p of no) assert.equal(isDatasetCandidate(p, false), false, p);
    assert.equal(isDatasetCandidate('results.csv', true), true);
    assert.equal(isDatasetCandidate('tests/fixtures/sample.csv', true), false);
    assert.equal(isDatasetCandidate('node_modules/x/data/y.csv', true), false);
  });
});

/** A source that records how it is read, to prove reads stay small and bounded. */
function tracked(src: ByteSource): ByteSource & { maxRead: number; total: number } {
  const t = {
    size: src.size,
    maxRead: 0,
    total: 0,
    read: async (offset: number, length: number) => {
      t.maxRead = Math.max(t.maxRead, length);
      const got = await src.read(offset, length);
      t.total += got.length;
      return got;
    },
  };
  return t;
}

const zz = (n: number): number[] => {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  do {
    out.push((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    v = Math.floor(v / 128);
  } while (v > 0);
  return out;
};
const avroBytes = (s: string | Uint8Array): number[] => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return [...zz(b.length), ...b];
};
const SYNC = Array.from({ length: 16 }, (_, i) => i * 7 + 1);

/** An avro container: blocks of [count, payload bytes]. */
function avroFile(blocks: [number, number][]): Uint8Array {
  const schema = JSON.stringify({ type: 'record', name: 'Review', fields: [{ name: 'id', type: 'int' }, { name: 'text', type: 'string' }] });
  const out = [0x4f, 0x62, 0x6a, 0x01, ...zz(2), ...avroBytes('avro.schema'), ...avroBytes(schema), ...avroBytes('avro.codec'), ...avroBytes('null'), ...zz(0), ...SYNC];
  for (const [count, size] of blocks) out.push(...zz(count), ...zz(size), ...new Array<number>(size).fill(0x61), ...SYNC);
  return Uint8Array.from(out);
}

function tfrecord(records: Uint8Array[]): Uint8Array {
  const parts = records.flatMap((data) => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(data.length));
    const crcs = Buffer.alloc(8);
    crcs.writeUInt32LE(maskedCrc32c(len), 0);
    crcs.writeUInt32LE(maskedCrc32c(data), 4);
    return [len, crcs.subarray(0, 4), data, crcs.subarray(4)];
  });
  return Buffer.concat(parts);
}

describe('dataset-files: describeDataFile', () => {
  it('counts CSV rows across quoted newlines and reads the quoted header', async () => {
    assert.deepEqual(await describeFixture('data/train.csv'), { format: 'csv', compressed: false, rows: 4, rowsCapped: false, columns: ['id', 'text', 'label'], issues: [] });
  });

  it('counts non-empty JSON Lines rows and takes the first object keys', async () => {
    assert.deepEqual(await describeFixture('data/eval.jsonl'), { format: 'jsonl', compressed: false, rows: 3, rowsCapped: false, columns: ['id', 'text', 'label'], issues: [] });
  });

  it('reads num_rows and top-level columns from a parquet footer', async () => {
    assert.deepEqual(await describeFixture('data/sample.parquet'), { format: 'parquet', compressed: false, rows: 3, columns: ['id', 'text', 'meta'], issues: [] });
    assert.deepEqual(await describeFixture('data/bad.parquet'), { format: 'parquet', compressed: false, issues: ['not a parquet file'] });
  });

  it('handles CRLF, TSV, blank lines, stray and unterminated quotes, and headerless files', async () => {
    const d = (text: string, path = 'x.csv') => describeDataFile(bytes(text), path);
    assert.deepEqual(await d('\uFEFFa,b\r\n1,2\r\n\r\n3,4'), { format: 'csv', compressed: false, rows: 2, rowsCapped: false, columns: ['a', 'b'], issues: [] });
    assert.deepEqual((await d('name\tscore\nx\t1\ny\t2\n', 'x.tsv')).columns, ['name', 'score']);
    assert.equal((await d('item,size\nmonitor,27" screen\ntv,55" panel\n')).rows, 2);
    assert.deepEqual((await d('a,b\n1,"never closed\n2,3\n')).issues, ['unterminated quoted field']);
    const headerless = await d('1,0.5\n2,0.25\n');
    assert.equal(headerless.rows, 2);
    assert.equal(headerless.columns, undefined);
    const wide = await d(`${Array.from({ length: 150 }, (_, i) => `c${i}${'x'.repeat(150)}`).join(',')}\n1\n`);
    assert.equal(wide.columns?.length, 100);
    assert.ok(wide.columns?.every((c) => c.length === 100));
  });

  it('never turns a credential into a column name', async () => {
    const key = 'AKIAIOSFODNN7EXAMPLE';
    const r = await describeDataFile(bytes(`${key},wJalrXUtnFEMI\n`), 'data/keys.csv');
    assert.equal(r.columns, undefined);
    assert.ok(!JSON.stringify(r).includes(key));
  });

  it('stops a 100 MiB CSV at the 64 MiB cap with small reads', async () => {
    await withTempDir(async (dir) => {
      const line = '1234567890,abcdefghijklmnopqrst\n'; // 32 bytes: 2^15 lines per MiB
      const block = Buffer.from(line.repeat(32768));
      block.write('identifier,text_col____________\n', 0);
      const file = join(dir, 'big.csv');
      const fh = await open(file, 'w');
      for (let i = 0; i < 100; i++) await fh.write(i === 0 ? block : Buffer.from(line.repeat(32768)));
      await fh.close();
      const r = await withFileSource(file, async (src) => {
        const t = tracked(src);
        const info = await describeDataFile(t, 'big.csv');
        assert.ok(t.maxRead <= 1024 * 1024, `read ${t.maxRead} bytes at once`);
        assert.ok(t.total <= MAX_SCAN_BYTES + 4096, `read ${t.total} bytes in all`);
        return info;
      });
      assert.deepEqual(r, { format: 'csv', compressed: false, rows: MAX_SCAN_BYTES / 32 - 1, rowsCapped: true, columns: ['identifier', 'text_col____________'], issues: [] });
    });
  });

  it('counts a JSON Lines file with a 10 MB line without reading it whole', async () => {
    const text = `{"text":"${'a'.repeat(10_000_000)}"}\n{"id":2}\n\n{"id":3}`;
    const t = tracked(bytes(text));
    const r = await describeDataFile(t, 'data/long.jsonl');
    assert.deepEqual(r, { format: 'jsonl', compressed: false, rows: 3, rowsCapped: false, issues: [] });
    assert.ok(t.maxRead <= 1024 * 1024);
    assert.deepEqual((await describeDataFile(bytes('id,text\n1,a\n'), 'x.jsonl')).issues, ['first line is not valid json']);
  });

  it('reports empty, truncated and hostile parquet files', async () => {
    const good = readFileSync(join(root, 'data/sample.parquet'));
    const d = (b: Uint8Array) => describeDataFile(bytes(b), 'x.parquet');
    assert.deepEqual((await d(new Uint8Array(0))).issues, ['empty file']);
    assert.deepEqual((await d(good.subarray(0, good.length - 3))).issues, ['truncated parquet file: no footer magic']);
    const huge = Buffer.from(good);
    huge.writeUInt32LE(0xfffffff0, huge.length - 8);
    assert.deepEqual((await d(huge)).issues, [`parquet footer length ${0xfffffff0} exceeds the file`]);
    const deep = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(5000, 0x1c), Buffer.from([0x88, 0x13, 0, 0]), Buffer.from('PAR1')]);
    assert.match((await d(deep)).issues[0] ?? '', /^unreadable parquet footer: nesting deeper than 64$/);
    const garbage = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 0xff), Buffer.from([64, 0, 0, 0]), Buffer.from('PAR1')]);
    assert.match((await d(garbage)).issues[0] ?? '', /^unreadable parquet footer: /);
    const encrypted = Buffer.concat([good.subarray(0, good.length - 4), Buffer.from('PARE')]);
    assert.deepEqual(await d(encrypted), { format: 'parquet', compressed: false, issues: [] });
  });

  it('checks arrow and feather magic', async () => {
    const d = (b: Uint8Array, path: string) => describeDataFile(bytes(b), path).then((r) => r.issues);
    const ipcFile = Buffer.concat([Buffer.from('ARROW1\0\0'), Buffer.alloc(16), Buffer.from('ARROW1')]);
    assert.deepEqual(await d(ipcFile, 'x.arrow'), []);
    assert.deepEqual(await d(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0]), 'data-00000-of-00001.arrow'), []);
    assert.deepEqual(await d(ipcFile.subarray(0, 20), 'x.arrow'), ['truncated arrow file: no footer magic']);
    assert.deepEqual(await d(Buffer.from('hello world'), 'x.arrow'), ['not an arrow ipc file']);
    assert.deepEqual(await d(Buffer.from('FEA1\0\0\0\0FEA1'), 'x.feather'), []);
    assert.deepEqual(await d(ipcFile, 'x.feather'), []);
    assert.deepEqual(await d(Buffer.from('PAR1xxxxPAR1'), 'x.feather'), ['not a feather file']);
  });

  it('counts avro rows from block headers and reads the record fields', async () => {
    const file = avroFile([[3, 40], [2, 25], [0, 0]]);
    assert.deepEqual(await describeDataFile(bytes(file), 'x.avro'), { format: 'avro', compressed: false, columns: ['id', 'text'], rows: 5, rowsCapped: false, issues: [] });
    assert.deepEqual((await describeDataFile(bytes(file.subarray(0, file.length - 20)), 'x.avro')).issues, ['truncated avro file']);
    const badSync = Uint8Array.from(file);
    badSync[badSync.length - 1] = 0;
    assert.deepEqual((await describeDataFile(bytes(badSync), 'x.avro')).issues, ['avro block sync marker mismatch']);
    assert.deepEqual((await describeDataFile(bytes('Obj\x02'), 'x.avro')).issues, ['not an avro file']);
    assert.deepEqual((await describeDataFile(bytes(file.subarray(0, 30)), 'x.avro')).issues, ['truncated avro header']);
  });

  it('counts TFRecord records by their checksummed headers', async () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283); // the CRC-32C check value
    const file = tfrecord([Buffer.from('first example'), Buffer.alloc(70_000, 1), Buffer.alloc(0)]);
    assert.deepEqual(await describeDataFile(bytes(file), 'train.tfrecord'), { format: 'tfrecord', compressed: false, rows: 3, rowsCapped: false, issues: [] });
    assert.deepEqual((await describeDataFile(bytes(file.subarray(0, 40)), 'x.tfrecord')).issues, ['truncated tfrecord file']);
    assert.deepEqual((await describeDataFile(bytes('not a tfrecord at all'), 'x.tfrecord')).issues, ['not a tfrecord file']);
    assert.deepEqual(await describeDataFile(bytes(gzipSync(file)), 'x.tfrecord'), { format: 'tfrecord', compressed: true, issues: [] });
  });

  it('checks compression magic without counting, and recognises Git LFS pointers', async () => {
    assert.deepEqual(await describeDataFile(bytes(gzipSync('a,b\n1,2\n')), 'x.csv.gz'), { format: 'csv', compressed: true, issues: [] });
    assert.deepEqual((await describeDataFile(bytes('{"a":1}\n'), 'x.jsonl.zst')).issues, ['not a zstd file']);
    const oid = 'c'.repeat(64);
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 123456789\n`;
    assert.deepEqual(await describeDataFile(bytes(pointer), 'data/train.parquet'), {
      format: 'parquet',
      compressed: false,
      lfs: { sha256: oid, size: 123456789 },
      issues: ['git lfs pointer: content not checked out'],
    });
  });

  it('reports empty files, unknown names and read errors without throwing', async () => {
    assert.deepEqual(await describeDataFile(bytes(''), 'x.csv'), { format: 'csv', compressed: false, rows: 0, issues: ['empty file'] });
    assert.deepEqual(await describeDataFile(bytes(''), 'x.jsonl'), { format: 'jsonl', compressed: false, rows: 0, issues: ['empty file'] });
    assert.deepEqual((await describeDataFile(bytes('x'), 'x.txt')).issues, ['not a recognised data file name']);
    const failing: ByteSource = { size: 10, read: () => Promise.reject(Object.assign(new Error('boom'), { code: 'EIO' })) };
    assert.deepEqual(await describeDataFile(failing, 'x.parquet'), { format: 'parquet', compressed: false, issues: ['read failed: eio'] });
  });

  it('survives arbitrary bytes under every data name', async () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const name of ['x.csv', 'x.tsv', 'x.jsonl', 'x.parquet', 'x.arrow', 'x.feather', 'x.avro', 'x.tfrecord', 'x.csv.gz']) {
      for (let i = 0; i < 50; i++) {
        const b = Uint8Array.from({ length: next() % 300 }, () => next() % 256);
        if (i % 5 === 0) b.set(Buffer.from(name.endsWith('.parquet') ? 'PAR1' : name.endsWith('.avro') ? 'Obj\x01' : 'ARROW1').subarray(0, b.length));
        const r = await describeDataFile(bytes(b), name);
        assert.ok(Array.isArray(r.issues), name);
      }
    }
  });
});
