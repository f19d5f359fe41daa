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
 *   y = b + Σ_j w[:, j] ⊙ window[:, :, 1+j+t]     [1,C,T]   (j = k−1 multiplies the newest input)
 *     = ReduceSum_j( Gather(window, I)[1,C,T,k] ⊙ w[C,1,k] ),   I[t, j] = 1 + t + j   (built once per call)
 *   SiLU ─ Transpose [1,T,C]
 * Four kernels for the taps whatever k (Gather, Mul, ReduceSum, bias Add) instead of a Slice, Mul and Add per tap.
 * The taps stay stored as [k, C, 1], the layout of earlier graphs, so weight files do not change; the Transpose to
 * [C, 1, k] is constant and folded when the session loads. Plain ops beat a grouped Conv here.
 */
export function causalConv(ctx: BuildContext, cache: CacheIo, scope: Scope, layer: number, x: string): string {
  const { dInner: C, dConv: k, convBias } = ctx.config.mamba;
  const { weights } = ctx;
  const kernel = layerWeight(layer, 'mamba.conv1d.weight');
  const taps = weights.float32(`${kernel}_taps`, [k, C, 1], async () => transpose(await weights.read(kernel), C, k));
  const channels = scope.op('channels_first', 'Transpose', [x], { perm: [0, 2, 1] });
  const past = cache.fromCache(scope.at('past'), pastName('conv', layer));
  const window = scope.op('window', 'Concat', [past, channels], { axis: 2 });
  const state = scope.op('state', 'Slice', [window, scope.int64([-k]), scope.int64([Number.MAX_SAFE_INTEGER]), scope.int64([2])]);
  cache.setPresent(presentName('conv', layer), cache.toCache(scope.at('present'), state));
  const indices = ctx.once('conv tap indices', () => tapIndices(ctx, scope.at('tap_indices'), k));
  const unfolded = scope.op('unfolded', 'Gather', [window, indices], { axis: 2 });
  const perChannel = scope.op('taps_per_channel', 'Transpose', [taps], { perm: [1, 2, 0] });
  const sum = scope.op('taps', 'ReduceSum', [scope.op('weighted', 'Mul', [unfolded, perChannel]), scope.int64([3])], { keepdims: 0 });
  const biased = convBias ? scope.op('bias', 'Add', [sum, scope.op('bias_column', 'Reshape', [weights.tensor(layerWeight(layer, 'mamba.conv1d.bias'), [C]), scope.int64([C, 1])])]) : sum;
  const act = scope.op('silu', 'Mul', [biased, scope.op('sigmoid', 'Sigmoid', [biased])]);
  return scope.op('channels_last', 'Transpose', [act], { perm: [0, 2, 1] });
}

/** I [T, k] = 1 + t + j: the window positions each output position t reads, tap j. */
function tapIndices(ctx: BuildContext, scope: Scope, k: number): string {
  const steps = scope.op('steps', 'Range', [scope.int64(0), scope.op('length', 'Squeeze', [ctx.call.length, scope.int64([0])]), scope.int64(1)]);
  const column = scope.op('steps_column', 'Unsqueeze', [steps, scope.int64([1])]);
  return scope.op('indices', 'Add', [column, scope.int64(Array.from({ length: k }, (_, j) => 1 + j))]);
}
