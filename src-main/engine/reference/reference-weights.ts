/**
 * Hymba weights in float64 for the reference forward, loaded from any TensorSource by their
 * checkpoint names (hymba-architecture §2). Small models only: everything is held in memory.
 */
import type { HymbaConfig } from '../config/hymba-config.ts';
import { EMBED_TOKENS, FINAL_NORM, LM_HEAD, layerPrefix, MEMORY_TOKENS } from '../checkpoint/hymba-tensors.ts';
import type { HymbaCheckpoint, TensorSource } from '../checkpoint/tensor-source.ts';
import type { Matrix } from './reference-math.ts';

export interface ReferenceLayerWeights {
  readonly inputNorm: Float64Array; // [d]
  readonly inProj: Matrix; // [q | k | v | x | z rows, d] (no k, v for KV consumers)
  readonly convWeight: Matrix; // [d_in, d_conv] (the stored [d_in, 1, d_conv] without the middle axis)
  readonly convBias: Float64Array; // [d_in] (zeros when the config has no conv bias)
  readonly xProj: Matrix; // [dt_rank + 2·d_state, d_in], rows dt | B | C
  readonly dtProj: Matrix; // [d_in, dt_rank]
  readonly dtBias: Float64Array; // [d_in]
  readonly aLog: Matrix; // [d_in, d_state]
  readonly d: Float64Array; // [d_in]
  readonly dtNorm: Float64Array; // [dt_rank]
  readonly bNorm: Float64Array; // [d_state]
  readonly cNorm: Float64Array; // [d_state]
  readonly attentionNorm: Float64Array; // [d_in] pre_avg_layernorm1 (attention branch)
  readonly ssmNorm: Float64Array; // [d_in] pre_avg_layernorm2 (SSM branch)
  readonly outProj: Matrix; // [d, d_in]
  readonly mlpNorm: Float64Array; // [d] pre_moe_layernorm
  readonly gate: Matrix; // [f, d]
  readonly up: Matrix; // [f, d]
  readonly down: Matrix; // [d, f]
}

export interface ReferenceModel {
  readonly config: HymbaConfig;
  readonly embed: Matrix; // [V, d]
  readonly metaTokens: Matrix; // [M, d]
  readonly finalNorm: Float64Array; // [d]
  readonly lmHead: Matrix; // [V, d]; the embedding itself when tied
  readonly layers: readonly ReferenceLayerWeights[];
}

async function vector(source: TensorSource, name: string): Promise<Float64Array> {
  return Float64Array.from(await source.readFloat32(name));
}

async function matrix(source: TensorSource, name: string): Promise<Matrix> {
  const info = source.tensors.get(name);
  if (!info) throw new Error(`reference: tensor "${name}" is missing`);
  const rows = info.shape[0] ?? 1;
  const data = await vector(source, name);
  return { rows, cols: rows === 0 ? 0 : data.length / rows, data };
}

async function loadLayer(source: TensorSource, config: HymbaConfig, index: number): Promise<ReferenceLayerWeights> {
  const p = layerPrefix(index);
  const convBias = config.mamba.convBias ? await vector(source, `${p}mamba.conv1d.bias`) : new Float64Array(config.mamba.dInner);
  return {
    inputNorm: await vector(source, `${p}input_layernorm.weight`),
    inProj: await matrix(source, `${p}mamba.in_proj.weight`),
    convWeight: await matrix(source, `${p}mamba.conv1d.weight`),
    convBias,
    xProj: await matrix(source, `${p}mamba.x_proj.0.weight`),
    dtProj: await matrix(source, `${p}mamba.dt_proj.0.weight`),
    dtBias: await vector(source, `${p}mamba.dt_proj.0.bias`),
    aLog: await matrix(source, `${p}mamba.A_log.0`),
    d: await vector(source, `${p}mamba.D.0`),
    dtNorm: await vector(source, `${p}mamba.dt_layernorm.weight`),
    bNorm: await vector(source, `${p}mamba.B_layernorm.weight`),
    cNorm: await vector(source, `${p}mamba.C_layernorm.weight`),
    attentionNorm: await vector(source, `${p}mamba.pre_avg_layernorm1.weight`),
    ssmNorm: await vector(source, `${p}mamba.pre_avg_layernorm2.weight`),
    outProj: await matrix(source, `${p}mamba.out_proj.weight`),
    mlpNorm: await vector(source, `${p}pre_moe_layernorm.weight`),
    gate: await matrix(source, `${p}moe.experts.0.gate_proj.weight`),
    up: await matrix(source, `${p}moe.experts.0.up_proj.weight`),
    down: await matrix(source, `${p}moe.experts.0.down_proj.weight`),
  };
}

/** Loads every weight of a (small) Hymba model into float64. Throws on a missing tensor. */
export async function loadReferenceModel(source: TensorSource, config: HymbaConfig): Promise<ReferenceModel> {
  const embed = await matrix(source, EMBED_TOKENS);
  const metaTokens = config.numMetaTokens > 0 ? await matrix(source, MEMORY_TOKENS) : { rows: 0, cols: config.hiddenSize, data: new Float64Array(0) };
  const layers: ReferenceLayerWeights[] = [];
  for (let i = 0; i < config.numLayers; i++) layers.push(await loadLayer(source, config, i));
  return {
    config,
    embed,
    metaTokens,
    finalNorm: await vector(source, FINAL_NORM),
    lmHead: config.tieWordEmbeddings ? embed : await matrix(source, LM_HEAD),
    layers,
  };
}

/** Convenience: the reference model of an opened checkpoint. */
export function loadReferenceFromCheckpoint(checkpoint: HymbaCheckpoint): Promise<ReferenceModel> {
  return loadReferenceModel(checkpoint.tensors, checkpoint.config);
}
