/**
 * A minimal driver of a package graph through onnxruntime, for parity and accuracy checks: it prepends
 * the meta tokens on the first call of a sequence, feeds the graph's own present_* outputs back as the
 * next past_*, and trims sliding-window KV caches to [first M | last W] between calls (graph-io.ts).
 * The app's runtime (engine/runtime) has its own, fuller cache manager; this one is deliberately small.
 */
import * as ort from 'onnxruntime-node';
import type { CacheDtype } from '../../contract/domain.ts';
import type { HymbaConfig } from '../config/hymba-config.ts';
import { cacheTensorSpecs, INPUT_IDS, LOGITS, NUM_LOGITS_TO_KEEP, POSITION_IDS, SSM_PARALLEL, type CacheTensorSpec } from '../model/graph-io.ts';

type CacheData = Float32Array | Uint16Array;

const int64 = (values: readonly number[], dims: readonly number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values.map((v) => BigInt(v))), dims);

/** Keeps entries [0, M) and [L − W, L) of axis 2 of a [1, heads, L, dim] cache. */
export function trimSlidingCache(data: CacheData, heads: number, length: number, dim: number, meta: number, window: number): CacheData {
  const kept = meta + window;
  if (length <= kept) return data;
  const out = new (data.constructor as new (n: number) => CacheData)(heads * kept * dim);
  for (let h = 0; h < heads; h++) {
    const src = h * length * dim;
    const dst = h * kept * dim;
    out.set(data.subarray(src, src + meta * dim), dst);
    out.set(data.subarray(src + (length - window) * dim, src + length * dim), dst + meta * dim);
  }
  return out;
}

export class CachedRunner {
  private readonly specs: CacheTensorSpec[];
  private caches = new Map<string, ort.Tensor>();
  /** Positions processed so far in this sequence (meta tokens included). */
  position = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly config: HymbaConfig,
    readonly cacheDtype: CacheDtype,
  ) {
    this.specs = cacheTensorSpecs(config);
    this.reset();
  }

  static async create(modelPath: string, config: HymbaConfig, cacheDtype: CacheDtype, options: ort.InferenceSession.SessionOptions = {}): Promise<CachedRunner> {
    const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, ...options });
    return new CachedRunner(session, config, cacheDtype);
  }

  /** Starts a new sequence: empty KV caches, zero conv/SSM states. */
  reset(): void {
    this.position = 0;
    this.caches = new Map();
    for (const spec of this.specs) {
      const dims = spec.shape.map((d) => d ?? 0);
      const count = dims.reduce((a, b) => a * b, 1);
      this.caches.set(spec.past, this.tensor(this.cacheDtype === 'float16' ? new Uint16Array(count) : new Float32Array(count), dims));
    }
  }

  private tensor(data: CacheData, dims: readonly number[]): ort.Tensor {
    return data instanceof Uint16Array ? new ort.Tensor('float16', data, dims) : new ort.Tensor('float32', data, dims);
  }

  /** Current length of a layer's KV cache (axis 2). */
  kvLength(layer: number): number {
    const spec = this.specs.find((s) => s.layer === layer && s.kind === 'key');
    return spec ? this.caches.get(spec.past)!.dims[2]! : 0;
  }

  /**
   * Runs the next tokens of the sequence (meta tokens prepended on the first call) and returns the
   * logits of the last `keep` positions, row-major [keep, V].
   */
  async forward(tokens: readonly number[], keep = 1): Promise<Float32Array> {
    const { vocabSize: V, numMetaTokens: M, slidingWindow: W, numKvHeads } = this.config;
    const ids = this.position === 0 ? [...Array.from({ length: M }, (_, i) => V + i), ...tokens] : [...tokens];
    const positions = ids.map((_, i) => this.position + i);
    const feeds: Record<string, ort.Tensor> = {
      [INPUT_IDS]: int64(ids, [1, ids.length]),
      [POSITION_IDS]: int64(positions, [1, ids.length]),
      [NUM_LOGITS_TO_KEEP]: int64([keep], []),
    };
    if (this.session.inputNames.includes(SSM_PARALLEL)) feeds[SSM_PARALLEL] = new ort.Tensor('bool', Uint8Array.of(0), []); // the Scan
    for (const [name, value] of this.caches) feeds[name] = value;
    const out = await this.session.run(feeds);
    this.position += ids.length;
    for (const spec of this.specs) {
      const present = out[spec.present]!;
      let data = present.data as CacheData;
      const dims = [...present.dims];
      const layer = this.config.layers[spec.layer]!;
      if ((spec.kind === 'key' || spec.kind === 'value') && layer.attention === 'sliding' && dims[2]! > M + W) {
        data = trimSlidingCache(data, numKvHeads, dims[2]!, dims[3]!, M, W);
        dims[2] = M + W;
      }
      this.caches.set(spec.past, this.tensor(data, dims));
    }
    return out[LOGITS]!.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Index of the largest value of row `row` of a row-major [rows, width] matrix. */
export function argmaxRow(values: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (values[row * width + k]! > values[row * width + best]!) best = k;
  return best;
}
