/**
 * Random weights for the Llama baseline, produced straight in the package layout (no float checkpoint,
 * no quantization pass): int4 MatMulNBits blocks with uniform nibbles and one scale per matrix chosen so
 * activations keep unit scale, and float32 norm weights of ones.
 */
import { bytesOf, type GraphBuilder } from '../../src-main/engine/onnx/graph-builder.ts';
import { INT4_BLOCK, int4Blocks } from '../../src-main/engine/onnx/weight-encoding.ts';

/** xorshift32 stream of bytes (deterministic per seed). */
function randomBytes(count: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(count / 4));
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, count);
}

/** The names of an int4 matrix's packed bytes [rows, blocks, 16] and scales [rows, blocks]. */
export interface RandomInt4 {
  readonly packed: string;
  readonly scales: string;
}

/** FNV-1a of the weight name: each matrix gets its own stream, independent of declaration order. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Declares a random int4 matrix W [rows, cols]. Nibbles are uniform on 0..15 (zero point 8, so values
 * −8..7 with standard deviation ≈ 4.6); the scale makes x · Wᵀ keep the scale of x: 1 / (4.6 · √cols).
 */
export function randomInt4(graph: GraphBuilder, name: string, rows: number, cols: number): RandomInt4 {
  const blocks = int4Blocks(cols);
  const seed = seedOf(name);
  const packed = graph.weight({
    name: `${name}.weight_int4`,
    type: 'uint8',
    dims: [rows, blocks, INT4_BLOCK / 2],
    byteLength: rows * blocks * (INT4_BLOCK / 2),
    produce: () => Promise.resolve(randomBytes(rows * blocks * (INT4_BLOCK / 2), seed)),
  });
  const scale = 1 / (4.6 * Math.sqrt(cols));
  const scales = graph.weight({
    name: `${name}.weight_scales`,
    type: 'float32',
    dims: [rows, blocks],
    byteLength: rows * blocks * 4,
    produce: () => Promise.resolve(bytesOf(new Float32Array(rows * blocks).fill(scale))),
  });
  return { packed, scales };
}

/** A float32 vector of ones (RMSNorm weights). */
export function ones(graph: GraphBuilder, name: string, width: number): string {
  return graph.weight({ name, type: 'float32', dims: [width], byteLength: width * 4, produce: () => Promise.resolve(bytesOf(new Float32Array(width).fill(1))) });
}
