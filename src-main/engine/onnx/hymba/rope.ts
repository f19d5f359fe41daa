/**
 * NTK RoPE (hymba-architecture §3.4): inverse frequencies from the NTK-scaled base, angles from the
 * absolute position ids, rotate-half rotation over the full q/k head dim (each angle serves both halves).
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

/** This call's RoPE: half-width tables for its positions only, read by RotaryEmbedding from offset 0. */
export interface RopeTables {
  /** float32 [T, d/2]: cos θ and sin θ of each query position. */
  readonly cos: string;
  readonly sin: string;
  /** int64 [1] = 0: RotaryEmbedding's position_ids as a start offset into the tables. */
  readonly offset: string;
}

/*
 * positions int64 [T] ─ Cast ─ Unsqueeze ─ [T,1] × inv_freq [d/2] ─ θ [T, d/2] ─┬─ Cos ─ cos
 *                                                                              └─ Sin ─ sin
 */
export function ropeCallTables(scope: Scope, invFreq: string, positions: string): RopeTables {
  const pos = scope.op('positions', 'Cast', [positions], { to: 1 });
  const column = scope.op('positions_column', 'Unsqueeze', [pos, scope.int64([1])]);
  const angles = scope.op('angles', 'Mul', [column, invFreq]);
  return { cos: scope.op('cos', 'Cos', [angles]), sin: scope.op('sin', 'Sin', [angles]), offset: scope.int64([0]) };
}

/** Hymba's tables: the NTK inverse frequencies (ropeInverseFrequencies) at this call's positions. */
export function ropeTables(graph: GraphBuilder, scope: Scope, config: HymbaConfig, positions: string): RopeTables {
  const invFreq = graph.inline('/model/rope/inv_freq', 'float32', [config.qkHeadDim / 2], ropeInverseFrequencies(config));
  return ropeCallTables(scope, invFreq, positions);
}

/*
 * x [1,heads,T,d] ─ RotaryEmbedding (com.microsoft, interleaved = 0) = x ⊙ [cos, cos] + rotate_half(x) ⊙ [sin, sin],
 * rotate_half(x) = (−x₂, x₁) for the halves x₁, x₂: one kernel instead of six (Split, Neg, Concat, 2 Mul, Add).
 */
export function applyRope(scope: Scope, x: string, tables: RopeTables): string {
  return scope.op('rotary', 'RotaryEmbedding', [x, tables.offset, tables.cos, tables.sin], { interleaved: 0 }, 'com.microsoft');
}
