/**
 * Decode rooflines: a batch-1 decode step streams every weight once, so tokens/s can be at most
 * bandwidth / weight bytes read per token. Weight bytes come from the graph the converter would build
 * for each format (the same builder, weights declared but never produced), less the meta-token table,
 * which only the first call of a sequence reads. Cache reads per token are reported beside them.
 */
import type { WeightFormat } from '../../src-main/contract/domain.ts';
import type { HymbaConfig } from '../../src-main/engine/config/hymba-config.ts';
import { META_TOKENS } from '../../src-main/engine/onnx/hymba/embedding.ts';
import { buildHymbaGraph } from '../../src-main/engine/onnx/hymba/hymba-graph.ts';
import { cacheDtypeFor } from '../../src-main/engine/package/convert.ts';

export interface FormatRoofline {
  readonly format: WeightFormat;
  /** Weight bytes one decode step reads. */
  readonly weightBytesPerToken: number;
  /** bandwidth / weightBytesPerToken. */
  readonly rooflineTokensPerSec: number;
  readonly note?: string;
}

/** Bytes of weights a Hymba decode step reads in `format` (int4 uses accuracy level 4, as converted). */
export function hymbaWeightBytesPerToken(config: HymbaConfig, format: WeightFormat): number {
  const neverRead = (): Promise<Float32Array> => Promise.reject(new Error('roofline builds the graph without weights'));
  const graph = buildHymbaGraph(config, neverRead, { format, int4AccuracyLevel: 4, cacheType: cacheDtypeFor(format) });
  return graph.lazyWeights().reduce((sum, w) => (w.name === META_TOKENS ? sum : sum + w.byteLength), 0);
}

export function hymbaRooflines(config: HymbaConfig, bandwidthGBps: number): FormatRoofline[] {
  const formats: WeightFormat[] = ['int4', 'fp16', 'fp32'];
  return formats.map((format) => {
    const bytes = hymbaWeightBytesPerToken(config, format);
    const fp32Bytes = format === 'fp16' ? hymbaWeightBytesPerToken(config, 'fp32') : bytes;
    return {
      format,
      weightBytesPerToken: bytes,
      rooflineTokensPerSec: (bandwidthGBps * 1e9) / bytes,
      ...(format === 'fp16' ? { note: `on x64 CPUs onnxruntime folds the fp16 weights to fp32 at load (onnxruntime-notes §2f), so the CPU reads ${(fp32Bytes / 1e9).toFixed(2)} GB per token, as fp32` } : {}),
    };
  });
}

/** Tokens/s when each step also reads `cacheBytes` of K/V and state. */
export const rooflineWithCache = (bandwidthGBps: number, weightBytes: number, cacheBytes: number): number => (bandwidthGBps * 1e9) / (weightBytes + cacheBytes);
