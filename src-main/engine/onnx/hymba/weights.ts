/**
 * Weight declarations for the Hymba graph in the package's weight format. Every checkpoint tensor is
 * read when the package writer asks for it (one tensor at a time); projections become a MatMul over a
 * transposed float32/float16 matrix or a MatMulNBits over int4 blocks, small vectors stay float32.
 */
import type { WeightFormat } from '../../../contract/domain.ts';
import { float, type GraphBuilder, type Scope, bytesOf } from '../graph-builder.ts';
import { INT4_BLOCK, int4Blocks, quantizeInt4, toFloat16, transpose, type Int4Matrix } from '../weight-encoding.ts';

export type { WeightFormat };

/** Reads one checkpoint tensor as float32 (row-major, stored shape). */
export type ReadTensor = (name: string) => Promise<Float32Array>;

/** A projection y = x · Wᵀ with W [rows = outputs, cols = inputs] assembled from checkpoint tensors. */
export interface LinearSource {
  /** Initializer base name (a checkpoint name without `.weight`). */
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** W [rows, cols] in float32. */
  read(): Promise<Float32Array>;
}

export interface WeightOptions {
  readonly format: WeightFormat;
  /** MatMulNBits accuracy_level for int4 (0 = float32 activations, 4 = int8 activations). */
  readonly int4AccuracyLevel: number;
}

/**
 * Shares one quantization between the weights declared from it (packed bytes and scales) and drops it
 * once every consumer took its part, so at most one source tensor is alive at a time.
 */
function sharedOnce<T>(consumers: number, make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  let left = consumers;
  return () => {
    pending ??= make();
    const result = pending;
    if (--left === 0) pending = null;
    return result;
  };
}

export class HymbaWeights {
  constructor(
    private readonly graph: GraphBuilder,
    readonly options: WeightOptions,
    readonly read: ReadTensor,
  ) {}

  /** A float32 tensor computed from checkpoint data (norm weights, biases, A, D, conv kernels). */
  float32(name: string, dims: readonly number[], make: () => Promise<Float32Array>): string {
    const count = dims.reduce((a, b) => a * b, 1);
    return this.graph.weight({
      name,
      type: 'float32',
      dims,
      byteLength: count * 4,
      produce: async () => {
        const values = await make();
        if (values.length !== count) throw new Error(`${name}: expected ${count} values, got ${values.length}`);
        return bytesOf(values);
      },
    });
  }

  /** A float16 tensor computed from checkpoint data. */
  float16(name: string, dims: readonly number[], make: () => Promise<Float32Array>): string {
    const count = dims.reduce((a, b) => a * b, 1);
    return this.graph.weight({
      name: `${name}_fp16`,
      type: 'float16',
      dims,
      byteLength: count * 2,
      produce: async () => {
        const values = await make();
        if (values.length !== count) throw new Error(`${name}: expected ${count} values, got ${values.length}`);
        return bytesOf(toFloat16(values));
      },
    });
  }

  /** A checkpoint tensor stored as float32 unchanged. */
  tensor(name: string, dims: readonly number[]): string {
    return this.float32(name, dims, () => this.read(name));
  }

  /**
   * y [.., rows] = x [.., cols] · Wᵀ in the package format.
   *   fp32:  MatMul(x, Wᵀ [cols, rows])
   *   fp16:  MatMul(x, Cast(Wᵀ fp16 → fp32))
   *   int4:  MatMulNBits(x, W [rows, blocks, 16], scales [rows, blocks])   (cols % 32 == 0 only, else fp32)
   */
  linear(scope: Scope, x: string, source: LinearSource): string {
    const { format } = this.options;
    if (format === 'int4' && source.cols % INT4_BLOCK === 0) {
      const { packed, scales } = this.int4Matrix(source);
      return scope.op('MatMulNBits', 'MatMulNBits', [x, packed, scales], this.nbitsAttrs(source.rows, source.cols), 'com.microsoft');
    }
    if (format === 'fp16') {
      const w16 = this.float16(`${source.name}.weight_t`, [source.cols, source.rows], async () => transpose(await source.read(), source.rows, source.cols));
      const w = scope.op('weight', 'Cast', [w16], { to: 1 });
      return scope.op('MatMul', 'MatMul', [x, w]);
    }
    const w = this.float32(`${source.name}.weight_t`, [source.cols, source.rows], async () => transpose(await source.read(), source.rows, source.cols));
    return scope.op('MatMul', 'MatMul', [x, w]);
  }

  nbitsAttrs(rows: number, cols: number): Record<string, number> {
    return { K: cols, N: rows, bits: 4, block_size: INT4_BLOCK, accuracy_level: this.options.int4AccuracyLevel };
  }

  /** Declares the packed bytes [rows, blocks, 16] and scales [rows, blocks] of an int4 matrix. */
  int4Matrix(source: LinearSource): { packed: string; scales: string } {
    const blocks = int4Blocks(source.cols);
    const quantized = sharedOnce<Int4Matrix>(2, async () => quantizeInt4(await source.read(), source.rows, source.cols));
    const packed = this.graph.weight({
      name: `${source.name}.weight_int4`,
      type: 'uint8',
      dims: [source.rows, blocks, INT4_BLOCK / 2],
      byteLength: source.rows * blocks * (INT4_BLOCK / 2),
      produce: async () => (await quantized()).packed,
    });
    const scales = this.graph.weight({
      name: `${source.name}.weight_scales`,
      type: 'float32',
      dims: [source.rows, blocks],
      byteLength: source.rows * blocks * 4,
      produce: async () => bytesOf((await quantized()).scales),
    });
    return { packed, scales };
  }

  /** RMSNorm over the last axis with a checkpoint weight (SimplifiedLayerNormalization, domain ''). */
  rmsNorm(scope: Scope, x: string, weightName: string, width: number, eps: number): string {
    const w = this.tensor(weightName, [width]);
    return scope.op('SimplifiedLayerNormalization', 'SimplifiedLayerNormalization', [x, w], { axis: -1, epsilon: float(eps), stash_type: 1 });
  }
}
