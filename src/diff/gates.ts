/** `--fail-on` rules: which changes make `mlbom diff` exit 1. Documented in docs/DIFF.md. */
import { MlbomError } from '../errors.js';
import type { Change } from './types.js';

export const GATE_NAMES = [
  'added', 'removed', 'model-changed', 'hash-changed', 'integrity', 'license-changed', 'dataset-changed',
  'metric-regressed', 'new-service', 'new-pickle', 'finding-added', 'any',
] as const;
export type GateName = (typeof GATE_NAMES)[number];

export interface Gate {
  name: GateName;
  /** metric-regressed only: how much worse a metric must get (absolute, default 0). */
  threshold?: number;
}

/** Parse `added,metric-regressed:0.01,…`; throws MlbomError('USAGE') on an unknown rule. */
export function parseGates(spec: string): Gate[] {
  const out: Gate[] = [];
  for (const raw of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name, arg, ...rest] = raw.split(':');
    if (!(GATE_NAMES as readonly string[]).includes(name!) || rest.length > 0) {
      throw new MlbomError('USAGE', `--fail-on: unknown rule ${JSON.stringify(raw)} (rules: ${GATE_NAMES.join(', ')})`);
    }
    if (arg !== undefined) {
      const t = Number(arg);
      if (name !== 'metric-regressed' || arg.trim() === '' || !Number.isFinite(t) || t < 0) {
        throw new MlbomError('USAGE', `--fail-on: bad rule ${JSON.stringify(raw)} (only metric-regressed takes a threshold, a number ≥ 0)`);
      }
      out.push({ name: 'metric-regressed', threshold: t });
    } else out.push({ name: name as GateName });
  }
  if (out.length === 0) throw new MlbomError('USAGE', '--fail-on: no rule given');
  return out;
}

export function gateMatches(g: Gate, c: Change): boolean {
  switch (g.name) {
    case 'any': return true;
    case 'added': return c.kind === 'added';
    case 'removed': return c.kind === 'removed';
    case 'model-changed': return c.assetType === 'model';
    case 'hash-changed': return c.kind === 'hash-changed' || c.kind === 'integrity';
    case 'integrity': return c.kind === 'integrity';
    case 'license-changed': return c.kind === 'license-changed';
    case 'dataset-changed': return c.assetType === 'dataset' || c.kind === 'dataset-added' || c.kind === 'dataset-removed';
    case 'metric-regressed': {
      if (c.kind !== 'metric-changed' || c.severity !== 'regression' || c.delta === undefined) return false;
      return Math.abs(c.delta) > (g.threshold ?? 0);
    }
    case 'new-service': return c.kind === 'added' && c.assetType === 'service';
    case 'new-pickle': return c.pickle === true;
    case 'finding-added': return c.kind === 'finding-added';
  }
}

/** Rules that matched, each with the first change that tripped it. */
export function evaluateGates(gates: readonly Gate[], changes: readonly Change[]): { gate: Gate; change: Change }[] {
  const hits: { gate: Gate; change: Change }[] = [];
  for (const g of gates) {
    const c = changes.find((x) => gateMatches(g, x));
    if (c !== undefined) hits.push({ gate: g, change: c });
  }
  return hits;
}

export function gateLabel(g: Gate): string {
  return g.threshold !== undefined ? `${g.name}:${g.threshold}` : g.name;
}
