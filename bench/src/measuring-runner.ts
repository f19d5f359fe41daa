/**
 * A GraphRunner (runtime/model-forward.ts) over an onnxruntime session that also measures: time per run,
 * and the bytes of the present_* outputs a run hands back (the transient
 * cache peak inside one call). GPU-resident outputs are the session's choice (engine session options);
 * their lifetimes belong to HybridCache, as in generation.
 */
import type * as ort from 'onnxruntime-node';
import type { GraphRunner } from '../../src-main/engine/runtime/model-forward.ts';
import { tensorBytes, type TensorMap } from '../../src-main/engine/runtime/hybrid-cache.ts';

export interface RunRecord {
  /** Positions fed (input_ids length). */
  readonly positions: number;
  readonly ms: number;
  /** Bytes of all present_* outputs of this run. */
  readonly presentBytes: number;
}

export class MeasuringRunner implements GraphRunner {
  readonly records: RunRecord[] = [];

  constructor(readonly session: ort.InferenceSession) {}

  async run(feeds: TensorMap): Promise<TensorMap> {
    const started = performance.now();
    const outputs = (await this.session.run(feeds)) as TensorMap;
    const ms = performance.now() - started;
    let presentBytes = 0;
    for (const [name, tensor] of Object.entries(outputs)) if (name.startsWith('present')) presentBytes += tensorBytes(tensor);
    const ids = feeds.input_ids;
    this.records.push({ positions: ids ? ids.dims[1]! : 0, ms, presentBytes });
    return outputs;
  }

  /** Records since `from`, then forgets them. */
  take(from = 0): RunRecord[] {
    return this.records.splice(from);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
