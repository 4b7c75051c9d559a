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

/** Is this root-relative path named like a weight file? */
export function looksLikeWeights(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return SUFFIXES.some((s) => name.endsWith(s));
}

export const WEIGHT_SUFFIXES = SUFFIXES;
