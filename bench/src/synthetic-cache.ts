/**
 * Synthetic caches for decode measurements at contexts too long to fill by prefill here: zero present_* tensors
 * of the exact shapes for `tokens` positions after the meta prefix, absorbed by HybridCache (so sliding layers
 * are trimmed and bytes counted as in generation). Decode cost depends only on the shapes.
 */
import * as ort from 'onnxruntime-node';
import type { CacheDtype } from '../../src-main/contract/domain.ts';
import type { HymbaConfig } from '../../src-main/engine/config/hymba-config.ts';
import { cacheTensorSpecs } from '../../src-main/engine/model/graph-io.ts';
import type { HybridCache, TensorMap } from '../../src-main/engine/runtime/hybrid-cache.ts';

export function syntheticCacheAfter(meta: HybridCache, config: HymbaConfig, dtype: CacheDtype, tokens: number): HybridCache {
  const cache = meta.fork();
  const length = cache.positions + tokens;
  const outputs: TensorMap = {};
  for (const spec of cacheTensorSpecs(config)) {
    const dims = spec.shape.map((d) => d ?? length);
    const count = dims.reduce((a, b) => a * b, 1);
    outputs[spec.present] = new ort.Tensor(dtype, dtype === 'float32' ? new Float32Array(count) : new Uint16Array(count), dims);
  }
  cache.absorb(outputs, tokens);
  return cache;
}
