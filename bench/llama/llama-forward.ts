/**
 * Runs the Llama baseline with the engine's runtime machinery: the session is created by the engine's
 * device chain (createSessionWithFallback + sessionOptions, runtime/devices.ts) and each layer's KV lives
 * in the engine's AttentionKvMemory (runtime/hybrid-cache.ts), unwindowed and without meta tokens. There is
 * no SSM or conv state and no KV sharing.
 */
import * as ort from 'onnxruntime-node';
import type { DevicePreference, ExecutionDevice } from '../../src-main/contract/domain.ts';
import { INPUT_IDS, LOGITS, NUM_LOGITS_TO_KEEP, pastName, POSITION_IDS, presentName, type CacheTensorSpec } from '../../src-main/engine/model/graph-io.ts';
import { createSessionWithFallback, listDevices } from '../../src-main/engine/runtime/devices.ts';
import { benchSessionOptions } from '../src/hymba-session.ts';
import { AttentionKvMemory, type TensorMap } from '../../src-main/engine/runtime/hybrid-cache.ts';
import type { LlamaShape } from './llama-config.ts';

/** The Llama KV cache: one AttentionKvMemory per layer, plus the position counter. */
export class LlamaCache {
  private constructor(
    readonly memories: readonly AttentionKvMemory[],
    public positions: number,
  ) {}

  /**
   * A cache holding `length` positions of the given K/V contents per layer ([1, H_kv, length, d] float16).
   * `fill` gives the half-float bits (0 = zeros); decode cost depends only on the shape.
   */
  static filled(shape: LlamaShape, length: number, fill: (i: number) => number = () => 0): LlamaCache {
    const dims = [1, shape.numKvHeads, length, shape.headDim];
    const count = shape.numKvHeads * length * shape.headDim;
    const tensor = (): ort.Tensor => {
      const data = new Uint16Array(count);
      for (let i = 0; i < count; i++) data[i] = fill(i);
      return new ort.Tensor('float16', data, dims);
    };
    const memories = Array.from({ length: shape.numLayers }, (_, i) => {
      const spec = (kind: 'key' | 'value'): CacheTensorSpec => ({ layer: i, kind, past: pastName(kind, i), present: presentName(kind, i), shape: [1, shape.numKvHeads, null, shape.headDim] });
      return new AttentionKvMemory(i, { key: spec('key'), value: spec('value') }, false, 0, 0, tensor(), tensor());
    });
    return new LlamaCache(memories, length);
  }

  /** Bytes held by the live K/V tensors. */
  bytes(): number {
    return this.memories.reduce((sum, m) => {
      const b = m.bytes();
      return sum + b.globalKv + b.slidingKv;
    }, 0);
  }
}

export class LlamaForward {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly device: ExecutionDevice,
    readonly fallbackReason: string | undefined,
    readonly shape: LlamaShape,
  ) {}

  static async load(modelPath: string, shape: LlamaShape, device: DevicePreference, threads: number, allowCpuFallback = false): Promise<LlamaForward> {
    const devices = device === 'cpu' ? [] : await listDevices();
    // Caches stay on a GPU between runs, as the engine keeps Hymba's.
    const presents = Array.from({ length: shape.numLayers }, (_, i) => [presentName('key', i), presentName('value', i)]).flat();
    const io = { deviceResidentOutputs: presents, outputNames: [LOGITS, ...presents] };
    const { session, choice } = await createSessionWithFallback(device, (d) => ort.InferenceSession.create(modelPath, benchSessionOptions(d, threads, allowCpuFallback, io)), devices);
    return new LlamaForward(session, choice.device, choice.fallbackReason, shape);
  }

  /** Runs `ids` at the cache's next positions, absorbs the new K/V and returns the last logits [V]. */
  async step(cache: LlamaCache, ids: readonly number[]): Promise<Float32Array> {
    const start = cache.positions;
    const feeds: TensorMap = {
      [INPUT_IDS]: new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, ids.length]), // [1, T]
      [POSITION_IDS]: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(start + i)), [1, ids.length]), // [1, T]
      [NUM_LOGITS_TO_KEEP]: new ort.Tensor('int64', BigInt64Array.of(1n), []),
    };
    for (const memory of cache.memories) memory.addFeeds(feeds);
    const outputs = (await this.session.run(feeds)) as TensorMap;
    for (const memory of cache.memories) memory.absorb(outputs);
    cache.positions += ids.length;
    const logits = outputs[LOGITS];
    if (!logits) throw new Error(`graph output ${LOGITS} is missing`);
    const data = logits.data as Float32Array; // [1, 1, V]
    return data.slice(data.length - this.shape.vocabSize);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
