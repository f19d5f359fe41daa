/**
 * The I/O contract of a Hymba ONNX graph (model.onnx in a model package). The graph builder and the
 * runtime both derive every name from here and from HymbaConfig.layers, so they cannot drift.
 *
 * One graph serves prefill (T > 1) and decode (T = 1). All activations are float32; caches are
 * stored in the package's cache dtype (`float32` or `float16`, manifest.cacheDtype).
 *
 * Inputs
 *   input_ids            int64 [1, T]   token ids; ids >= vocab_size select meta token (id − vocab_size).
 *                                       The runtime feeds [V, V+1, …, V+M−1] once, as the start of a sequence.
 *   position_ids         int64 [1, T]   absolute positions (meta tokens take 0..M−1, real token t takes M+t).
 *   num_logits_to_keep   int64 []       logits are computed for the last n positions only (1 in generation).
 *   ssm_parallel         bool []        T > 1 only: the SSM over the chunk in closed form (true: GPU providers,
 *                                       chunks of 16) or as a Scan (false: CPU); both give the same result
 *                                       (≤ 1e-4). Graphs built before it lack this input and always scan.
 *   past_key_values.{i}.key    [1, H_kv, P_i, d_qk]   post-RoPE keys, for layers with ownsKv
 *   past_key_values.{i}.value  [1, H_kv, P_i, d_v]
 *   past_conv.{i}        [1, d_inner, d_conv]       pre-conv x of the last d_conv positions (official layout)
 *   past_ssm.{i}         [1, d_inner, d_state]      SSM state
 * Outputs
 *   logits               float32 [1, n, V]
 *   present_key_values.{i}.key / .value   global layers: past ++ new; sliding layers: (past ++ new) cut to its
 *                                       first M and last W entries, the state kept between calls (packages
 *                                       with manifest.graph.slidingCacheTrimmed; older graphs return
 *                                       past ++ new and the runtime trims)
 *   present_conv.{i}, present_ssm.{i}
 *
 * Attention visibility (hymba-architecture §4), computed in the graph from absolute positions:
 *   global layers:  kv <= q
 *   sliding layers: kv <= q and (q − kv <= w or kv < M), with w = W when T > 1 and w = W − 1 when T = 1
 *                   (the official prefill/decode off-by-one).
 * Key positions of a sliding cache of length Ls with past length P: entry j < M is at position j,
 * entry j >= M is at position P − (Ls − j). So a sliding cache is always [meta | contiguous suffix];
 * between calls it holds the first M entries and the last W entries.
 * P itself is position_ids[0, 0].
 */
import type { HymbaConfig } from '../config/hymba-config.ts';

export const INPUT_IDS = 'input_ids';
export const POSITION_IDS = 'position_ids';
export const NUM_LOGITS_TO_KEEP = 'num_logits_to_keep';
export const SSM_PARALLEL = 'ssm_parallel';
export const LOGITS = 'logits';

export type CacheKind = 'key' | 'value' | 'conv' | 'ssm';

export const pastName = (kind: CacheKind, layer: number): string =>
  kind === 'key' || kind === 'value' ? `past_key_values.${layer}.${kind}` : `past_${kind}.${layer}`;

export const presentName = (kind: CacheKind, layer: number): string =>
  kind === 'key' || kind === 'value' ? `present_key_values.${layer}.${kind}` : `present_${kind}.${layer}`;

/** One cache tensor of the graph: its layer, kind and shape with the sequence axis as `null`. */
export interface CacheTensorSpec {
  readonly layer: number;
  readonly kind: CacheKind;
  readonly past: string;
  readonly present: string;
  /** [1, heads, null, dim] for KV (null = sequence), fixed shape for conv/ssm. */
  readonly shape: readonly (number | null)[];
}

/** Every cache tensor the graph takes and returns, in a stable order (layer, then key/value/conv/ssm). */
export function cacheTensorSpecs(config: HymbaConfig): CacheTensorSpec[] {
  const specs: CacheTensorSpec[] = [];
  for (const layer of config.layers) {
    const i = layer.index;
    if (layer.ownsKv) {
      specs.push({ layer: i, kind: 'key', past: pastName('key', i), present: presentName('key', i), shape: [1, config.numKvHeads, null, config.qkHeadDim] });
      specs.push({ layer: i, kind: 'value', past: pastName('value', i), present: presentName('value', i), shape: [1, config.numKvHeads, null, config.vHeadDim] });
    }
    specs.push({ layer: i, kind: 'conv', past: pastName('conv', i), present: presentName('conv', i), shape: [1, config.mamba.dInner, config.mamba.dConv] });
    specs.push({ layer: i, kind: 'ssm', past: pastName('ssm', i), present: presentName('ssm', i), shape: [1, config.mamba.dInner, config.mamba.dState] });
  }
  return specs;
}
