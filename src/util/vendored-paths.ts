/**
 * Installed or vendored dependency trees: their manifests describe someone
 * else's package, not the scanned project (pip, conda and npm skip them).
 */
const VENDORED = new Set([
  'node_modules', 'bower_components', 'site-packages', 'dist-packages', '.venv', 'venv', '.tox', '.nox',
  '__pypackages__', '.git',
]);

export function isVendoredPath(path: string): boolean {
  return path.split('/').some((seg) => VENDORED.has(seg));
}
