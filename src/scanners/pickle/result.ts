import type { FileScan, ModelFormat, PickleAnalysis, Props } from '../../types.js';

/** The scan of a file that loading would unpickle: always `pickle: true`, no model facts. */
export function pickleScan(format: ModelFormat, parsed: boolean, props: Props, reason?: string, analysis?: PickleAnalysis): FileScan {
  return {
    format,
    parsed,
    ...(reason === undefined ? {} : { reason }),
    props,
    model: {},
    pickle: true,
    ...(analysis === undefined ? {} : { pickleAnalysis: analysis }),
  };
}
