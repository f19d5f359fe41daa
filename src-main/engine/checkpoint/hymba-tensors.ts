/**
 * The tensor set of a Hugging Face Hymba checkpoint, derived from its config (hymba-architecture §2),
 * and the check of a stored tensor set against it.
 *
 * Per layer i (`model.layers.{i}.`), with d = hidden, H/H_kv heads, d_qk/d_v head dims,
 * d_in = mamba_expand·d, r = dt_rank, n = d_state, k = d_conv, f = intermediate_size:
 *   mamba.in_proj.weight   [H·d_qk (+ H_kv·d_qk + H_kv·d_v when the layer owns KV) + 2·d_in, d]
 *                          rows: q | k | v | x | z  (consumers: q | x | z)
 *   mamba.conv1d.weight    [d_in, 1, k]    mamba.conv1d.bias [d_in] (when mamba_conv_bias)
 *   mamba.x_proj.0.weight  [r + 2n, d_in]  rows: dt | B | C
 *   mamba.dt_proj.0.weight [d_in, r]       mamba.dt_proj.0.bias [d_in]
 *   mamba.A_log.0 [d_in, n]  mamba.D.0 [d_in]
 *   mamba.{dt,B,C}_layernorm.weight [r] / [n] / [n]
 *   mamba.pre_avg_layernorm{1,2}.weight [d_in]   mamba.out_proj.weight [d, d_in]
 *   input_layernorm.weight / pre_moe_layernorm.weight [d]
 *   moe.experts.0.{gate,up}_proj.weight [f, d]    moe.experts.0.down_proj.weight [d, f]
 */
import type { HymbaConfig } from '../config/hymba-config.ts';
import type { TensorInfo } from './tensor-source.ts';

export interface ExpectedTensor {
  readonly name: string;
  readonly shape: readonly number[];
}

export const EMBED_TOKENS = 'model.embed_tokens.weight';
export const MEMORY_TOKENS = 'model.memory_tokens';
export const FINAL_NORM = 'model.final_layernorm.weight';
export const LM_HEAD = 'lm_head.weight';

export const layerPrefix = (layer: number): string => `model.layers.${layer}.`;

/** Rows of in_proj for one layer: q | k | v | x | z, or q | x | z for a KV consumer. */
export function inProjRows(config: HymbaConfig, ownsKv: boolean): number {
  const q = config.numHeads * config.qkHeadDim;
  const kv = ownsKv ? config.numKvHeads * (config.qkHeadDim + config.vHeadDim) : 0;
  return q + kv + 2 * config.mamba.dInner;
}

/** The 19 (18 without conv bias) tensors of one decoder layer. */
export function expectedLayerTensors(config: HymbaConfig, layer: number): ExpectedTensor[] {
  const p = layerPrefix(layer);
  const d = config.hiddenSize;
  const { dInner, dtRank, dState, dConv, convBias } = config.mamba;
  const ownsKv = config.layers[layer]?.ownsKv ?? true;
  const list: ExpectedTensor[] = [
    { name: `${p}input_layernorm.weight`, shape: [d] },
    { name: `${p}mamba.in_proj.weight`, shape: [inProjRows(config, ownsKv), d] },
    { name: `${p}mamba.conv1d.weight`, shape: [dInner, 1, dConv] },
  ];
  if (convBias) list.push({ name: `${p}mamba.conv1d.bias`, shape: [dInner] });
  list.push(
    { name: `${p}mamba.x_proj.0.weight`, shape: [dtRank + 2 * dState, dInner] },
    { name: `${p}mamba.dt_proj.0.weight`, shape: [dInner, dtRank] },
    { name: `${p}mamba.dt_proj.0.bias`, shape: [dInner] },
    { name: `${p}mamba.A_log.0`, shape: [dInner, dState] },
    { name: `${p}mamba.D.0`, shape: [dInner] },
    { name: `${p}mamba.dt_layernorm.weight`, shape: [dtRank] },
    { name: `${p}mamba.B_layernorm.weight`, shape: [dState] },
    { name: `${p}mamba.C_layernorm.weight`, shape: [dState] },
    { name: `${p}mamba.pre_avg_layernorm1.weight`, shape: [dInner] },
    { name: `${p}mamba.pre_avg_layernorm2.weight`, shape: [dInner] },
    { name: `${p}mamba.out_proj.weight`, shape: [d, dInner] },
    { name: `${p}pre_moe_layernorm.weight`, shape: [d] },
    { name: `${p}moe.experts.0.gate_proj.weight`, shape: [config.intermediateSize, d] },
    { name: `${p}moe.experts.0.up_proj.weight`, shape: [config.intermediateSize, d] },
    { name: `${p}moe.experts.0.down_proj.weight`, shape: [d, config.intermediateSize] },
  );
  return list;
}

/** Every tensor a checkpoint of this config must store, in a stable order (globals, layers, head). */
export function expectedHymbaTensors(config: HymbaConfig): ExpectedTensor[] {
  const d = config.hiddenSize;
  const list: ExpectedTensor[] = [{ name: EMBED_TOKENS, shape: [config.vocabSize, d] }];
  if (config.numMetaTokens > 0) list.push({ name: MEMORY_TOKENS, shape: [config.numMetaTokens, d] });
  for (let layer = 0; layer < config.numLayers; layer++) list.push(...expectedLayerTensors(config, layer));
  list.push({ name: FINAL_NORM, shape: [d] });
  if (!config.tieWordEmbeddings) list.push({ name: LM_HEAD, shape: [config.vocabSize, d] });
  return list;
}

/** What is wrong with a stored tensor set: each list names tensors; `problems` is one line per fault. */
export interface TensorSetReport {
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  readonly misShaped: readonly { name: string; expected: readonly number[]; actual: readonly number[] }[];
  readonly problems: readonly string[];
}

/**
 * Compares stored tensors with the expected set and reports every fault, not just the first.
 * A tied checkpoint may still store `lm_head.weight` (some exporters write it); it is accepted when
 * its shape is [vocab, hidden] and ignored, since the tie means it equals the embedding.
 */
export function checkHymbaTensors(config: HymbaConfig, stored: ReadonlyMap<string, TensorInfo>): TensorSetReport {
  const expected = expectedHymbaTensors(config);
  const expectedNames = new Set(expected.map((e) => e.name));
  const tolerated: ExpectedTensor[] = config.tieWordEmbeddings ? [{ name: LM_HEAD, shape: [config.vocabSize, config.hiddenSize] }] : [];
  const missing: string[] = [];
  const misShaped: { name: string; expected: readonly number[]; actual: readonly number[] }[] = [];
  const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  for (const tensor of [...expected, ...tolerated]) {
    const info = stored.get(tensor.name);
    if (!info) {
      if (expectedNames.has(tensor.name)) missing.push(tensor.name);
    } else if (!sameShape(info.shape, tensor.shape)) {
      misShaped.push({ name: tensor.name, expected: tensor.shape, actual: info.shape });
    }
  }
  const toleratedNames = new Set(tolerated.map((t) => t.name));
  const unexpected = [...stored.keys()].filter((name) => !expectedNames.has(name) && !toleratedNames.has(name)).sort();
  const problems = [
    ...missing.map((name) => `missing tensor "${name}"`),
    ...misShaped.map((m) => `tensor "${m.name}" has shape ${JSON.stringify(m.actual)}, expected ${JSON.stringify(m.expected)}`),
    ...unexpected.map((name) => `unexpected tensor "${name}"`),
  ];
  return { missing, unexpected, misShaped, problems };
}
