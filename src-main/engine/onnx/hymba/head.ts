/**
 * The head (hymba-architecture §3.6): final RMSNorm, keep the last num_logits_to_keep positions, then
 * logits = h · Eᵀ with the tied embedding table (declared once in embedding.ts).
 */
import type { Scope } from '../graph-builder.ts';
import type { BuildContext } from './context.ts';
import type { EmbeddingTable } from './embedding.ts';

/*
 * h [1,T,d] ─ RMSNorm(final_layernorm) ─ Slice(last n) [1,n,d]
 *   float: Reshape [n,d] ─ Gemm(·, E [V,d], transB) ─ Reshape [1,n,V]
 *   int4:  MatMulNBits(·, E blocks, scales, zero points) [1,n,V]
 */
export function head(ctx: BuildContext, scope: Scope, h: string, keep: string, table: EmbeddingTable): string {
  const { hiddenSize: d, vocabSize: V, rmsNormEps } = ctx.config;
  const normed = ctx.weights.rmsNorm(scope.at('final_norm'), h, 'model.final_layernorm.weight', d, rmsNormEps);
  const start = scope.op('keep_start', 'Neg', [scope.op('keep', 'Reshape', [keep, scope.int64([1])])]);
  const last = scope.op('last', 'Slice', [normed, start, scope.int64([Number.MAX_SAFE_INTEGER]), scope.int64([1])]);
  if (table.kind === 'int4') {
    return scope.op('lm_head', 'MatMulNBits', [last, table.packed, table.scales, table.zeroPoints], ctx.weights.nbitsAttrs(V, d), 'com.microsoft');
  }
  const rows = scope.op('rows', 'Reshape', [last, scope.int64([-1, d])]);
  const weight = ctx.weights.options.format === 'fp16' ? scope.op('table', 'Cast', [table.table], { to: 1 }) : table.table;
  const logits = scope.op('lm_head', 'Gemm', [rows, weight], { transB: 1 });
  return scope.op('logits', 'Reshape', [logits, scope.int64([1, -1, V])]);
}
