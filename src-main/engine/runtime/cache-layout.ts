/**
 * The cache a Hymba model needs, as formulas (hymba-architecture §5–§7): which layer holds what, how many
 * bytes per token and per state, and the total at any context length. The hybrid cache manager's byte
 * accounting, the budget planner and `hymba info` all derive from here.
 *
 * Context lengths passed to these functions count real tokens T; the M meta tokens come on top
 * (positions = T + M), as in §7's table.
 */
import type { CacheBreakdown, CacheDtype, CacheLayerInfo } from '../../contract/domain.ts';
import type { HymbaConfig } from '../config/hymba-config.ts';

export const DTYPE_BYTES: Record<CacheDtype, number> = { float32: 4, float16: 2 };

/** Per-layer layout plus the constants the byte formulas need. */
export interface CacheLayout {
  readonly dtype: CacheDtype;
  readonly bytesPerElement: number;
  readonly numMetaTokens: number;
  readonly slidingWindow: number;
  readonly layers: readonly CacheLayerInfo[];
  /** K + V bytes one position costs in one KV-owning layer. */
  readonly kvBytesPerTokenPerLayer: number;
  readonly globalKvLayers: number;
  readonly slidingKvLayers: number;
  /** SSM and conv state bytes over all layers (constant). */
  readonly ssmBytes: number;
  readonly convBytes: number;
  /** The longest context (real tokens) the model is built for: config.max_position_embeddings. */
  readonly maxContextTokens: number;
}

export function cacheLayout(config: HymbaConfig, dtype: CacheDtype): CacheLayout {
  const b = DTYPE_BYTES[dtype];
  const kvPerToken = config.numKvHeads * (config.qkHeadDim + config.vHeadDim) * b;
  const ssmPerLayer = config.mamba.dInner * config.mamba.dState * b;
  const convPerLayer = config.mamba.dInner * config.mamba.dConv * b;
  const layers: CacheLayerInfo[] = config.layers.map((l) => ({
    layer: l.index,
    attention: l.attention,
    kv: l.ownsKv ? 'owner' : 'shared',
    kvSourceLayer: l.kvSourceLayer,
    kvBytesPerToken: l.ownsKv ? kvPerToken : 0,
    stateBytes: ssmPerLayer + convPerLayer,
  }));
  const owners = config.layers.filter((l) => l.ownsKv);
  return {
    dtype,
    bytesPerElement: b,
    numMetaTokens: config.numMetaTokens,
    slidingWindow: config.slidingWindow,
    layers,
    kvBytesPerTokenPerLayer: kvPerToken,
    globalKvLayers: owners.filter((l) => l.attention === 'global').length,
    slidingKvLayers: owners.filter((l) => l.attention === 'sliding').length,
    ssmBytes: ssmPerLayer * config.numLayers,
    convBytes: convPerLayer * config.numLayers,
    maxContextTokens: config.maxPositionEmbeddings,
  };
}

/** Entries a sliding layer keeps at steady state: the meta prefix plus the last W positions. */
export const slidingCapacity = (layout: CacheLayout): number => layout.numMetaTokens + layout.slidingWindow;

/** Bytes by category once `tokens` real tokens have been processed (steady state, after trimming). */
export function cacheBytesAt(layout: CacheLayout, tokens: number): CacheBreakdown {
  const positions = tokens + layout.numMetaTokens;
  const kv = layout.kvBytesPerTokenPerLayer;
  const globalKv = layout.globalKvLayers * kv * positions;
  const slidingKv = layout.slidingKvLayers * kv * Math.min(positions, slidingCapacity(layout));
  const meta = (layout.globalKvLayers + layout.slidingKvLayers) * kv * Math.min(positions, layout.numMetaTokens);
  const total = globalKv + slidingKv + layout.ssmBytes + layout.convBytes;
  return { globalKv, slidingKv, ssm: layout.ssmBytes, conv: layout.convBytes, meta, total };
}

/** Bytes each further token adds once the sliding layers are full (global layers only). */
export const growthBytesPerToken = (layout: CacheLayout): number => layout.globalKvLayers * layout.kvBytesPerTokenPerLayer;

/** KV bytes per token summed over every KV-owning layer (the "bytes per token" before any window caps). */
export const kvBytesPerToken = (layout: CacheLayout): number =>
  (layout.globalKvLayers + layout.slidingKvLayers) * layout.kvBytesPerTokenPerLayer;

/**
 * The largest number of real tokens whose cache fits `budgetBytes`: -1 when not even the meta prefix
 * fits, `null` when the cache never grows past the budget (no global layers).
 */
export function maxTokensForBudget(layout: CacheLayout, budgetBytes: number): number | null {
  if (cacheBytesAt(layout, 0).total > budgetBytes) return -1;
  if (growthBytesPerToken(layout) === 0) {
    return cacheBytesAt(layout, slidingCapacity(layout)).total <= budgetBytes ? null : searchLargest(layout, budgetBytes, slidingCapacity(layout));
  }
  const upper = Math.ceil(budgetBytes / growthBytesPerToken(layout)) + 1;
  return searchLargest(layout, budgetBytes, upper);
}

/** Binary search for the largest T in [0, upper] with bytes(T) <= budget (bytes is non-decreasing). */
function searchLargest(layout: CacheLayout, budgetBytes: number, upper: number): number {
  let lo = 0;
  let hi = upper;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (cacheBytesAt(layout, mid).total <= budgetBytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
