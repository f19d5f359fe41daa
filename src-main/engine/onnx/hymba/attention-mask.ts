/**
 * Additive attention masks built in the graph from absolute positions (graph-io.ts, hymba-architecture §4).
 *
 * Key positions of a cache whose past part has Ls entries (present length L = Ls + T), P = position of
 * the first query: entry j < M is at position j, entry j >= M is at P − Ls + j. Untrimmed caches have
 * Ls = P, so both cases give j; a trimmed sliding cache [meta | last W] gets its true positions back.
 * Visibility: kv <= q, and for sliding layers also (q − kv <= w or kv < M) with w = W for T > 1 and
 * w = W − 1 for T = 1 (the official prefill/decode off-by-one).
 */
import type { AttentionKind } from '../../config/hymba-config.ts';
import type { Scope } from '../graph-builder.ts';
import type { BuildContext } from './context.ts';

/*
 * j = Range(0, Ls+T) ─ kpos = Where(j < M, j, j + P − Ls)             [L]
 * diff = positions[:, None] − kpos[None, :]                            [T, L]
 * visible = diff >= 0  (∧ (diff <= w ∨ kpos < M) for sliding layers)
 * mask = Where(visible, 0, −inf)                                       [T, L] float32
 */
export function attentionMask(ctx: BuildContext, scope: Scope, kind: AttentionKind, pastKey: string): string {
  const { numMetaTokens: M, slidingWindow: W } = ctx.config;
  const { call } = ctx;
  const pastLen = scope.op('past_len', 'Gather', [scope.op('past_shape', 'Shape', [pastKey]), scope.int64(2)], { axis: 0 });
  const total = scope.op('total_len', 'Add', [pastLen, scope.op('call_len', 'Squeeze', [call.length, scope.int64([0])])]);
  const j = scope.op('key_index', 'Range', [scope.int64(0), total, scope.int64(1)]);
  const shift = scope.op('suffix_shift', 'Sub', [call.pastLength, pastLen]);
  const isMeta = scope.op('key_is_meta', 'Less', [j, scope.int64(M)]);
  const keyPos = scope.op('key_pos', 'Where', [isMeta, j, scope.op('suffix_pos', 'Add', [j, shift])]);
  const queryCol = scope.op('query_pos', 'Unsqueeze', [call.positions, scope.int64([1])]);
  const diff = scope.op('distance', 'Sub', [queryCol, scope.op('key_row', 'Unsqueeze', [keyPos, scope.int64([0])])]);
  let visible = scope.op('causal', 'GreaterOrEqual', [diff, scope.int64(0)]);
  if (kind === 'sliding') {
    // w = W − 1 for T = 1, W for T > 1, as min(T, 2) + W − 2: int64 arithmetic on T alone, which stays with the
    // other index math on the host (a Cast of the T = 1 test lands on a GPU and costs a round trip per step).
    const window = scope.op('window', 'Add', [scope.op('min_t_2', 'Min', [call.length, scope.int64([2])]), scope.int64([W - 2])]);
    const near = scope.op('in_window', 'LessOrEqual', [diff, window]);
    visible = scope.op('sliding', 'And', [visible, scope.op('near_or_meta', 'Or', [near, isMeta])]);
  }
  return scope.op('mask', 'Where', [visible, scope.float32(0), scope.float32(-Infinity)]);
}
