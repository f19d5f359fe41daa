/**
 * NTK RoPE (hymba-architecture §3.4): inverse frequencies from the NTK-scaled base, angles from the
 * absolute position ids, cos/sin over the full q/k head dim ([θ, θ] duplicated), rotate-half rotation.
 */
import type { HymbaConfig } from '../../config/hymba-config.ts';
import type { GraphBuilder, Scope } from '../graph-builder.ts';

/** inv_freq_i = base′^(−2i/d_qk), i < d_qk/2, with the float32 roundings of the official code. */
export function ropeInverseFrequencies(config: HymbaConfig): Float32Array {
  const half = config.qkHeadDim / 2;
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const exponent = Math.fround((2 * i) / config.qkHeadDim);
    out[i] = Math.fround(1 / Math.fround(Math.pow(config.ropeBase, exponent)));
  }
  return out;
}

/*
 * positions int64 [T] ─ Cast ─ Unsqueeze ─ [T,1] × inv_freq [d/2] ─ θ [T, d/2]
 * Concat(θ, θ) [T, d] ─┬─ Cos ─ Reshape [1,1,T,d] ─ cos
 *                      └─ Sin ─ Reshape [1,1,T,d] ─ sin
 */
export function ropeTables(graph: GraphBuilder, scope: Scope, config: HymbaConfig, positions: string): { cos: string; sin: string } {
  const invFreq = graph.inline('/model/rope/inv_freq', 'float32', [config.qkHeadDim / 2], ropeInverseFrequencies(config));
  const pos = scope.op('positions', 'Cast', [positions], { to: 1 });
  const column = scope.op('positions_column', 'Unsqueeze', [pos, scope.int64([1])]);
  const angles = scope.op('angles', 'Mul', [column, invFreq]);
  const full = scope.op('angles_full', 'Concat', [angles, angles], { axis: -1 });
  const shape = scope.int64([1, 1, -1, config.qkHeadDim]);
  const cos = scope.op('cos_table', 'Reshape', [scope.op('cos', 'Cos', [full]), shape]);
  const sin = scope.op('sin_table', 'Reshape', [scope.op('sin', 'Sin', [full]), shape]);
  return { cos, sin };
}

/*
 * x [1,heads,T,d] ─ Split(d/2, d/2) ─ x1, x2 ─ Concat(−x2, x1) = rot
 * x′ = x ⊙ cos + rot ⊙ sin
 */
export function applyRope(scope: Scope, x: string, cos: string, sin: string): string {
  const [x1, x2] = scope.node('halves', 'Split', [x], { axis: -1, num_outputs: 2 }, 2) as [string, string];
  const rotated = scope.op('rotate_half', 'Concat', [scope.op('neg', 'Neg', [x2]), x1], { axis: -1 });
  return scope.op('sum', 'Add', [scope.op('cos', 'Mul', [x, cos]), scope.op('sin', 'Mul', [rotated, sin])]);
}
