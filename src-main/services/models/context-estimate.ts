/**
 * "Fits N tokens": how many context positions (meta tokens included, as in GenerationMetrics) a cache
 * budget holds for a model, from its per-layer cache map (hymba-architecture §7):
 *   bytes(T) = Σ state + Σ_global-owner kv·T + Σ_sliding-owner kv·min(T, meta + W)
 * where T counts positions (meta + real tokens) and shared (consumer) layers store no K/V.
 */
import type { CacheLayerInfo } from '../../contract/domain.ts';

export interface CacheProfile {
  readonly layers: readonly CacheLayerInfo[];
  readonly metaTokens: number;
  readonly slidingWindow: number;
  /** Positions the model supports at all (meta included). */
  readonly maxPositions: number;
}

export interface ContextFit {
  /** Largest position count that fits, 0 when not even the meta tokens fit. */
  readonly fitsTokens: number;
  /** Bytes that do not grow once sliding windows are full. */
  readonly fixedBytes: number;
  /** Bytes per further position once sliding windows are full. */
  readonly bytesPerToken: number;
}

/** Cache bytes of a context of `positions` positions. */
export function cacheBytesAt(profile: CacheProfile, positions: number): number {
  const windowCap = profile.metaTokens + profile.slidingWindow;
  let bytes = 0;
  for (const layer of profile.layers) {
    bytes += layer.stateBytes;
    if (layer.kv !== 'owner') continue;
    bytes += layer.kvBytesPerToken * (layer.attention === 'global' ? positions : Math.min(positions, windowCap));
  }
  return bytes;
}

export function estimateContextFit(profile: CacheProfile, budgetBytes: number): ContextFit {
  const windowCap = profile.metaTokens + profile.slidingWindow;
  const owners = profile.layers.filter((layer) => layer.kv === 'owner');
  const bytesPerToken = owners.filter((l) => l.attention === 'global').reduce((sum, l) => sum + l.kvBytesPerToken, 0);
  const fixedBytes = cacheBytesAt(profile, windowCap) - bytesPerToken * windowCap;
  let fits: number;
  if (cacheBytesAt(profile, windowCap) <= budgetBytes) {
    fits = bytesPerToken === 0 ? profile.maxPositions : Math.floor((budgetBytes - fixedBytes) / bytesPerToken);
  } else {
    // Windows not full yet: every owner layer grows per position.
    const state = profile.layers.reduce((sum, l) => sum + l.stateBytes, 0);
    const growing = owners.reduce((sum, l) => sum + l.kvBytesPerToken, 0);
    fits = budgetBytes <= state ? 0 : growing === 0 ? profile.maxPositions : Math.floor((budgetBytes - state) / growing);
  }
  const minimum = profile.metaTokens + 1;
  return { fitsTokens: fits < minimum ? 0 : Math.min(fits, profile.maxPositions), fixedBytes, bytesPerToken };
}
