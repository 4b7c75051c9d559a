/**
 * Build step: bundle the compiled CLI (dist/src/cli/index.js) into a few
 * files under dist/cli/, which bin/mlbom.js loads when they are current.
 *
 * Why: unbundled, every scan starts by resolving, reading and compiling
 * about 400 modules, half a second of CPU on a 2-core runner before any
 * work. That start-up competes with the hash workers for the same cores.
 * One bundle with lazily loaded chunks (one per CLI command, the parse
 * stage, the output stages, undici) does the same in a fraction of it.
 *
 * The bundle is built from tsc's output, not from src/, so it runs exactly
 * the code the tests compile, and it changes nothing about how modules find
 * their files: every `import.meta.url` is rewritten to the URL the module
 * has in dist/src/, so templates, package.json, the precompiled validators,
 * the hash worker and build-id.json are found where they always are.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distSrc = join(root, 'dist', 'src');
const outdir = join(root, 'dist', 'cli');

const posix = (p) => p.split(sep).join('/');

/** Every compiled module keeps its own URL, relative to the chunk it ends up in (all chunks sit in outdir). */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      if (contents.includes('import.meta.url')) {
        const rel = JSON.stringify(posix(relative(outdir, args.path)));
        contents = contents.replaceAll('import.meta.url', `new URL(${rel}, import.meta.url).href`);
      }
      return { contents, loader: 'js' };
    });
  },
};

/**
 * `bom/cdx-serialize.js` loads the library's Serialize halves through
 * createRequire, which would load a second, unbundled copy of the library
 * beside the bundled one, and the serializers check models with instanceof.
 * In the bundle the same two halves come from the bundled copy: the common
 * half at start-up, the XML half (xmlbuilder2, js-yaml: 0.7 MB of code) as a
 * chunk of its own that only loadXmlSerializer() imports, so JSON output
 * never even compiles it.
 */
const bundledSerialize = {
  name: 'bundled-serialize',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]bom[\\/]cdx-serialize\.js$/ }, () => {
      const common = posix(join(root, 'node_modules', '@cyclonedx', 'cyclonedx-library', 'dist.node', 'serialize', 'index.common.js'));
      return {
        loader: 'js',
        resolveDir: root,
        contents: [
          `import * as common from ${JSON.stringify(common)};`,
          'export const Serialize = common;',
          'let xml;',
          "export async function loadXmlSerializer() { xml ??= (await import('@cyclonedx/cyclonedx-library/Serialize')).XmlSerializer; }",
          "export function xmlSerializerClass() { if (xml === undefined) throw new Error('bundle: loadXmlSerializer() was not awaited before XML output'); return xml; }",
        ].join('\n'),
      };
    });
  },
};

/**
 * `await import('undici')` of a CommonJS package gives named exports in
 * Node (its loader reads them off the source) but only `default` from a
 * split esbuild bundle. A lazily loaded package is therefore reached
 * through a small module that re-exports module.exports' own keys, read at
 * build time, so `undici.Agent` means the same thing bundled or not.
 */
const namedCommonJs = {
  name: 'named-commonjs',
  setup(b) {
    const req = createRequire(join(root, 'package.json'));
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === 'inner') return undefined;
      const r = await b.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, pluginData: 'inner' });
      if (r.errors.length > 0 || r.external || !isCommonJs(r.path)) return undefined;
      return { path: args.path, namespace: 'named-commonjs' };
    });
    b.onLoad({ filter: /.*/, namespace: 'named-commonjs' }, (args) => {
      const keys = Object.keys(req(args.path)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
      return {
        loader: 'js',
        resolveDir: root,
        // require(), not `import m`: esbuild's interop would hand a module marked __esModule back without its exports as default.
        contents: [`const m = require(${JSON.stringify(args.path)});`, 'export default m;', ...keys.map((k) => `export const ${k} = m.${k};`)].join('\n'),
      };
    });
  },
};

/**
 * packageurl-js builds an Intl.Collator as it loads, to sort purl
 * components with: 10-13 ms of ICU set-up on the main thread of every scan,
 * which loads the library while it hashes. Making it lazy was not enough:
 * the library's only comparison runs as it loads too, sorting its
 * components' sort-order numbers (0-7) while it builds `PurlComponent`. A
 * single digit collates in numeric order, so those need no collator; any
 * other comparison still uses the same collator, built on first use.
 * test/bundle.test.ts checks that the rewrite still applies after a
 * dependency update, that loading builds no collator, and that the
 * library's component order is unchanged.
 */
const EAGER_COLLATOR = 'const { compare: localeCompare } = new Intl.Collator()';
const lazyCollator = {
  name: 'lazy-collator',
  setup(b) {
    b.onLoad({ filter: /[\\/]packageurl-js[\\/]src[\\/]strings\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(EAGER_COLLATOR)) {
        return { contents: source, loader: 'js', warnings: [{ text: 'packageurl-js changed: its Intl.Collator is built as it loads again' }] };
      }
      const lazy = [
        'let collator',
        'const isDigit = (x) => Number.isInteger(x) && x >= 0 && x <= 9',
        'const localeCompare = (a, b) => (isDigit(a) && isDigit(b) ? Math.sign(a - b) : (collator ??= new Intl.Collator()).compare(a, b))',
      ].join('\n');
      return { contents: source.replace(EAGER_COLLATOR, lazy), loader: 'js' };
    });
  },
};

/**
 * The hash worker runs as one CommonJS file, `dist/cli/hash-worker.cjs`,
 * built below from the same compiled modules. Loaded as four ES modules, a
 * worker took about 88 ms of CPU to boot; as one CommonJS file, about 74 ms,
 * the rest being Node's own worker start-up. A scan on 2 cores boots two.
 * The bundled pool is pointed at it; the library's pool keeps worker.js.
 */
const WORKER_URL = "new URL('./worker.js', import.meta.url)";
const bundledWorker = {
  name: 'bundled-worker',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]hash[\\/]pool\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      // pool.js has no other use of import.meta.url, which keepModuleUrls would rewrite.
      if (!source.includes(WORKER_URL) || source.split('import.meta.url').length !== 2) {
        return { errors: [{ text: `bundle: ${WORKER_URL} not found once in hash/pool.js; update scripts/bundle.mjs` }] };
      }
      return { contents: source.replace(WORKER_URL, "new URL('./hash-worker.cjs', import.meta.url)"), loader: 'js' };
    });
  },
};

/** A .cjs file, or a .js file whose package.json does not say "type": "module". */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    return pkg.type !== 'module';
  }
  return true;
}

await rm(outdir, { recursive: true, force: true });
const result = await build({
  // The pool is an entry of its own so that bin/mlbom.js can start hash workers before loading the CLI;
  // with splitting, both entries share one instance of the module, hence one pool.
  entryPoints: { mlbom: join(distSrc, 'cli', 'index.js'), pool: join(distSrc, 'hash', 'pool.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  // Loads its .wasm file from beside itself; libxmljs2 is the library's optional native XML validator.
  external: ['xmllint-wasm', 'libxmljs2'],
  // Bundled CommonJS packages call require() for Node built-ins.
  banner: { js: "import { createRequire as __mlbomCreateRequire } from 'node:module'; const require = __mlbomCreateRequire(import.meta.url);" },
  plugins: [namedCommonJs, bundledSerialize, bundledWorker, keepModuleUrls, lazyCollator],
  chunkNames: 'chunk-[hash]',
  // Less text for Node to decode and V8 to parse on every start: 2.9 MiB instead of 4.2. Names are
  // kept, so a --debug stack trace still names its functions. 8 × 256 MiB of weights: median
  // 1.27 s instead of 1.36 s over 8 interleaved runs; an empty folder 0.37 s instead of 0.39 s.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});
const worker = await build({
  entryPoints: [join(distSrc, 'hash', 'worker.js')],
  outfile: join(outdir, 'hash-worker.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.18',
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});
const outputs = { ...result.metafile.outputs, ...worker.metafile.outputs };
// esbuild escapes non-ASCII characters in strings but not in regular
// expression literals. One such character in a chunk makes Node decode and V8
// hold and scan the whole chunk as UTF-16: one pair of curly quotes made the
// 350 KB scanners chunk take twice the memory and 70-76 ms of CPU to import
// instead of 68-72. Our own code must write them as escapes; a package's
// code is only reported.
for (const [file, out] of Object.entries(outputs)) {
  const text = readFileSync(join(root, file), 'utf8');
  const at = text.search(/[^\x00-\x7f]/);
  if (at === -1) continue;
  const ours = Object.keys(out.inputs).filter((i) => posix(i).startsWith('dist/src/'));
  const where = `${posix(file)}: a non-ASCII character at offset ${at}: …${text.slice(Math.max(0, at - 40), at + 10)}…`;
  if (ours.length > 0) throw new Error(`bundle: ${where} (from one of: ${ours.slice(0, 5).join(', ')}); write it as a \\u escape`);
  process.stderr.write(`bundle: note: ${where} (third-party code)\n`);
}
const bytes = Object.values(outputs).reduce((n, o) => n + o.bytes, 0);
process.stderr.write(`bundle: ${Object.keys(outputs).length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${posix(relative(root, outdir))}/\n`);
