/**
 * The uniqueItems check of the build's JSON schema validators, in linear
 * time. ajv compares every pair of items with a deep equality, which is
 * quadratic: the 263 components and 291 dependencies of a 50k-file tree's
 * BOM cost 28 ms of its first validation, and a BOM with 10k components
 * would spend seconds there. src/bom/precompile.ts splices this function's
 * source into the generated code, so it must not refer to anything outside
 * itself.
 */

/**
 * The pair ajv's loop reports (`items ## j and i are identical`): the
 * highest index i whose item deep-equals an earlier item, and the highest
 * such earlier index j. Undefined when every item differs. Items are JSON
 * data.
 *
 * Items are first bucketed by a shallow key, their own keys and scalar
 * values, which tells nearly all real items apart (a bom-ref, a name, a
 * digest) without reading what they nest; only items in the same bucket are
 * compared deeply. A full canonical form of every item was slower than
 * ajv's loop on a real BOM, whose components nest their files.
 */
export function duplicateItems(items: readonly unknown[]): [number, number] | undefined {
  // Only a bucket key: two different items may share one (then they are compared deeply), so no escaping is needed.
  const shallow = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return `${typeof v}:${String(v)}`;
    const o = v as Record<string, unknown>;
    let key = Array.isArray(v) ? '[' : '{';
    for (const k of Object.keys(o).sort()) {
      const x = o[k];
      key += x !== null && typeof x === 'object' ? `${k}\u0001` : `${k}\u0000${String(x)}\u0001`;
    }
    return key;
  };
  // Deep equality of JSON data, as ajv's: arrays in order, objects in any key order.
  const equal = (a: unknown, b: unknown): boolean => {
    if (a === b) return true;
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    }
    return true;
  };
  const buckets = new Map<string, number[]>();
  let found: [number, number] | undefined;
  for (let i = 0; i < items.length; i++) {
    const key = shallow(items[i]);
    const earlier = buckets.get(key);
    if (earlier === undefined) {
      buckets.set(key, [i]);
      continue;
    }
    // The nearest earlier equal item; later pairs replace earlier ones, so the last found has the highest i.
    for (let e = earlier.length - 1; e >= 0; e--) {
      const j = earlier[e] as number;
      if (equal(items[i], items[j])) {
        found = [i, j];
        break;
      }
    }
    earlier.push(i);
  }
  return found;
}
