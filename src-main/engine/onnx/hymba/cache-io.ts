/**
 * Graph inputs and outputs of the caches (names and order from graph-io.ts). Caches are stored in the
 * package's cache type; the graph computes in float32 and casts at this boundary.
 */
import { cacheTensorSpecs, type CacheTensorSpec } from '../../model/graph-io.ts';
import type { HymbaConfig } from '../../config/hymba-config.ts';
import type { Dim, GraphBuilder, Scope } from '../graph-builder.ts';
import type { CacheType } from './context.ts';

const dims = (spec: CacheTensorSpec, axis: string): Dim[] => spec.shape.map((d) => d ?? `${axis}_${spec.layer}`);

export class CacheIo {
  private readonly specs: CacheTensorSpec[];
  private readonly presents = new Map<string, string>();

  constructor(
    private readonly graph: GraphBuilder,
    config: HymbaConfig,
    readonly cacheType: CacheType,
  ) {
    this.specs = cacheTensorSpecs(config);
  }

  /** Declares every past_* input, in contract order. */
  declareInputs(): void {
    for (const spec of this.specs) this.graph.input(spec.past, this.cacheType, dims(spec, 'past_sequence_length'));
  }

  /** Declares every present_* output, in contract order; each must have been set. */
  declareOutputs(): void {
    for (const spec of this.specs) {
      const value = this.presents.get(spec.present);
      if (value === undefined) throw new Error(`graph did not produce ${spec.present}`);
      this.graph.output(spec.present, value, this.cacheType, dims(spec, 'total_sequence_length'));
    }
  }

  /** Converts a float32 value to the cache type. */
  toCache(scope: Scope, value: string): string {
    return this.cacheType === 'float32' ? value : scope.op('to_cache', 'Cast', [value], { to: 10 });
  }

  /** Converts a cache-typed value to float32. */
  fromCache(scope: Scope, value: string): string {
    return this.cacheType === 'float32' ? value : scope.op('from_cache', 'Cast', [value], { to: 1 });
  }

  /** Records the value (already in the cache type) of a present_* output. */
  setPresent(name: string, value: string): void {
    if (this.presents.has(name)) throw new Error(`${name} set twice`);
    this.presents.set(name, value);
  }
}
