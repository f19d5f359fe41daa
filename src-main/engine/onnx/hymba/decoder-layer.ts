/**
 * One Hymba decoder layer (hymba-architecture §3.2–§3.3): pre-norm hybrid-head mixer and SwiGLU FFN,
 * each with a residual. The fused in_proj output is split into the attention and SSM inputs.
 */
import type { LayerSpec } from '../../config/hymba-config.ts';
import type { Scope } from '../graph-builder.ts';
import { attend, ownKv, type SharedKv } from './attention.ts';
import type { CacheIo } from './cache-io.ts';
import { causalConv } from './causal-conv.ts';
import { layerWeight, type BuildContext } from './context.ts';
import { fuseHeads } from './fusion.ts';
import { selectiveScan } from './selective-scan.ts';
import { swiglu } from './swiglu.ts';

/** Row widths of in_proj, in order: q | k | v | x | z (consumers: q | x | z). */
export function inProjWidths(ctx: BuildContext, layer: LayerSpec): number[] {
  const { numHeads, numKvHeads, qkHeadDim, vHeadDim, mamba } = ctx.config;
  const q = numHeads * qkHeadDim;
  return layer.ownsKv ? [q, numKvHeads * qkHeadDim, numKvHeads * vHeadDim, mamba.dInner, mamba.dInner] : [q, mamba.dInner, mamba.dInner];
}

/*
 * h ─┬─ RMSNorm(input_layernorm) ─ in_proj ─ Split ─ q, (k, v), x, z
 *    │     q, k, v ─ attention (own KV or the producer's) ─ A
 *    │     x ─ causal conv ─ x̂ ─ selective scan (z gate) ─ Y
 *    │     fuse(A, Y) ─ out_proj
 *    └─ + ─┬─ RMSNorm(pre_moe_layernorm) ─ SwiGLU
 *          └─ + ─ h′
 */
export function decoderLayer(ctx: BuildContext, cache: CacheIo, scope: Scope, layer: LayerSpec, h: string, sharedKv: Map<number, SharedKv>): string {
  const { weights, config } = ctx;
  const i = layer.index;
  const eps = config.rmsNormEps;
  const u = weights.rmsNorm(scope.at('input_layernorm'), h, layerWeight(i, 'input_layernorm.weight'), config.hiddenSize, eps);
  const widths = inProjWidths(ctx, layer);
  const inProj = layerWeight(i, 'mamba.in_proj');
  const rows = widths.reduce((a, b) => a + b, 0);
  const projected = weights.linear(scope.at('in_proj'), u, { name: inProj, rows, cols: config.hiddenSize, read: () => weights.read(`${inProj}.weight`) });
  const parts = scope.node('in_proj_split', 'Split', [projected, scope.int64(widths)], { axis: -1 }, widths.length);
  const [q, x, z] = layer.ownsKv ? [parts[0]!, parts[3]!, parts[4]!] : [parts[0]!, parts[1]!, parts[2]!];

  const attn = scope.at('attn');
  let kv = sharedKv.get(layer.kvSourceLayer);
  if (layer.ownsKv) {
    kv = ownKv(ctx, cache, attn, layer, parts[1]!, parts[2]!);
    sharedKv.set(i, kv);
  }
  if (!kv) throw new Error(`layer ${i} reads K/V of layer ${layer.kvSourceLayer}, which has not run`);
  const attention = attend(ctx, attn, q, kv);

  const convolved = causalConv(ctx, cache, scope.at('conv'), i, x);
  const ssm = selectiveScan(ctx, cache, scope.at('ssm'), i, convolved, z);
  const mixer = fuseHeads(ctx, scope.at('fusion'), i, attention, ssm);
  const afterMixer = scope.op('mixer_residual', 'Add', [h, mixer]);

  const normed = weights.rmsNorm(scope.at('pre_moe_layernorm'), afterMixer, layerWeight(i, 'pre_moe_layernorm.weight'), config.hiddenSize, eps);
  const ffn = swiglu(ctx, scope.at('mlp'), i, normed);
  return scope.op('ffn_residual', 'Add', [afterMixer, ffn]);
}
