/**
 * Encodings of float32 weights for the package: float16 (round to nearest even) and block-wise int4
 * in the com.microsoft MatMulNBits layout.
 *
 * int4 layout (MatMulNBits bits=4, block_size=32, with the zero_points input):
 *   W [N, K] row-major (N outputs, K inputs) → packed uint8 [N, ceil(K/32), 16], scales float32 [N, ceil(K/32)],
 *   zero points uint8 [N, ceil(ceil(K/32)/2)] (block 2i in the low nibble, block 2i+1 in the high nibble)
 *   byte j of block b of row n holds k = 32b+2j in its low nibble and k = 32b+2j+1 in its high nibble;
 *   w ≈ (q − zp) · scale. The same bytes, seen as [N, ceil(K/32)·16], are GatherBlockQuantized data
 *   (quantize_axis 1) with the same scales and zero points.
 * Quantization is asymmetric round-to-nearest: scale = (max − min)/15 over the block (the range always
 * includes 0), zp = round(−min/scale) clamped to 0..15; of that range and a few ranges shrunk towards 0
 * (clipping the extremes) the block keeps the one with the least squared error. Padding in a ragged last
 * block holds the zero point, so it dequantizes to 0.
 */

export const INT4_BLOCK = 32;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE half bits, round to nearest even, with overflow to ±inf and subnormals. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let result = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (result & 1) === 1)) result += 1;
    return sign | result;
  }
  let result = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (result & 1) === 1)) result += 1;
  return sign | result;
}

/** IEEE half bits → number. */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float32 values → float16 bytes (Uint16Array of half bits). */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i]!);
  return out;
}

/** Rounds float32 values through float16 and back (what a float16 weight computes with). */
export function roundThroughFloat16(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = fromHalfBits(toHalfBits(values[i]!));
  return out;
}

/** Transposes a row-major [rows, cols] matrix into [cols, rows]. */
export function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  if (values.length !== rows * cols) throw new Error(`transpose: ${values.length} values is not ${rows}x${cols}`);
  const out = new Float32Array(values.length);
  const tile = 64;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = values[base + c]!;
      }
    }
  }
  return out;
}

export interface Int4Matrix {
  /** [N, blocks, 16] packed nibbles. */
  readonly packed: Uint8Array;
  /** [N, blocks] float32 scales. */
  readonly scales: Float32Array;
  /** [N, ceil(blocks/2)] packed 4-bit zero points, low nibble = even block. */
  readonly zeroPoints: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  readonly blocks: number;
}

export const int4Blocks = (cols: number): number => Math.ceil(cols / INT4_BLOCK);

/** Bytes per row of packed zero points: two blocks per byte. */
export const int4ZeroPointBytes = (blocks: number): number => Math.ceil(blocks / 2);

/** The packed parts of an int4 matrix, as the quantization kernel returns them. */
export interface Int4Parts {
  readonly packed: Uint8Array;
  readonly scales: Float32Array;
  readonly zeroPoints: Uint8Array;
}

/**
 * The int4 quantization kernel: W [rows, cols] (row = output, quantized along cols) → asymmetric blocks of 32
 * (INT4_BLOCK) with a uint8 zero point each; per block, the scale and zero point with the least squared
 * round-trip error over six range shrink factors (clipping the extremes can lower the error).
 *
 * Self-contained on purpose: it refers to nothing outside its own body, so the worker pool
 * (int4-quantizer.ts) runs this very function's source in worker threads. Keep it free of outer names
 * and of inner named functions (a test evaluates it in isolation).
 */
export function quantizeInt4Kernel(values: Float32Array, rows: number, cols: number): Int4Parts {
  const BLOCK = 32;
  const SHRINK = [1, 0.95, 0.9, 0.85, 0.8, 0.75];
  const blocks = Math.ceil(cols / BLOCK);
  const zpBytes = Math.ceil(blocks / 2);
  const packed = new Uint8Array(rows * blocks * (BLOCK / 2));
  const scales = new Float32Array(rows * blocks);
  const zeroPoints = new Uint8Array(rows * zpBytes);
  const q = new Uint8Array(BLOCK);
  const block = new Float64Array(BLOCK);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < blocks; b++) {
      const start = r * cols + b * BLOCK;
      const count = Math.min(BLOCK, cols - b * BLOCK);
      let min = 0;
      let max = 0;
      for (let j = 0; j < count; j++) {
        const v = values[start + j]!;
        block[j] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      let scale = 0;
      let zp = 8;
      let bestError = Infinity;
      for (let s = 0; s < SHRINK.length; s++) {
        const shrink = SHRINK[s]!;
        const candidate = Math.fround(((max - min) * shrink) / 15);
        if (candidate === 0) break;
        const inverse = 1 / candidate;
        const zpRaw = Math.floor(-min * shrink * inverse + 0.5);
        const candidateZp = zpRaw < 0 ? 0 : zpRaw > 15 ? 15 : zpRaw;
        let error = 0;
        for (let j = 0; j < count; j++) {
          const v = block[j]!;
          let n = Math.floor(v * inverse + 0.5) + candidateZp; // round half up, as Math.round
          n = n < 0 ? 0 : n > 15 ? 15 : n;
          const d = (n - candidateZp) * candidate - v;
          error += d * d;
        }
        if (error < bestError) {
          bestError = error;
          scale = candidate;
          zp = candidateZp;
        }
      }
      const inverse = scale === 0 ? 0 : 1 / scale;
      q.fill(zp);
      for (let j = 0; j < count; j++) {
        const n = Math.floor(block[j]! * inverse + 0.5) + zp;
        q[j] = n < 0 ? 0 : n > 15 ? 15 : n;
      }
      scales[r * blocks + b] = scale;
      const zpAt = r * zpBytes + (b >> 1);
      zeroPoints[zpAt] = zeroPoints[zpAt]! | (b & 1 ? zp << 4 : zp);
      const out = (r * blocks + b) * (BLOCK / 2);
      for (let j = 0; j < BLOCK / 2; j++) packed[out + j] = q[2 * j]! | (q[2 * j + 1]! << 4);
    }
  }
  return { packed, scales, zeroPoints };
}

/** Quantizes W [rows, cols] to asymmetric int4 blocks of INT4_BLOCK on this thread (see quantizeInt4Kernel). */
export function quantizeInt4(values: Float32Array, rows: number, cols: number): Int4Matrix {
  if (values.length !== rows * cols) throw new Error(`quantizeInt4: ${values.length} values is not ${rows}x${cols}`);
  return { ...quantizeInt4Kernel(values, rows, cols), rows, cols, blocks: int4Blocks(cols) };
}

/** The zero point of block b of row r. */
export function int4ZeroPoint(m: Int4Matrix, r: number, b: number): number {
  const byte = m.zeroPoints[r * int4ZeroPointBytes(m.blocks) + (b >> 1)]!;
  return b & 1 ? byte >> 4 : byte & 15;
}

/** Reconstructs the float32 values an int4 matrix stands for, [rows, cols]. */
export function dequantizeInt4(m: Int4Matrix): Float32Array {
  const out = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const b = Math.floor(c / INT4_BLOCK);
      const j = c % INT4_BLOCK;
      const byte = m.packed[(r * m.blocks + b) * (INT4_BLOCK / 2) + (j >> 1)]!;
      const nibble = j & 1 ? byte >> 4 : byte & 15;
      out[r * m.cols + c] = (nibble - int4ZeroPoint(m, r, b)) * m.scales[r * m.blocks + b]!;
    }
  }
  return out;
}
