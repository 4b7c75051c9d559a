/**
 * File names that are model weights whatever their content turns out to
 * be: the scan starts hashing these as soon as the walk has listed them,
 * before any scanner is loaded (see scan.ts). A name here that turns out
 * not to be a model costs one hash that is not used; a weight format
 * missing here is still hashed, just later. A test checks that every model
 * scanner's extensions are listed.
 */
const SUFFIXES: readonly string[] = [
  '.safetensors',
  '.gguf',
  '.bin',
  '.pt',
  '.pth',
  '.ckpt',
  '.onnx',
  '.tflite',
  '.keras',
  '.h5',
  '.hdf5',
  '.npy',
  '.npz',
  '.pkl',
  '.pickle',
  '.joblib',
  '.mlmodel',
  'saved_model.pb',
];

const EXTENSIONS = new Set(SUFFIXES.filter((s) => s.startsWith('.')));
const NAMES = new Set(SUFFIXES.filter((s) => !s.startsWith('.')));

/** Is this root-relative path named like a weight file? (Called for every walked file: a Set look-up, not a scan of the list.) */
export function looksLikeWeights(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot === -1 || dot < path.lastIndexOf('/')) return false;
  if (EXTENSIONS.has(path.slice(dot).toLowerCase())) return true;
  return NAMES.size > 0 && NAMES.has(path.slice(path.lastIndexOf('/') + 1).toLowerCase());
}

export const WEIGHT_SUFFIXES = SUFFIXES;
