/**
 * β-norm fusion of the two heads (hymba-architecture §3.3 step 5):
 * out_proj( (RMSNorm_β1(attention) + RMSNorm_β2(ssm)) / 2 ).
 */
import type { Scope } from '../graph-builder.ts';
import { layerWeight, type BuildContext } from './context.ts';

/*
 * A [1,T,C] ─ RMSNorm(pre_avg_layernorm1) ─┐
 * Y [1,T,C] ─ RMSNorm(pre_avg_layernorm2) ─┴─ Add ─ ×½ ─ out_proj ─ [1,T,d]
 */
export function fuseHeads(ctx: BuildContext, scope: Scope, layer: number, attention: string, ssm: string): string {
  const { weights, config } = ctx;
  const C = config.mamba.dInner;
  const eps = config.rmsNormEps;
  const a = weights.rmsNorm(scope.at('attn_norm'), attention, layerWeight(layer, 'mamba.pre_avg_layernorm1.weight'), C, eps);
  const y = weights.rmsNorm(scope.at('ssm_norm'), ssm, layerWeight(layer, 'mamba.pre_avg_layernorm2.weight'), C, eps);
  const mean = scope.op('average', 'Mul', [scope.op('sum', 'Add', [a, y]), scope.float32(0.5)]);
  const name = layerWeight(layer, 'mamba.out_proj');
  return weights.linear(scope.at('out_proj'), mean, { name, rows: config.hiddenSize, cols: C, read: () => weights.read(`${name}.weight`) });
}
