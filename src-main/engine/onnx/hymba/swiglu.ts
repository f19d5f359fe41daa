/**
 * The FFN (the single "expert"): down( SiLU(gate(x)) ⊙ up(x) ). gate and up run as one projection
 * whose rows are [gate | up], read from the two checkpoint tensors.
 */
import type { Scope } from '../graph-builder.ts';
import { layerWeight, type BuildContext } from './context.ts';

/*
 * x [1,T,d] ─ gate_up [2I] ─ Split(I, I) ─ g, u
 * SiLU(g) ⊙ u ─ down ─ [1,T,d]
 */
export function swiglu(ctx: BuildContext, scope: Scope, layer: number, x: string): string {
  const { weights, config } = ctx;
  const I = config.intermediateSize;
  const d = config.hiddenSize;
  const prefix = layerWeight(layer, 'moe.experts.0');
  const gateUp = weights.linear(scope.at('gate_up_proj'), x, {
    name: `${prefix}.gate_up_proj`,
    rows: 2 * I,
    cols: d,
    read: async () => {
      const both = new Float32Array(2 * I * d);
      both.set(await weights.read(`${prefix}.gate_proj.weight`), 0);
      both.set(await weights.read(`${prefix}.up_proj.weight`), I * d);
      return both;
    },
  });
  const [gate, up] = scope.node('split', 'Split', [gateUp], { axis: -1, num_outputs: 2 }, 2) as [string, string];
  const act = scope.op('act', 'Mul', [gate, scope.op('sigmoid', 'Sigmoid', [gate])]);
  const hidden = scope.op('hidden', 'Mul', [act, up]);
  return weights.linear(scope.at('down_proj'), hidden, { name: `${prefix}.down_proj`, rows: d, cols: I, read: () => weights.read(`${prefix}.down_proj.weight`) });
}
