/**
 * Float64 building blocks of the reference forward. Vectors are Float64Array; a weight matrix is
 * row-major [out, in] exactly as stored in the checkpoint (PyTorch Linear layout), so y = W·x.
 */

/** A row-major matrix [rows, cols]. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** y[r] = Σ_c W[r, c] · x[c]  (W: [rows, cols], x: [cols], y: [rows]). */
export function linear(weight: Matrix, x: Float64Array): Float64Array {
  const y = new Float64Array(weight.rows);
  const { cols, data } = weight;
  for (let r = 0; r < weight.rows; r++) {
    let sum = 0;
    const offset = r * cols;
    for (let c = 0; c < cols; c++) sum += data[offset + c]! * x[c]!;
    y[r] = sum;
  }
  return y;
}

/** RMSNorm: w ⊙ x / sqrt(mean(x²) + eps). */
export function rmsNorm(x: Float64Array, weight: Float64Array, eps: number): Float64Array {
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += x[i]! * x[i]!;
  const scale = 1 / Math.sqrt(squares / x.length + eps);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = weight[i]! * x[i]! * scale;
  return out;
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
export const silu = (v: number): number => v * sigmoid(v);

/** softplus with the Mamba kernels' threshold: log1p(exp(v)) for v ≤ 20, else v. */
export const softplus = (v: number): number => (v <= 20 ? Math.log1p(Math.exp(v)) : v);

/**
 * RoPE angles for one position: angle_i = pos · base^(−2i/d) for i < d/2 (NTK base from the config).
 * The official code builds its tables in float32; inv_freq and the angle are rounded to float32 here
 * too (at position ~100 the float32 angle differs from the float64 one by ~1e-5).
 */
export function ropeAngles(position: number, headDim: number, base: number): Float64Array {
  const half = headDim / 2;
  const angles = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    const invFreq = Math.fround(1 / Math.fround(Math.pow(base, Math.fround((2 * i) / headDim))));
    angles[i] = Math.fround(position * invFreq);
  }
  return angles;
}

/**
 * Rotate-half RoPE, in place, on every head of a [heads · headDim] vector:
 * for i < d/2: v′_i = v_i cos θ_i − v_{i+d/2} sin θ_i;  v′_{i+d/2} = v_{i+d/2} cos θ_i + v_i sin θ_i.
 */
export function applyRope(vector: Float64Array, heads: number, headDim: number, angles: Float64Array): void {
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    const offset = h * headDim;
    for (let i = 0; i < half; i++) {
      const cos = Math.fround(Math.cos(angles[i]!));
      const sin = Math.fround(Math.sin(angles[i]!));
      const a = vector[offset + i]!;
      const b = vector[offset + half + i]!;
      vector[offset + i] = a * cos - b * sin;
      vector[offset + half + i] = b * cos + a * sin;
    }
  }
}

/** Index of the largest value (first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
