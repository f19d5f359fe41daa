/**
 * One Hymba decoder layer applied to ONE position, in float64 (hymba-architecture §3, §4, §6).
 * Processing positions one at a time is exact for this causal model: a full-sequence forward is the
 * same computation with the KV cache kept whole and the window applied as a mask.
 *
 *   h ─ RMSNorm_in ─ in_proj ─┬ q, k, v ─ RoPE(q, k) ─ attention (GQA, window/meta mask) ─ A ─ RMSNorm β1 ─┐
 *   │                         ├ x ─ causal depthwise conv ─ silu ─ x̂ ─ selective scan ─ y ─┐              ├ ½(·+·) ─ out_proj ─ (+h)
 *   │                         └ z ───────────────────────────────────────────── silu(z) ⊙ ┘─ RMSNorm β2 ─┘
 *   then  h + down( silu(gate(RMSNorm_moe h)) ⊙ up(RMSNorm_moe h) )
 */
import type { HymbaConfig } from '../config/hymba-config.ts';
import { applyRope, linear, rmsNorm, ropeAngles, silu, softplus } from './reference-math.ts';
import type { ReferenceLayerWeights, ReferenceModel } from './reference-weights.ts';

/** A layer's attention cache: one entry per kept position, post-RoPE keys. */
export interface KvCache {
  readonly keys: Float64Array[]; // each [H_kv · d_qk]
  readonly values: Float64Array[]; // each [H_kv · d_v]
  readonly positions: number[]; // absolute position of each entry
}

/** Everything a layer carries from one position to the next. */
export interface LayerState {
  /** Only for layers that own KV (globals and reuse-group producers). */
  readonly kv: KvCache | undefined;
  /** Pre-conv x of the last d_conv positions, oldest first (zeros before the sequence starts). */
  conv: Float64Array[];
  /** SSM state h[c, n] at c·d_state + n. */
  readonly ssm: Float64Array;
}

/** How attention treats the sliding-window layers for this position. */
export interface WindowRule {
  /** A sliding layer sees key kv from query q iff q − kv ≤ window or kv < M (and kv ≤ q). */
  readonly window: number;
  /** Official cached decode: before appending, a sliding producer's cache longer than M + W − 1 keeps its first M and last W − 1 entries. */
  readonly trimSlidingCache: boolean;
}

export function initialLayerStates(config: HymbaConfig): LayerState[] {
  const { dInner, dState, dConv } = config.mamba;
  return config.layers.map((layer) => ({
    kv: layer.ownsKv ? { keys: [], values: [], positions: [] } : undefined,
    conv: Array.from({ length: dConv }, () => new Float64Array(dInner)),
    ssm: new Float64Array(dInner * dState),
  }));
}

function trimSlidingCache(cache: KvCache, config: HymbaConfig): void {
  const meta = config.numMetaTokens;
  const keep = config.slidingWindow - 1;
  if (cache.keys.length + 1 <= meta + config.slidingWindow) return;
  for (const list of [cache.keys, cache.values, cache.positions] as unknown[][]) list.splice(meta, list.length - meta - keep);
}

/** Attention of one query position over a KV cache; returns [H · d_v], head-major. */
function attend(config: HymbaConfig, q: Float64Array, cache: KvCache, position: number, sliding: boolean, rule: WindowRule): Float64Array {
  const { numHeads, numKvHeads, qkHeadDim, vHeadDim, numMetaTokens } = config;
  const group = numHeads / numKvHeads;
  const scale = 1 / Math.sqrt(qkHeadDim);
  const visible = cache.positions.map((kv) => kv <= position && (!sliding || position - kv <= rule.window || kv < numMetaTokens));
  const out = new Float64Array(numHeads * vHeadDim);
  for (let h = 0; h < numHeads; h++) {
    const g = Math.floor(h / group);
    const scores = cache.keys.map((key, j) => {
      if (!visible[j]) return -Infinity;
      let dot = 0;
      for (let i = 0; i < qkHeadDim; i++) dot += q[h * qkHeadDim + i]! * key[g * qkHeadDim + i]!;
      return dot * scale;
    });
    const max = scores.reduce((a, b) => Math.max(a, b), -Infinity);
    const weights = scores.map((s) => Math.exp(s - max));
    const total = weights.reduce((a, b) => a + b, 0);
    cache.values.forEach((value, j) => {
      const p = weights[j]! / total;
      if (p === 0) return;
      for (let i = 0; i < vHeadDim; i++) out[h * vHeadDim + i] = out[h * vHeadDim + i]! + p * value[g * vHeadDim + i]!;
    });
  }
  return out;
}

/** Causal depthwise conv on the newest x (shifts the state), then silu. */
function convolve(w: ReferenceLayerWeights, state: LayerState, x: Float64Array): Float64Array {
  state.conv = [...state.conv.slice(1), x];
  const { rows: channels, cols: taps } = w.convWeight;
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let sum = w.convBias[c]!;
    for (let k = 0; k < taps; k++) sum += w.convWeight.data[c * taps + k]! * state.conv[k]![c]!;
    out[c] = silu(sum);
  }
  return out;
}

/** One selective-scan step; updates the SSM state and returns y ⊙ silu(z). */
function selectiveScan(config: HymbaConfig, w: ReferenceLayerWeights, state: LayerState, xHat: Float64Array, z: Float64Array): Float64Array {
  const { dtRank, dState, dInner } = config.mamba;
  const eps = config.rmsNormEps;
  const s = linear(w.xProj, xHat);
  const dtLow = rmsNorm(s.subarray(0, dtRank), w.dtNorm, eps);
  const b = rmsNorm(s.subarray(dtRank, dtRank + dState), w.bNorm, eps);
  const c = rmsNorm(s.subarray(dtRank + dState, dtRank + 2 * dState), w.cNorm, eps);
  const deltaRaw = linear(w.dtProj, dtLow);
  const out = new Float64Array(dInner);
  for (let ch = 0; ch < dInner; ch++) {
    const delta = softplus(deltaRaw[ch]! + w.dtBias[ch]!);
    let y = w.d[ch]! * xHat[ch]!;
    for (let n = 0; n < dState; n++) {
      const a = -Math.exp(w.aLog.data[ch * dState + n]!);
      const index = ch * dState + n;
      state.ssm[index] = Math.exp(delta * a) * state.ssm[index]! + delta * b[n]! * xHat[ch]!;
      y += c[n]! * state.ssm[index]!;
    }
    out[ch] = y * silu(z[ch]!);
  }
  return out;
}

/** Applies layer `index` to the hidden state h [d] of one position; updates `states` (caches). */
export function layerStep(model: ReferenceModel, index: number, states: LayerState[], h: Float64Array, position: number, rule: WindowRule): Float64Array {
  const config = model.config;
  const spec = config.layers[index]!;
  const w = model.layers[index]!;
  const state = states[index]!;
  const { numHeads, numKvHeads, qkHeadDim, vHeadDim, rmsNormEps: eps } = config;
  const dInner = config.mamba.dInner;

  const projected = linear(w.inProj, rmsNorm(h, w.inputNorm, eps));
  let offset = 0;
  const take = (n: number) => projected.subarray(offset, (offset += n));
  const q = take(numHeads * qkHeadDim).slice();
  const k = spec.ownsKv ? take(numKvHeads * qkHeadDim).slice() : undefined;
  const v = spec.ownsKv ? take(numKvHeads * vHeadDim).slice() : undefined;
  const x = take(dInner).slice();
  const z = take(dInner);

  const angles = ropeAngles(position, qkHeadDim, config.ropeBase);
  applyRope(q, numHeads, qkHeadDim, angles);
  const sliding = spec.attention === 'sliding';
  if (state.kv && k && v) {
    applyRope(k, numKvHeads, qkHeadDim, angles);
    if (sliding && rule.trimSlidingCache) trimSlidingCache(state.kv, config);
    state.kv.keys.push(k);
    state.kv.values.push(v);
    state.kv.positions.push(position);
  }
  const attention = attend(config, q, states[spec.kvSourceLayer]!.kv!, position, sliding, rule);
  const ssm = selectiveScan(config, w, state, convolve(w, state, x), z);

  const attentionNormed = rmsNorm(attention, w.attentionNorm, eps);
  const ssmNormed = rmsNorm(ssm, w.ssmNorm, eps);
  const fused = attentionNormed.map((a, i) => (a + ssmNormed[i]!) / 2);
  const afterMixer = linear(w.outProj, fused).map((m, i) => m + h[i]!);

  const normed = rmsNorm(afterMixer, w.mlpNorm, eps);
  const gate = linear(w.gate, normed);
  const up = linear(w.up, normed);
  const hidden = gate.map((g, i) => silu(g) * up[i]!);
  return linear(w.down, hidden).map((m, i) => m + afterMixer[i]!);
}
