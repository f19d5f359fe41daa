/**
 * The hybrid cache manager (style A7/A10): one interface over every layer's memory, joining attention KV
 * (global layers grow; sliding layers keep [meta | last W]) and the Mamba conv/SSM state (constant size).
 * KV-consumer layers hold nothing: their K/V come from the producer inside the graph.
 *
 * Tensors are never mutated after they are stored, so a snapshot is a cheap copy of references: the live
 * cache moves on by replacing tensors, and the snapshot keeps the ones it saw. Each tensor counts the caches
 * that hold it; a GPU-resident tensor (onnxruntime `gpu-buffer`) is disposed when the last one lets go, so
 * a cache that is dropped must be `release()`d (CPU tensors are left to the garbage collector).
 *
 * Invariants (checked by tests):
 * - `positions` = meta tokens + real tokens fed so far; every global KV holds exactly `positions` entries.
 * - a sliding KV holds min(positions, M + W) entries: the first M, then the most recent ones.
 * - conv state is [1, d_inner, d_conv] and SSM state [1, d_inner, d_state] at all times.
 */
import * as ort from 'onnxruntime-node';
import type { CacheBreakdown, CacheDtype } from '../../contract/domain.ts';
import type { HymbaConfig, LayerSpec } from '../config/hymba-config.ts';
import { cacheTensorSpecs, type CacheTensorSpec } from '../model/graph-io.ts';
import { DTYPE_BYTES } from './cache-layout.ts';

export type CacheTensor = ort.Tensor;
export type TensorMap = Record<string, CacheTensor>;

/** One layer's share of the cache. */
export interface LayerMemory {
  readonly layer: number;
  /** Adds this layer's past_* feeds. */
  addFeeds(feeds: TensorMap): void;
  /** Takes this layer's present_* outputs as the new state (trimming where the layer is windowed). */
  absorb(outputs: TensorMap): void;
  /** Bytes held now, by category. */
  bytes(): LayerBytes;
  /** A copy sharing the (immutable) tensors. */
  fork(): LayerMemory;
  /** Lets go of this layer's tensors (the memory must not be used afterwards). */
  release(): void;
}

export interface LayerBytes {
  readonly globalKv: number;
  readonly slidingKv: number;
  readonly ssm: number;
  readonly conv: number;
  readonly meta: number;
}

/** How many live caches (and forks, snapshots) hold each tensor. */
const holders = new WeakMap<CacheTensor, number>();

function hold(tensor: CacheTensor): CacheTensor {
  holders.set(tensor, (holders.get(tensor) ?? 0) + 1);
  return tensor;
}

function letGo(tensor: CacheTensor): void {
  const left = (holders.get(tensor) ?? 1) - 1;
  if (left > 0) {
    holders.set(tensor, left);
    return;
  }
  holders.delete(tensor);
  if (tensor.location === 'gpu-buffer') tensor.dispose();
}

/** Replaces a held tensor: holds the new one first, then lets go of the old one. */
function swap(old: CacheTensor, next: CacheTensor): CacheTensor {
  hold(next);
  letGo(old);
  return next;
}

const emptyData = (dtype: CacheDtype, length: number): Float32Array | Uint16Array =>
  dtype === 'float32' ? new Float32Array(length) : new Uint16Array(length);

const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function zeros(dtype: CacheDtype, dims: readonly number[]): CacheTensor {
  return new ort.Tensor(dtype, emptyData(dtype, sizeOf(dims)), dims);
}

function output(outputs: TensorMap, name: string): CacheTensor {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`graph output ${name} is missing`);
  return tensor;
}

/**
 * Keeps entries [0, keepFront) and the last `keepBack` of a [1, H, L, d] tensor along the sequence axis.
 * Returns the tensor itself when nothing needs dropping.
 */
export function trimSequence(tensor: CacheTensor, keepFront: number, keepBack: number): CacheTensor {
  const [one, heads, length, dim] = tensor.dims as [number, number, number, number];
  if (length <= keepFront + keepBack) return tensor;
  if (tensor.location !== 'cpu') {
    throw new Error(`a ${tensor.location} cache of ${length} entries needs trimming to ${keepFront + keepBack}; only graphs that trim sliding caches themselves (manifest.graph.slidingCacheTrimmed) can keep caches on a GPU`);
  }
  const kept = keepFront + keepBack;
  const source = tensor.data as Float32Array | Uint16Array;
  const target = source instanceof Float32Array ? new Float32Array(heads * kept * dim) : new Uint16Array(heads * kept * dim);
  for (let h = 0; h < heads; h++) {
    const from = h * length * dim;
    const to = h * kept * dim;
    target.set(source.subarray(from, from + keepFront * dim), to);
    target.set(source.subarray(from + (length - keepBack) * dim, from + length * dim), to + keepFront * dim);
  }
  return new ort.Tensor(tensor.type as CacheDtype, target, [one, heads, kept, dim]);
}

/** K and V of a layer that owns its attention cache. */
export class AttentionKvMemory implements LayerMemory {
  constructor(
    readonly layer: number,
    private readonly spec: { key: CacheTensorSpec; value: CacheTensorSpec },
    private readonly windowed: boolean,
    private readonly numMeta: number,
    private readonly window: number,
    private key: CacheTensor,
    private value: CacheTensor,
  ) {
    hold(key);
    hold(value);
  }

  static empty(spec: { key: CacheTensorSpec; value: CacheTensorSpec }, layer: LayerSpec, config: HymbaConfig, dtype: CacheDtype): AttentionKvMemory {
    const dims = (s: CacheTensorSpec): number[] => s.shape.map((d) => d ?? 0);
    return new AttentionKvMemory(layer.index, spec, layer.attention === 'sliding', config.numMetaTokens, config.slidingWindow, zeros(dtype, dims(spec.key)), zeros(dtype, dims(spec.value)));
  }

  /** Entries held on the sequence axis. */
  get length(): number {
    return this.key.dims[2]!;
  }

  addFeeds(feeds: TensorMap): void {
    feeds[this.spec.key.past] = this.key;
    feeds[this.spec.value.past] = this.value;
  }

  absorb(outputs: TensorMap): void {
    const key = output(outputs, this.spec.key.present);
    const value = output(outputs, this.spec.value.present);
    this.key = swap(this.key, this.windowed ? trimSequence(key, this.numMeta, this.window) : key);
    this.value = swap(this.value, this.windowed ? trimSequence(value, this.numMeta, this.window) : value);
  }

  bytes(): LayerBytes {
    const total = tensorBytes(this.key) + tensorBytes(this.value);
    const perEntry = this.length === 0 ? 0 : total / this.length;
    const meta = perEntry * Math.min(this.numMeta, this.length);
    return { globalKv: this.windowed ? 0 : total, slidingKv: this.windowed ? total : 0, ssm: 0, conv: 0, meta };
  }

  fork(): AttentionKvMemory {
    return new AttentionKvMemory(this.layer, this.spec, this.windowed, this.numMeta, this.window, this.key, this.value);
  }

  release(): void {
    letGo(this.key);
    letGo(this.value);
  }
}

/** The Mamba conv window and SSM state of one layer (fixed size). */
export class RecurrentStateMemory implements LayerMemory {
  constructor(
    readonly layer: number,
    private readonly spec: { conv: CacheTensorSpec; ssm: CacheTensorSpec },
    private conv: CacheTensor,
    private ssm: CacheTensor,
  ) {
    hold(conv);
    hold(ssm);
  }

  static empty(spec: { conv: CacheTensorSpec; ssm: CacheTensorSpec }, layer: number, dtype: CacheDtype): RecurrentStateMemory {
    return new RecurrentStateMemory(layer, spec, zeros(dtype, spec.conv.shape as number[]), zeros(dtype, spec.ssm.shape as number[]));
  }

  addFeeds(feeds: TensorMap): void {
    feeds[this.spec.conv.past] = this.conv;
    feeds[this.spec.ssm.past] = this.ssm;
  }

  absorb(outputs: TensorMap): void {
    this.conv = swap(this.conv, output(outputs, this.spec.conv.present));
    this.ssm = swap(this.ssm, output(outputs, this.spec.ssm.present));
  }

  bytes(): LayerBytes {
    return { globalKv: 0, slidingKv: 0, ssm: tensorBytes(this.ssm), conv: tensorBytes(this.conv), meta: 0 };
  }

  fork(): RecurrentStateMemory {
    return new RecurrentStateMemory(this.layer, this.spec, this.conv, this.ssm);
  }

  release(): void {
    letGo(this.conv);
    letGo(this.ssm);
  }
}

/** Bytes of a cache tensor from its shape (a GPU tensor has no host data to measure). */
export function tensorBytes(tensor: CacheTensor): number {
  if (tensor.type !== 'float32' && tensor.type !== 'float16') throw new Error(`unexpected cache tensor type ${tensor.type}`);
  return sizeOf(tensor.dims) * DTYPE_BYTES[tensor.type];
}

/** Every layer's memory behind one interface, plus the position counter. */
export class HybridCache {
  private constructor(
    readonly dtype: CacheDtype,
    private readonly memories: readonly LayerMemory[],
    private positionCount: number,
  ) {}

  /** An empty cache (no positions) in the graph's layout. */
  static empty(config: HymbaConfig, dtype: CacheDtype): HybridCache {
    const specs = cacheTensorSpecs(config);
    const find = (layer: number, kind: CacheTensorSpec['kind']): CacheTensorSpec => {
      const spec = specs.find((s) => s.layer === layer && s.kind === kind);
      if (!spec) throw new Error(`no ${kind} cache spec for layer ${layer}`);
      return spec;
    };
    const memories: LayerMemory[] = [];
    for (const layer of config.layers) {
      if (layer.ownsKv) memories.push(AttentionKvMemory.empty({ key: find(layer.index, 'key'), value: find(layer.index, 'value') }, layer, config, dtype));
      memories.push(RecurrentStateMemory.empty({ conv: find(layer.index, 'conv'), ssm: find(layer.index, 'ssm') }, layer.index, dtype));
    }
    return new HybridCache(dtype, memories, 0);
  }

  /** Positions processed so far (meta tokens included); the next token's position id. */
  get positions(): number {
    return this.positionCount;
  }

  /** Adds every past_* input to `feeds`. */
  addFeeds(feeds: TensorMap): void {
    for (const memory of this.memories) memory.addFeeds(feeds);
  }

  /** Takes a run's present_* outputs after `fed` new positions. */
  absorb(outputs: TensorMap, fed: number): void {
    for (const memory of this.memories) memory.absorb(outputs);
    this.positionCount += fed;
  }

  /** An independent cache that starts from this one's state. */
  fork(): HybridCache {
    return new HybridCache(this.dtype, this.memories.map((m) => m.fork()), this.positionCount);
  }

  /** Lets go of every tensor (GPU tensors no other cache holds are freed); the cache must not be used after. */
  release(): void {
    for (const memory of this.memories) memory.release();
  }

  /** Bytes held by category (meta counts the KV entries of the meta prefix, already inside the KV totals). */
  bytes(): CacheBreakdown {
    let globalKv = 0;
    let slidingKv = 0;
    let ssm = 0;
    let conv = 0;
    let meta = 0;
    for (const memory of this.memories) {
      const b = memory.bytes();
      globalKv += b.globalKv;
      slidingKv += b.slidingKv;
      ssm += b.ssm;
      conv += b.conv;
      meta += b.meta;
    }
    return { globalKv, slidingKv, ssm, conv, meta, total: globalKv + slidingKv + ssm + conv };
  }

  /** Bytes held per layer (index = layer). */
  bytesByLayer(numLayers: number): number[] {
    const perLayer = new Array<number>(numLayers).fill(0);
    for (const memory of this.memories) {
      const b = memory.bytes();
      perLayer[memory.layer]! += b.globalKv + b.slidingKv + b.ssm + b.conv;
    }
    return perLayer;
  }

  /** Entries on the sequence axis of each KV-owning layer (for tests and diagnostics). */
  kvLengths(): Map<number, number> {
    const lengths = new Map<number, number>();
    for (const memory of this.memories) if (memory instanceof AttentionKvMemory) lengths.set(memory.layer, memory.length);
    return lengths;
  }
}
