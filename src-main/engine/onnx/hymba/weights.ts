/**
 * Weight declarations for the Hymba graph in the package's weight format. Every checkpoint tensor is
 * read when the package writer asks for it (one tensor at a time); projections become a MatMul over a
 * transposed float32/float16 matrix or a MatMulNBits over int4 blocks, small vectors stay float32.
 */
import type { WeightFormat } from '../../../contract/domain.ts';
import { float, type GraphBuilder, type Scope, bytesOf } from '../graph-builder.ts';
import { serialInt4Quantizer, type Int4Quantizer } from '../int4-quantizer.ts';
import { INT4_BLOCK, int4Blocks, int4ZeroPoint, int4ZeroPointBytes, toFloat16, transpose, type Int4Matrix } from '../weight-encoding.ts';

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
  /** Who quantizes int4 matrices (default: the calling thread; the converter passes a worker pool). */
  readonly int4Quantizer?: Int4Quantizer;
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

/** Initializer names of one int4 matrix, shared by every op that reads it. */
export interface Int4Weights {
  /** uint8 [rows, blocks, 16] packed nibbles. */
  readonly packed: string;
  /** float32 [rows, blocks]. */
  readonly scales: string;
  /** uint8 [rows, ceil(blocks/2)] packed zero points. */
  readonly zeroPoints: string;
}

/** Zero points one per byte, [rows, blocks]. */
function unpackZeroPoints(m: Int4Matrix): Uint8Array {
  const out = new Uint8Array(m.rows * m.blocks);
  for (let r = 0; r < m.rows; r++) for (let b = 0; b < m.blocks; b++) out[r * m.blocks + b] = int4ZeroPoint(m, r, b);
  return out;
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
   *   int4:  MatMulNBits(x, W [rows, blocks, 16], scales [rows, blocks], zero points [rows, ceil(blocks/2)])
   *          (a ragged last block when cols % 32 != 0)
   */
  linear(scope: Scope, x: string, source: LinearSource): string {
    const { format } = this.options;
    if (format === 'int4') {
      const { packed, scales, zeroPoints } = this.int4Matrix(source);
      return scope.op('MatMulNBits', 'MatMulNBits', [x, packed, scales, zeroPoints], this.nbitsAttrs(source.rows, source.cols), 'com.microsoft');
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

  /** Declares the packed bytes [rows, blocks, 16], scales [rows, blocks] and zero points [rows, ceil(blocks/2)] of an int4 matrix. */
  int4Matrix(source: LinearSource): Int4Weights {
    return this.int4Weights(source, false);
  }

  /**
   * The int4 matrix plus its zero points as GatherBlockQuantized reads them over the 3-D bytes: uint8
   * [rows, blocks, 1], one block's zero point per byte in the low nibble (the op packs zero points
   * per scale row, and with quantize_axis 2 a scale row is one block). Bytes and scales are shared.
   */
  int4Table(source: LinearSource): Int4Weights & { readonly gatherZeroPoints: string } {
    const { gatherZeroPoints, ...weights } = this.int4Weights(source, true);
    if (gatherZeroPoints === undefined) throw new Error(`${source.name}: gather zero points were not declared`);
    return { ...weights, gatherZeroPoints };
  }

  private int4Weights(source: LinearSource, forGather: boolean): Int4Weights & { readonly gatherZeroPoints?: string } {
    const blocks = int4Blocks(source.cols);
    const zpBytes = int4ZeroPointBytes(blocks);
    const quantizer = this.options.int4Quantizer ?? serialInt4Quantizer;
    const quantized = sharedOnce<Int4Matrix>(forGather ? 4 : 3, async () => quantizer.quantize(await source.read(), source.rows, source.cols));
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
    const zeroPoints = this.graph.weight({
      name: `${source.name}.weight_zero_points`,
      type: 'uint8',
      dims: [source.rows, zpBytes],
      byteLength: source.rows * zpBytes,
      produce: async () => (await quantized()).zeroPoints,
    });
    if (!forGather) return { packed, scales, zeroPoints };
    const gatherZeroPoints = this.graph.weight({
      name: `${source.name}.weight_zero_points_per_block`,
      type: 'uint8',
      dims: [source.rows, blocks, 1],
      byteLength: source.rows * blocks,
      produce: async () => unpackZeroPoints(await quantized()),
    });
    return { packed, scales, zeroPoints, gatherZeroPoints };
  }

  /** RMSNorm over the last axis with a checkpoint weight (SimplifiedLayerNormalization, domain ''). */
  rmsNorm(scope: Scope, x: string, weightName: string, width: number, eps: number): string {
    const w = this.tensor(weightName, [width]);
    return scope.op('SimplifiedLayerNormalization', 'SimplifiedLayerNormalization', [x, w], { axis: -1, epsilon: float(eps), stash_type: 1 });
  }
}
