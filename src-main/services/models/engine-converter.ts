/** The engine's package converter (src-main/engine/package/convert.ts) behind the ModelConverter interface. */
import { ok } from '../../contract/errors.ts';
import { convertCheckpoint } from '../../engine/package/convert.ts';
import type { ModelConverter } from './import-model.ts';

export const engineConverter: ModelConverter = {
  async convert(options) {
    const converted = await convertCheckpoint(options.sourceDir, options.outputDir, {
      id: options.id,
      displayName: options.displayName,
      signal: options.signal,
      ...(options.weightFormat ? { dtype: options.weightFormat } : {}),
      onProgress: (p) => {
        const weights = p.phase === 'hashing' ? 0 : p.phase === 'weights' ? (p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0) : 1;
        const fraction = p.phase === 'hashing' ? 0.1 * (p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0) : 0.1 + 0.9 * weights;
        const label = p.phase === 'hashing' ? 'Checking source files' : p.phase === 'weights' ? `Converting weights (${p.tensorsDone}/${p.tensorsTotal} tensors)` : 'Writing the package';
        options.onProgress(fraction, label);
      },
    });
    return converted.ok ? ok(undefined) : converted;
  },
};
