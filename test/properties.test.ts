import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { buildBom } from '../src/bom/build.js';
import { findRisks } from '../src/findings/index.js';
import { serializeBom } from '../src/bom/serialize.js';
import { scan } from '../src/scan.js';
import { fixturePath, repoRoot } from './helpers.js';

describe('docs/PROPERTIES.md', () => {
  it('documents every property mlbom writes for any fixture', async () => {
    // Every fixture, hostile ones included, exercises every scanner's props.
    const inv = await scan(fixturePath());
    const bom = JSON.parse(serializeBom(buildBom({ ...inv, findings: findRisks(inv) }), { format: 'json', specVersion: '1.6' }));
    const names = new Set<string>();
    const visit = (c: { properties?: { name: string }[]; components?: unknown[] }): void => {
      for (const p of c.properties ?? []) names.add(p.name);
      for (const child of c.components ?? []) visit(child as typeof c);
    };
    bom.components.forEach(visit);
    (bom.services ?? []).forEach(visit);
    (bom.vulnerabilities ?? []).forEach(visit);
    assert.ok((bom.vulnerabilities ?? []).length > 0, 'the fixtures should raise findings');
    const doc = await readFile(`${repoRoot}/docs/PROPERTIES.md`, 'utf8');
    const documented = new Set([...doc.matchAll(/`(mlbom:[a-z0-9_]+)`/g)].map((m) => m[1]));
    const missing = [...names].filter((n) => !documented.has(n)).sort();
    assert.deepEqual(missing, []);
    assert.ok(names.size > 40, `only ${names.size} property names met; the fixtures should exercise more`);
    for (const n of names) assert.ok(n.startsWith('mlbom:'), n);
  });
});
