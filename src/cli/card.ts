/** `mlbom card --bom FILE`: model and dataset card drafts from a CycloneDX BOM. */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { buildBom } from '../bom/build.js';
import { serializeBom } from '../bom/serialize.js';
import { scan } from '../scan.js';
import { buildCardContexts, parseBomJson, selectContexts } from '../card/context.js';
import { safeFileNames } from '../card/names.js';
import { defaultTemplatePath, loadTemplate, renderCard, templateContext } from '../card/render.js';
import { stampCard, unifiedDiff, updateCard } from '../card/update.js';
import { EXIT, MlbomError } from '../errors.js';
import type { CliIo, Logger } from './io.js';
import { readBomFile } from './validate.js';

interface CardFlags {
  bom?: string;
  component?: string[];
  output?: string;
  format: 'md' | 'json';
  template?: string;
  update?: string;
  dryRun?: boolean;
}

export function registerCard(program: Command, io: CliIo, log: Logger, setExit: (code: number) => void): void {
  program
    .command('card')
    .description('draft Hugging Face model and dataset cards from a CycloneDX BOM')
    .argument('[dir]', 'a folder to scan first (offline, no registry lookups) instead of --bom')
    .option('--bom <file>', 'CycloneDX JSON BOM to read (from mlbom, cdxgen or another tool)')
    .option('--component <ref...>', 'only these components: bom-ref, name, group/name, Hub id or purl')
    .option('-o, --output <path>', 'a file for one card, a folder for several (one <name>.md each)')
    .addOption(new Option('--format <format>', 'md: the card; json: the template context').choices(['md', 'json']).default('md'))
    .option('--template <file>', 'a custom @huggingface/jinja template, used for every card')
    .option('--update <card>', 'refresh the generated facts in this existing card; human edits are kept')
    .option('--dry-run', 'with --update: print a unified diff instead of writing the card')
    .action(async (dir: string | undefined, flags: CardFlags) => {
      if ((dir === undefined) === (flags.bom === undefined)) throw new MlbomError('USAGE', 'give either a folder to scan or --bom FILE (one of them)');
      let text: string;
      let shown: string;
      if (flags.bom !== undefined) {
        shown = flags.bom;
        text = await readBomFile(resolve(io.cwd, flags.bom), flags.bom);
      } else {
        shown = dir!;
        // Offline: the card states only what the files themselves say.
        const inventory = await scan(resolve(io.cwd, dir!), { onIssue: (i) => log.issue(i) });
        text = serializeBom(buildBom(inventory, {}), { format: 'json', specVersion: '1.6' });
      }
      const bom = parseBomJson(text, shown);
      const all = buildCardContexts(bom);
      let chosen = all;
      if (flags.component !== undefined && flags.component.length > 0) {
        chosen = [];
        for (const sel of flags.component) {
          const hit = selectContexts(all, sel);
          if (hit.length === 0) throw new MlbomError('INPUT', `--component ${sel}: no model or dataset in ${shown} has that bom-ref, name or purl`);
          for (const h of hit) if (!chosen.includes(h)) chosen.push(h);
        }
      }
      if (chosen.length === 0) throw new MlbomError('INPUT', `${shown} has no machine-learning-model or dataset component`);
      const contexts = chosen.map(templateContext);
      log.debug(`${contexts.length} card(s)`);

      let outputs: string[];
      if (flags.format === 'json') {
        outputs = contexts.map((c) => `${JSON.stringify(c, null, 2)}\n`);
      } else {
        const custom = flags.template !== undefined ? await loadTemplate(resolve(io.cwd, flags.template), flags.template) : undefined;
        const builtIn = new Map<string, string>();
        outputs = [];
        for (const c of contexts) {
          let src = custom;
          if (src === undefined) {
            src = builtIn.get(c.kind) ?? (await loadTemplate(defaultTemplatePath(c.kind), `${c.kind}-card.md.jinja`));
            builtIn.set(c.kind, src);
          }
          const md = renderCard(src, c, flags.template ?? `${c.kind}-card.md.jinja`);
          outputs.push(custom === undefined ? stampCard(md, c.front_matter_data) : md);
        }
      }

      if (flags.update !== undefined) {
        if (flags.format !== 'md') throw new MlbomError('USAGE', '--update works on Markdown cards only (not --format json)');
        if (contexts.length !== 1) throw new MlbomError('USAGE', `--update needs exactly one component; ${contexts.length} match (use --component)`);
        const path = resolve(io.cwd, flags.update);
        let existing: string;
        try {
          existing = await readFile(path, 'utf8');
        } catch (err) {
          throw new MlbomError('INPUT', `cannot read ${flags.update}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        const result = updateCard(existing, outputs[0]!, contexts[0]!.front_matter_data);
        for (const k of result.kept) log.warn(`${flags.update}: kept ${k}`);
        log.debug(`refreshed: ${result.refreshed.join(', ') || 'nothing'}`);
        if (flags.dryRun === true) io.stdout.write(unifiedDiff(existing, result.text, `a/${flags.update}`, `b/${flags.update}`));
        else if (result.text !== existing) {
          try {
            await writeFile(path, result.text);
          } catch (err) {
            throw new MlbomError('IO', `cannot write ${flags.update}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          }
        }
        setExit(EXIT.OK);
        return;
      }
      if (flags.output === undefined) {
        if (flags.format === 'json') io.stdout.write(`${JSON.stringify(contexts.length === 1 ? contexts[0] : contexts, null, 2)}\n`);
        else if (outputs.length === 1) io.stdout.write(outputs[0]!);
        else {
          outputs.forEach((o, i) => {
            const c = contexts[i]!;
            io.stdout.write(`${i > 0 ? '\n' : ''}<!-- ===== mlbom card ${i + 1}/${outputs.length}: ${c.fullName}${c.bomRef !== undefined ? ` (${c.bomRef})` : ''} ===== -->\n${o}`);
          });
        }
        setExit(EXIT.OK);
        return;
      }

      const out = resolve(io.cwd, flags.output);
      const isDir = await stat(out).then((s) => s.isDirectory(), () => false);
      try {
        if (outputs.length === 1 && !isDir && !/[\\/]$/.test(flags.output)) {
          await writeFile(out, outputs[0]!);
        } else {
          await mkdir(out, { recursive: true });
          const ext = flags.format === 'json' ? '.json' : '.md';
          const names = safeFileNames(contexts.map((c) => c.fullName)).map((n) => n.replace(/\.md$/, ext));
          for (let i = 0; i < outputs.length; i++) await writeFile(join(out, names[i]!), outputs[i]!);
          log.debug(`wrote ${names.join(', ')}`);
        }
      } catch (err) {
        throw new MlbomError('IO', `cannot write ${flags.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      setExit(EXIT.OK);
    });
}
