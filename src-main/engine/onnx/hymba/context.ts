/**
 * What every Hymba builder shares while one graph is built: the config, the weight factory, the cache
 * element type and the per-call values computed once at the top of the graph.
 */
import type { CacheDtype } from '../../../contract/domain.ts';
import type { HymbaConfig } from '../../config/hymba-config.ts';
import type { GraphBuilder } from '../graph-builder.ts';
import type { RopeTables } from './rope.ts';
import type { HymbaWeights } from './weights.ts';

export type CacheType = CacheDtype;

/** Values of the current call, computed once (names of graph values). */
export interface CallValues {
  /** int64 [1]: T, the number of positions in this call. */
  readonly length: string;
  /** int64 [T]: absolute position of each query (position_ids row 0). */
  readonly positions: string;
  /** int64 scalar: P = position_ids[0, 0], the number of positions before this call. */
  readonly pastLength: string;
  /** RoPE tables for these positions. */
  readonly rope: RopeTables;
}

export interface BuildContext {
  readonly graph: GraphBuilder;
  readonly config: HymbaConfig;
  readonly weights: HymbaWeights;
  readonly cacheType: CacheType;
  readonly call: CallValues;
  /**
   * A value of this call that several layers need alike (the attention mask of each attention kind, the
   * sliding caches' kept indices), built by the first layer that asks and read by the others. Fewer nodes
   * on any device; on a GPU each of these small index computations is a host round trip.
   */
  once(key: string, build: () => string): string;
}

export function onceTable(): BuildContext['once'] {
  const built = new Map<string, string>();
  return (key, build) => {
    let value = built.get(key);
    if (value === undefined) {
      value = build();
      built.set(key, value);
    }
    return value;
  };
}

export const layerPath = (layer: number): string => `/model/layers.${layer}`;
export const layerWeight = (layer: number, name: string): string => `model.layers.${layer}.${name}`;
