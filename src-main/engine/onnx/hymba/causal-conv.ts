/**
 * Causal depthwise conv with state (hymba-architecture §3.3 step 2, §6): the state holds the pre-conv
 * x of the last d_conv positions (official layout [1, d_inner, d_conv], zeros at the start).
 */
import { pastName, presentName } from '../../model/graph-io.ts';
import type { Scope } from '../graph-builder.ts';
import { transpose } from '../weight-encoding.ts';
import type { CacheIo } from './cache-io.ts';
import { layerWeight, type BuildContext } from './context.ts';

/*
 * x [1,T,C] ─ Transpose [1,C,T] ─┐
 * past_conv [1,C,k] ─ float32 ───┴─ Concat(axis 2) = window [1,C,k+T]
 *   present_conv = window[:, :, −k:]
 *   y = b + Σ_j w[:, j] ⊙ window[:, :, 1+j : 1+j+T]     [1,C,T]   (j = k−1 multiplies the newest input)
 *   SiLU ─ Transpose [1,T,C]
 * Taps are stored as [k, C, 1] so each is a broadcastable column; plain ops beat grouped Conv here.
 */
export function causalConv(ctx: BuildContext, cache: CacheIo, scope: Scope, layer: number, x: string): string {
  const { dInner: C, dConv: k, convBias } = ctx.config.mamba;
  const { weights } = ctx;
  const kernel = layerWeight(layer, 'mamba.conv1d.weight');
  const taps = weights.float32(`${kernel}_taps`, [k, C, 1], async () => transpose(await weights.read(kernel), C, k));
  const channels = scope.op('channels_first', 'Transpose', [x], { perm: [0, 2, 1] });
  const past = cache.fromCache(scope.at('past'), pastName('conv', layer));
  const window = scope.op('window', 'Concat', [past, channels], { axis: 2 });
  const big = Number.MAX_SAFE_INTEGER;
  const axis = scope.int64([2]);
  const state = scope.op('state', 'Slice', [window, scope.int64([-k]), scope.int64([big]), axis]);
  cache.setPresent(presentName('conv', layer), cache.toCache(scope.at('present'), state));
  let sum = convBias ? scope.op('bias', 'Reshape', [weights.tensor(layerWeight(layer, 'mamba.conv1d.bias'), [C]), scope.int64([C, 1])]) : null;
  for (let j = 0; j < k; j++) {
    const end = j === k - 1 ? big : j - (k - 1);
    const shifted = scope.op(`tap${j}_input`, 'Slice', [window, scope.int64([1 + j]), scope.int64([end]), axis]);
    const tap = scope.op(`tap${j}_weight`, 'Gather', [taps, scope.int64(j)], { axis: 0 });
    const term = scope.op(`tap${j}`, 'Mul', [shifted, tap]);
    sum = sum ? scope.op(`tap${j}_sum`, 'Add', [sum, term]) : term;
  }
  const act = scope.op('silu', 'Mul', [sum!, scope.op('sigmoid', 'Sigmoid', [sum!])]);
  return scope.op('channels_last', 'Transpose', [act], { perm: [0, 2, 1] });
}
