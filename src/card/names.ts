/** File names for cards: filesystem-safe and unique within one output folder. */
export function safeFileNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let base = n.replace(/[\/\\:*?"<>|\x00-\x1f]+/g, '_').replace(/^\.+/, '_').replace(/\s+/g, '-').slice(0, 120);
    if (base === '' || base === '_') base = 'component';
    let candidate = `${base}.md`;
    for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${base}-${i}.md`;
    used.add(candidate.toLowerCase());
    return candidate;
  });
}
