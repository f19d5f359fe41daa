/**
 * Hymba configuration: parses a Hugging Face `config.json` into a validated, normalised description of
 * the architecture (see shared docs hymba-architecture.md §1–§4). Everything the builder, the cache
 * manager and the runtime need about layer roles is derived here, once.
 *
 * Unsupported options are refused with an error naming the field; a config is never silently
 * reinterpreted as a different model.
 */
import { appError, err, ok, type Result } from '../../contract/errors.ts';

export type AttentionKind = 'global' | 'sliding';

/** One decoder layer's role in attention and caching. */
export interface LayerSpec {
  readonly index: number;
  readonly attention: AttentionKind;
  /** True when the layer computes K/V and owns a KV cache (globals and reuse-group producers). */
  readonly ownsKv: boolean;
  /** The layer whose K/V this layer attends to (itself when ownsKv). */
  readonly kvSourceLayer: number;
}

export interface MambaSpec {
  readonly dState: number;
  readonly dConv: number;
  readonly expand: number;
  readonly dtRank: number;
  /** expand · hidden_size: width of x, z, the conv and the SSM. */
  readonly dInner: number;
  readonly convBias: boolean;
}

export interface HymbaConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  /** Query/key head dim (attn_hidden_size / heads). */
  readonly qkHeadDim: number;
  /** Value head dim (mamba_expand · hidden_size / heads); the code overrides config.v_head_dim with this. */
  readonly vHeadDim: number;
  readonly intermediateSize: number;
  /** Meta (memory) tokens prepended to every sequence. */
  readonly numMetaTokens: number;
  readonly slidingWindow: number;
  readonly globalLayers: readonly number[];
  readonly kvReuseGroups: readonly (readonly number[])[];
  readonly mamba: MambaSpec;
  readonly ropeTheta: number;
  /** NTK-scaled RoPE base: theta · (2·maxPos/origMaxPos − 1)^(d_qk/(d_qk−2)). */
  readonly ropeBase: number;
  readonly maxPositionEmbeddings: number;
  readonly rmsNormEps: number;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number;
  readonly layers: readonly LayerSpec[];
}

type Raw = Record<string, unknown>;

class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

function fail(field: string, message: string): never {
  throw new FieldError(field, `config.json: ${field}: ${message}`);
}

function intField(raw: Raw, field: string, opts: { min?: number; fallback?: number } = {}): number {
  const value = raw[field] ?? opts.fallback;
  if (value === undefined) fail(field, 'is required');
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(field, `must be an integer, got ${JSON.stringify(value)}`);
  if (opts.min !== undefined && value < opts.min) fail(field, `must be >= ${opts.min}, got ${value}`);
  return value;
}

function numberField(raw: Raw, field: string, fallback?: number): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, `must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function expectValue(raw: Raw, field: string, allowed: readonly unknown[], what: string): void {
  if (!(field in raw)) return;
  if (!allowed.includes(raw[field])) fail(field, `unsupported value ${JSON.stringify(raw[field])} (${what})`);
}

function intList(value: unknown, field: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    fail(field, `must be a list of integers, got ${JSON.stringify(value)}`);
  }
  return value as number[];
}

function parseStrict(raw: Raw): HymbaConfig {
  if (raw.model_type !== undefined && raw.model_type !== 'hymba') fail('model_type', `expected "hymba", got ${JSON.stringify(raw.model_type)}`);
  const hiddenSize = intField(raw, 'hidden_size', { min: 1 });
  const numLayers = intField(raw, 'num_hidden_layers', { min: 1 });
  const numHeads = intField(raw, 'num_attention_heads', { min: 1 });
  const numKvHeads = intField(raw, 'num_key_value_heads', { min: 1, fallback: numHeads });
  const vocabSize = intField(raw, 'vocab_size', { min: 1 });
  const intermediateSize = intField(raw, 'intermediate_size', { min: 1 });
  if (numHeads % numKvHeads !== 0) fail('num_key_value_heads', `${numKvHeads} does not divide num_attention_heads ${numHeads}`);

  const attnHidden = intField(raw, 'attn_hidden_size', { fallback: -1 });
  const attnWidth = attnHidden === -1 ? hiddenSize : attnHidden;
  if (attnWidth <= 0 || attnWidth % numHeads !== 0) fail('attn_hidden_size', `${attnWidth} is not a positive multiple of num_attention_heads`);
  const kqHeadDim = intField(raw, 'kq_head_dim', { fallback: -1 });
  const qkHeadDim = kqHeadDim === -1 ? attnWidth / numHeads : kqHeadDim;
  if (kqHeadDim !== -1 && kqHeadDim !== attnWidth / numHeads) fail('kq_head_dim', `only -1 (attn_hidden_size / heads) is supported, got ${kqHeadDim}`);
  if (qkHeadDim % 2 !== 0 || qkHeadDim < 4) fail('attn_hidden_size', `q/k head dim ${qkHeadDim} must be even and >= 4 for RoPE`);

  expectValue(raw, 'kq_norm', ['none', null], 'q/k normalisation is not part of Hymba-1.5B');
  const interspersed = intField(raw, 'memory_tokens_interspersed_every', { fallback: 0 });
  if (interspersed !== 0) fail('memory_tokens_interspersed_every', `interspersed meta tokens are not supported (got ${interspersed}); only a prepended prefix is`);
  if (intField(raw, 'num_experts', { fallback: 1 }) !== 1) fail('num_experts', 'only a single dense expert (1) is supported');
  if (intField(raw, 'num_experts_per_tok', { fallback: 1 }) !== 1) fail('num_experts_per_tok', 'only 1 is supported');
  if (intField(raw, 'num_mamba', { fallback: 1 }) !== 1) fail('num_mamba', 'only one SSM per layer (1) is supported');
  expectValue(raw, 'rope', [true], 'Hymba uses RoPE');
  expectValue(raw, 'rope_type', ['ntk'], 'only the fixed NTK rope_type is supported');
  expectValue(raw, 'hidden_act', ['silu'], 'the conv activation must be silu');
  expectValue(raw, 'mlp_hidden_act', ['silu'], 'the MLP must be SwiGLU (silu)');
  expectValue(raw, 'mamba_inner_layernorms', [true], 'dt/B/C RMSNorms are required');
  expectValue(raw, 'mamba_proj_bias', [false], 'projection biases are not supported');
  expectValue(raw, 'kv_weight_reuse', [false], 'K/V weight reuse is not supported');
  if (intField(raw, 'kv_reuse_every_i_layer', { fallback: -1 }) !== -1) fail('kv_reuse_every_i_layer', 'only -1 (explicit kv_reuse_group) is supported');
  if ('layer_type' in raw) {
    const types = raw.layer_type;
    if (!Array.isArray(types) || types.length !== numLayers || types.some((t) => t !== 'h')) {
      fail('layer_type', `every layer must be hybrid "h" (${numLayers} entries), got ${JSON.stringify(types)}`);
    }
  }

  const expand = intField(raw, 'mamba_expand', { min: 1 });
  const dInner = expand * hiddenSize;
  if (dInner % numHeads !== 0) fail('mamba_expand', `mamba_expand·hidden_size ${dInner} must divide by num_attention_heads`);
  const mamba: MambaSpec = {
    dState: intField(raw, 'mamba_d_state', { min: 1 }),
    dConv: intField(raw, 'mamba_d_conv', { min: 1 }),
    expand,
    dtRank: intField(raw, 'mamba_dt_rank', { min: 1 }),
    dInner,
    convBias: raw.mamba_conv_bias === undefined ? true : raw.mamba_conv_bias === true,
  };
  if ('conv_dim' in raw) {
    const convDim = raw.conv_dim as Record<string, unknown> | null;
    if (typeof convDim !== 'object' || convDim === null) fail('conv_dim', 'must be an object of layer → width');
    for (const [layer, width] of Object.entries(convDim)) {
      if (width !== dInner) fail('conv_dim', `layer ${layer} has width ${JSON.stringify(width)}, expected ${dInner}`);
    }
  }

  const numMetaTokens = intField(raw, 'num_memory_tokens', { min: 0, fallback: 0 });
  const slidingWindow = intField(raw, 'sliding_window', { min: 2 });
  const globalLayers = intList(raw.global_attn_idx ?? [], 'global_attn_idx');
  for (const g of globalLayers) if (g < 0 || g >= numLayers) fail('global_attn_idx', `layer ${g} is out of range 0..${numLayers - 1}`);
  if (new Set(globalLayers).size !== globalLayers.length) fail('global_attn_idx', 'has duplicate layers');

  const groupsRaw = raw.kv_reuse_group ?? [];
  if (!Array.isArray(groupsRaw)) fail('kv_reuse_group', 'must be a list of layer lists');
  const kvReuseGroups = groupsRaw.map((g, i) => intList(g, `kv_reuse_group[${i}]`));
  const source = Array.from({ length: numLayers }, (_, i) => i);
  const seen = new Set<number>();
  kvReuseGroups.forEach((group, i) => {
    if (group.length < 2) fail('kv_reuse_group', `group ${i} ${JSON.stringify(group)} needs a producer and at least one consumer`);
    group.forEach((layer, j) => {
      if (layer < 0 || layer >= numLayers) fail('kv_reuse_group', `group ${i} names layer ${layer}, out of range 0..${numLayers - 1}`);
      if (seen.has(layer)) fail('kv_reuse_group', `layer ${layer} appears in more than one place`);
      if (globalLayers.includes(layer)) fail('kv_reuse_group', `layer ${layer} is a global layer and cannot share KV`);
      if (j > 0 && layer <= group[j - 1]!) fail('kv_reuse_group', `group ${i} ${JSON.stringify(group)} must be ascending (producer first)`);
      seen.add(layer);
      source[layer] = group[0]!;
    });
  });

  const layers: LayerSpec[] = source.map((src, index) => ({
    index,
    attention: globalLayers.includes(index) ? 'global' : 'sliding',
    ownsKv: src === index,
    kvSourceLayer: src,
  }));

  const maxPos = intField(raw, 'max_position_embeddings', { min: 1, fallback: 8192 });
  const origMaxPos = intField(raw, 'orig_max_position_embeddings', { min: 1, fallback: maxPos });
  const ropeTheta = numberField(raw, 'rope_theta', 10000);
  const ntkFactor = (2 * maxPos) / origMaxPos - 1;
  const ropeBase = ropeTheta * Math.pow(ntkFactor, qkHeadDim / (qkHeadDim - 2));

  const eos = raw.eos_token_id ?? 2;
  const eosTokenIds = Array.isArray(eos) ? intList(eos, 'eos_token_id') : [intField(raw, 'eos_token_id', { fallback: 2 })];

  return {
    vocabSize,
    hiddenSize,
    numLayers,
    numHeads,
    numKvHeads,
    qkHeadDim,
    vHeadDim: dInner / numHeads,
    intermediateSize,
    numMetaTokens,
    slidingWindow,
    globalLayers,
    kvReuseGroups,
    mamba,
    ropeTheta,
    ropeBase,
    maxPositionEmbeddings: maxPos,
    rmsNormEps: numberField(raw, 'rms_norm_eps', 1e-6),
    tieWordEmbeddings: raw.tie_word_embeddings === undefined ? true : raw.tie_word_embeddings === true,
    bosTokenId: intField(raw, 'bos_token_id', { fallback: 1 }),
    eosTokenIds,
    padTokenId: intField(raw, 'pad_token_id', { fallback: 0 }),
    layers,
  };
}

/** Validates a parsed config.json. Errors name the offending field in `details.field`. */
export function parseHymbaConfig(raw: unknown): Result<HymbaConfig> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err(appError('CONFIG_INVALID', 'config.json must be a JSON object'));
  }
  try {
    return ok(parseStrict(raw as Raw));
  } catch (caught) {
    if (caught instanceof FieldError) return err(appError('CONFIG_INVALID', caught.message, { field: caught.field }));
    throw caught;
  }
}

/** Layers that own a KV cache, in layer order. */
export function kvOwnerLayers(config: HymbaConfig): LayerSpec[] {
  return config.layers.filter((l) => l.ownsKv);
}
