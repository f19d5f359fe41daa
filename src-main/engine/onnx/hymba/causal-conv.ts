/**
 * Causal depthwise conv with state (hymba-architecture §3.3 step 2, §6): the state holds the pre-conv
 * x of the last d_conv positions (official layout [1, d_inner, d_conv], zeros at the start).
 */
import { pastName, presentName } from '../../model/graph-io.ts';
import type { Scope } from '../graph-builder.ts';
import type { CacheIo } from './cache-io.ts';
import { layerWeight, type BuildContext } from './context.ts';

/*
 * x [1,T,C] ─ Transpose [1,C,T] ─┐
 * past_conv [1,C,k] ─ float32 ───┴─ Concat(axis 2) = window [1,C,k+T]
 *   present_conv = window[:, :, −k:]
 *   y = Conv(window[:, :, 1:], w [C,1,k], b, group C)  [1,C,T] ─ SiLU ─ Transpose [1,T,C]
 */
export function causalConv(ctx: BuildContext, cache: CacheIo, scope: Scope, layer: number, x: string): string {
  const { dInner: C, dConv: k, convBias } = ctx.config.mamba;
  const { weights } = ctx;
  const w = weights.tensor(layerWeight(layer, 'mamba.conv1d.weight'), [C, 1, k]);
  const channels = scope.op('channels_first', 'Transpose', [x], { perm: [0, 2, 1] });
  const past = cache.fromCache(scope.at('past'), pastName('conv', layer));
  const window = scope.op('window', 'Concat', [past, channels], { axis: 2 });
  const big = scope.int64([Number.MAX_SAFE_INTEGER]);
  const axis = scope.int64([2]);
  const state = scope.op('state', 'Slice', [window, scope.int64([-k]), big, axis]);
  cache.setPresent(presentName('conv', layer), cache.toCache(scope.at('present'), state));
  const inputs = scope.op('inputs', 'Slice', [window, scope.int64([1]), big, axis]);
  const convInputs = [inputs, w];
  if (convBias) convInputs.push(weights.tensor(layerWeight(layer, 'mamba.conv1d.bias'), [C]));
  const conv = scope.op('conv', 'Conv', convInputs, { group: C, kernel_shape: [k] });
  const act = scope.op('silu', 'Mul', [conv, scope.op('sigmoid', 'Sigmoid', [conv])]);
  return scope.op('channels_last', 'Transpose', [act], { perm: [0, 2, 1] });
}
