/**
 * The attention branch of a Hymba block (hymba-architecture §3.4): RoPE on q and k, KV cache append,
 * cross-layer KV reuse (consumers read their producer's present K/V and mask of the same call), and
 * grouped-query attention from plain ops with 64-wide q/k and 128-wide values.
 */
import type { LayerSpec } from '../../config/hymba-config.ts';
import { pastName, presentName } from '../../model/graph-io.ts';
import type { Scope } from '../graph-builder.ts';
import { attentionMask } from './attention-mask.ts';
import type { CacheIo } from './cache-io.ts';
import type { BuildContext } from './context.ts';
import { applyRope } from './rope.ts';

/** K/V (float32, present = past ++ new) and mask of a KV-owning layer, for itself and its consumers. */
export interface SharedKv {
  /** [1, H_kv, L, d_qk] post-RoPE keys. */
  readonly keys: string;
  /** [1, H_kv, L, d_v]. */
  readonly values: string;
  /** [T, L] additive mask. */
  readonly mask: string;
}

/** [1, T, heads·dim] → [1, heads, T, dim] */
function splitHeads(scope: Scope, x: string, heads: number, dim: number): string {
  const r = scope.op('reshape', 'Reshape', [x, scope.int64([1, -1, heads, dim])]);
  return scope.op('transpose', 'Transpose', [r], { perm: [0, 2, 1, 3] });
}

/**
 * Sequence indices of the entries a sliding cache keeps between calls: its first M and at most the last W of
 * the rest, [0, min(L, M)) ++ [max(M, L − W), L) for a present of length L. Short caches (the meta prefix,
 * early prompts) keep everything. Computed once per call (every sliding cache has the same length); one Gather
 * per tensor then copies each kept entry once. This call's attention still reads the untrimmed present (its queries may
 * need up to W + T − 1 entries back).
 */
function slidingKeptIndices(ctx: BuildContext, scope: Scope, present: string): string {
  const M = scope.int64(ctx.config.numMetaTokens);
  const length = scope.op('length', 'Gather', [scope.op('shape', 'Shape', [present]), scope.int64(2)], { axis: 0 });
  const frontEnd = scope.op('front_end', 'Min', [length, M]);
  const backStart = scope.op('back_start', 'Max', [M, scope.op('window_start', 'Sub', [length, scope.int64(ctx.config.slidingWindow)])]);
  const one = scope.int64(1);
  const front = scope.op('front', 'Range', [scope.int64(0), frontEnd, one]);
  const back = scope.op('back', 'Range', [backStart, length, one]);
  return scope.op('indices', 'Concat', [front, back], { axis: 0 });
}

/*
 * k [1,T,H_kv·d_qk] ─ heads ─ RoPE ─┐
 * past_key (cache type) ────────────┴─ Concat(axis 2) ─┬─ [sliding: meta + last W] ─ present_key (output)
 *                                                       └─ float32 ─ keys
 * v [1,T,H_kv·d_v]  ─ heads ────────┐
 * past_value ───────────────────────┴─ Concat(axis 2) ─┬─ [sliding: meta + last W] ─ present_value (output)
 *                                                       └─ float32 ─ values
 * mask from past_key's length and the layer's attention kind
 */
export function ownKv(ctx: BuildContext, cache: CacheIo, scope: Scope, layer: LayerSpec, k: string, v: string): SharedKv {
  const { numKvHeads, qkHeadDim, vHeadDim } = ctx.config;
  const i = layer.index;
  const kHeads = applyRope(scope.at('k_rope'), splitHeads(scope.at('k_heads'), k, numKvHeads, qkHeadDim), ctx.call.rope);
  const vHeads = splitHeads(scope.at('v_heads'), v, numKvHeads, vHeadDim);
  const pastKey = pastName('key', i);
  const presentKey = scope.op('present_key', 'Concat', [pastKey, cache.toCache(scope.at('k_cache'), kHeads)], { axis: 2 });
  const presentValue = scope.op('present_value', 'Concat', [pastName('value', i), cache.toCache(scope.at('v_cache'), vHeads)], { axis: 2 });
  const kept = layer.attention === 'sliding' ? ctx.once('sliding kept indices', () => slidingKeptIndices(ctx, scope.at('kept'), presentKey)) : null;
  const keep = (name: string, present: string): string => (kept ? scope.op(`${name}_kept`, 'Gather', [present, kept], { axis: 2 }) : present);
  cache.setPresent(presentName('key', i), keep('key', presentKey));
  cache.setPresent(presentName('value', i), keep('value', presentValue));
  return {
    keys: cache.fromCache(scope.at('keys'), presentKey),
    values: cache.fromCache(scope.at('values'), presentValue),
    // Every cache of one attention kind has the same past length (sliding ones are trimmed alike), so one mask per kind.
    mask: ctx.once(`${layer.attention} mask`, () => attentionMask(ctx, scope.at('mask'), layer.attention, pastKey)),
  };
}

/*
 * q [1,T,H·d_qk] ─ heads ─ RoPE ─ ×1/√d_qk ─ Reshape [1,H_kv,G·T,d_qk]      (head h = kv·G + g)
 * scores = q · keysᵀ                       [1,H_kv,G·T,L]
 *        ─ Reshape [1,H_kv,G,T,L] + mask [T,L] ─ Softmax ─ Reshape [1,H_kv,G·T,L]
 * out = probs · values                     [1,H_kv,G·T,d_v]
 *     ─ Reshape [1,H,T,d_v] ─ Transpose [1,T,H,d_v] ─ Reshape [1,T,H·d_v]
 */
export function attend(ctx: BuildContext, scope: Scope, q: string, kv: SharedKv): string {
  const { numHeads: H, numKvHeads: Hkv, qkHeadDim: dqk, vHeadDim: dv } = ctx.config;
  const G = H / Hkv;
  const qHeads = applyRope(scope.at('q_rope'), splitHeads(scope.at('q_heads'), q, H, dqk), ctx.call.rope);
  const scaled = scope.op('q_scale', 'Mul', [qHeads, scope.float32(1 / Math.sqrt(dqk))]);
  const grouped = scope.op('q_groups', 'Reshape', [scaled, scope.int64([1, Hkv, -1, dqk])]);
  const keysT = scope.op('keys_t', 'Transpose', [kv.keys], { perm: [0, 1, 3, 2] });
  const scores = scope.op('scores', 'MatMul', [grouped, keysT]);
  const perQuery = scope.op('scores_5d', 'Reshape', [scores, scope.op('scores_5d_shape', 'Concat', [scope.int64([1, Hkv, G]), ctx.call.length, scope.int64([-1])], { axis: 0 })]);
  const masked = scope.op('masked', 'Add', [perQuery, kv.mask]);
  const probs = scope.op('probs', 'Softmax', [masked], { axis: -1 });
  const probs4 = scope.op('probs_4d', 'Reshape', [probs, scope.op('scores_shape', 'Shape', [scores])]);
  const out = scope.op('context', 'MatMul', [probs4, kv.values]);
  const heads = scope.op('context_heads', 'Reshape', [out, scope.int64([1, H, -1, dv])]);
  const tokens = scope.op('context_tokens', 'Transpose', [heads], { perm: [0, 2, 1, 3] });
  return scope.op('output', 'Reshape', [tokens, scope.int64([1, -1, H * dv])]);
}
