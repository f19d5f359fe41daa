/**
 * The engine's package converter (src-main/engine/package/convert.ts) behind the ModelConverter interface,
 * run in the calling process. Hosts use the process converter (process-converter.ts) instead, which runs the
 * same conversion in a short-lived engine process; this one serves tools that may block their own loop.
 */
import { ok } from '../../contract/errors.ts';
import { convertCheckpoint, type ConvertProgress } from '../../engine/package/convert.ts';
import type { ModelConverter } from './import-model.ts';

/** The converter's progress as one fraction 0..1 (hashing is the first tenth) and a line for the user. */
export function describeConvertProgress(p: ConvertProgress): { fraction: number; message: string } {
  const share = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0;
  const weights = p.phase === 'hashing' ? 0 : p.phase === 'weights' ? share : 1;
  const fraction = p.phase === 'hashing' ? 0.1 * share : 0.1 + 0.9 * weights;
  const message = p.phase === 'hashing' ? 'Checking source files' : p.phase === 'weights' ? `Converting weights (${p.tensorsDone}/${p.tensorsTotal} tensors)` : 'Writing the package';
  return { fraction, message };
}

export const engineConverter: ModelConverter = {
  async convert(options) {
    const converted = await convertCheckpoint(options.sourceDir, options.outputDir, {
      id: options.id,
      displayName: options.displayName,
      signal: options.signal,
      ...(options.weightFormat ? { dtype: options.weightFormat } : {}),
      onProgress: (p) => {
        const { fraction, message } = describeConvertProgress(p);
        options.onProgress(fraction, message);
      },
    });
    return converted.ok ? ok(undefined) : converted;
  },
};
