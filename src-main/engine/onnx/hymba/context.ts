/**
 * What every Hymba builder shares while one graph is built: the config, the weight factory, the cache
 * element type and the per-call values computed once at the top of the graph.
 */
import type { CacheDtype } from '../../../contract/domain.ts';
import type { HymbaConfig } from '../../config/hymba-config.ts';
import type { GraphBuilder } from '../graph-builder.ts';
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
  /** float32 [1, 1, T, d_qk]: RoPE tables for these positions. */
  readonly cos: string;
  readonly sin: string;
}

export interface BuildContext {
  readonly graph: GraphBuilder;
  readonly config: HymbaConfig;
  readonly weights: HymbaWeights;
  readonly cacheType: CacheType;
  readonly call: CallValues;
}

export const layerPath = (layer: number): string => `/model/layers.${layer}`;
export const layerWeight = (layer: number, name: string): string => `model.layers.${layer}.${name}`;
