/**
 * "Fits N tokens": how many context positions (meta tokens included, as in GenerationMetrics) a cache
 * budget holds for a model. It is the engine's own rule (runtime/context-planner.ts `contextLimit`, from
 * the §7 formulas in runtime/cache-layout.ts), so the Settings view and the engine always agree.
 */
import { growthBytesPerToken, cacheBytesAt, slidingCapacity, type CacheLayout } from '../../engine/runtime/cache-layout.ts';
import { contextLimit } from '../../engine/runtime/context-planner.ts';

/** The active model's cache layout. */
export type CacheProfile = CacheLayout;

export interface ContextFit {
  /** Largest position count that fits (capped at the model's context), 0 when not even one token fits. */
  readonly fitsTokens: number;
  /** Bytes that do not grow once sliding windows are full. */
  readonly fixedBytes: number;
  /** Bytes per further position once sliding windows are full. */
  readonly bytesPerToken: number;
}

export function estimateContextFit(layout: CacheLayout, budgetBytes: number): ContextFit {
  const bytesPerToken = growthBytesPerToken(layout);
  const full = slidingCapacity(layout);
  const fixedBytes = cacheBytesAt(layout, full - layout.numMetaTokens).total - bytesPerToken * full;
  const limit = contextLimit(layout, budgetBytes);
  return { fitsTokens: limit.ok ? limit.value + layout.numMetaTokens : 0, fixedBytes, bytesPerToken };
}
