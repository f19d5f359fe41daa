/**
 * One forward pass of a Hymba graph over a HybridCache, and the prefill built from it: meta prefix once per
 * model, prompts in chunks so a sliding layer never holds more than meta + W + chunk entries, and decode
 * steps of one token. The graph I/O follows src-main/engine/model/graph-io.ts.
 */
import * as ort from 'onnxruntime-node';
import type { CacheDtype } from '../../contract/domain.ts';
import type { HymbaConfig } from '../config/hymba-config.ts';
import { INPUT_IDS, LOGITS, NUM_LOGITS_TO_KEEP, POSITION_IDS, SSM_PARALLEL } from '../model/graph-io.ts';
import { HybridCache, type TensorMap } from './hybrid-cache.ts';

/** Something that runs the graph: an onnxruntime session in the engine. */
export interface GraphRunner {
  run(feeds: TensorMap): Promise<TensorMap>;
  release(): Promise<void>;
}

/**
 * Default prefill chunk (positions per run). The attention temporaries of a chunk grow as chunk × context
 * (scores [1, H_kv, G·chunk, L] float32) and onnxruntime's CPU arena keeps its largest allocation, so a
 * small chunk lowers the peak memory; on the 1.5B int4 package 64 prefills as fast as 256 and peaks
 * about 110 MB lower after a 1k prompt (bench/results/README.md, "After optimisation").
 */
export const DEFAULT_PREFILL_CHUNK = 64;

/**
 * Prefill chunk where prompt chunks run the SSM in closed form (GPU providers): its temporaries grow as
 * chunk² · d_inner · d_state floats (16: 52 MB per tensor on the 1.5B), and a GPU runs a chunk in about the
 * time of one decode step, so short chunks cost little.
 */
export const PARALLEL_SSM_PREFILL_CHUNK = 16;

/**
 * Splits `n` positions into chunks of at most `chunk`, never ending with a chunk of exactly one position
 * (a one-position run selects the decode window W − 1, hymba-architecture §4) unless n is 1.
 */
export function chunkLengths(n: number, chunk: number): number[] {
  if (chunk < 2) throw new Error('prefill chunk must be at least 2');
  const lengths: number[] = [];
  let left = n;
  while (left > 0) {
    let take = Math.min(chunk, left);
    if (left - take === 1) take -= 1;
    lengths.push(take);
    left -= take;
  }
  return lengths;
}

export class HymbaForward {
  constructor(
    private readonly runner: GraphRunner,
    readonly config: HymbaConfig,
    readonly cacheDtype: CacheDtype,
    private readonly prefillChunk = DEFAULT_PREFILL_CHUNK,
    /** The `ssm_parallel` feed; null for graphs without that input. */
    readonly ssmParallel: boolean | null = null,
  ) {}

  /**
   * Runs `ids` (already including meta ids where wanted) at positions cache.positions…, absorbs the new
   * state into `cache` and returns the last position's logits [V].
   */
  async step(cache: HybridCache, ids: readonly number[]): Promise<Float32Array> {
    const start = cache.positions;
    const count = ids.length;
    const feeds: TensorMap = {
      [INPUT_IDS]: new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, count]), // [1, T]
      [POSITION_IDS]: new ort.Tensor('int64', BigInt64Array.from({ length: count }, (_, i) => BigInt(start + i)), [1, count]), // [1, T]
      [NUM_LOGITS_TO_KEEP]: new ort.Tensor('int64', BigInt64Array.of(1n), []),
    };
    if (this.ssmParallel !== null) feeds[SSM_PARALLEL] = new ort.Tensor('bool', Uint8Array.of(this.ssmParallel ? 1 : 0), []);
    cache.addFeeds(feeds);
    const outputs = await this.runner.run(feeds);
    const logits = outputs[LOGITS];
    if (!logits) throw new Error(`graph output ${LOGITS} is missing`);
    cache.absorb(outputs, count);
    const data = logits.data as Float32Array; // [1, 1, V]
    return data.slice(data.length - this.config.vocabSize);
  }

  /** Feeds `ids` in chunks; returns the last logits. `beforeChunk` may throw to abort (cancellation). */
  async prefill(cache: HybridCache, ids: readonly number[], beforeChunk?: () => void): Promise<Float32Array> {
    if (ids.length === 0) throw new Error('prefill needs at least one token');
    let offset = 0;
    let logits: Float32Array | undefined;
    for (const length of chunkLengths(ids.length, this.prefillChunk)) {
      beforeChunk?.();
      logits = await this.step(cache, ids.slice(offset, offset + length));
      offset += length;
    }
    return logits!;
  }

  /** The cache after the M meta tokens: identical for every prompt, so computed once per loaded model. */
  async metaPrefix(): Promise<HybridCache> {
    const cache = HybridCache.empty(this.config, this.cacheDtype);
    const metaIds = Array.from({ length: this.config.numMetaTokens }, (_, i) => this.config.vocabSize + i);
    if (metaIds.length > 0) await this.prefill(cache, metaIds);
    return cache;
  }

  /** The same graph with another prefill chunk size or SSM form (shares the session). */
  withPrefillChunk(chunk: number, ssmParallel = this.ssmParallel): HymbaForward {
    return new HymbaForward(this.runner, this.config, this.cacheDtype, chunk, ssmParallel);
  }

  release(): Promise<void> {
    return this.runner.release();
  }
}
