/**
 * A Llama-shaped ONNX graph built with the project's graph-builder core and the same op choices as the
 * Hymba graph (int4 MatMulNBits projections, SimplifiedLayerNormalization, GatherBlockQuantized tied
 * embedding, plain-op grouped-query attention, float16 KV cache at the graph boundary), so the two models
 * differ only in architecture. I/O follows the Hymba contract's names (graph-io.ts) minus the SSM state:
 *   input_ids, position_ids int64 [1, T]; num_logits_to_keep int64 []
 *   past_key_values.{i}.key / .value  float16 [1, H_kv, P, d]  →  present_key_values.{i}.key / .value [1, H_kv, P+T, d]
 *   logits float32 [1, n, V]
 */
import { float, GraphBuilder, Scope } from '../../src-main/engine/onnx/graph-builder.ts';
import { applyRope, ropeCallTables, type RopeTables } from '../../src-main/engine/onnx/hymba/rope.ts';
import { INT4_BLOCK } from '../../src-main/engine/onnx/weight-encoding.ts';
import { INPUT_IDS, LOGITS, NUM_LOGITS_TO_KEEP, pastName, POSITION_IDS, presentName } from '../../src-main/engine/model/graph-io.ts';
import type { LlamaShape } from './llama-config.ts';
import { ones, randomInt4, type RandomInt4 } from './random-weights.ts';

/** MatMulNBits accuracy level: 4 (int8 activations), as the converter's int4 default for Hymba. */
const ACCURACY_LEVEL = 4;
const FLOAT16 = 10;
const FLOAT32 = 1;

interface Call {
  readonly length: string;
  readonly positions: string;
  readonly rope: RopeTables;
  /** [T, L] additive causal mask, computed once per layer from the key count. */
  readonly mask: (scope: Scope, pastKey: string) => string;
}

function linear(scope: Scope, x: string, w: RandomInt4, rows: number, cols: number): string {
  return scope.op('MatMulNBits', 'MatMulNBits', [x, w.packed, w.scales], { K: cols, N: rows, bits: 4, block_size: INT4_BLOCK, accuracy_level: ACCURACY_LEVEL }, 'com.microsoft');
}

function rmsNorm(scope: Scope, x: string, weight: string, eps: number): string {
  return scope.op('SimplifiedLayerNormalization', 'SimplifiedLayerNormalization', [x, weight], { axis: -1, epsilon: float(eps), stash_type: 1 });
}

/** [1, T, heads·dim] → [1, heads, T, dim] */
function splitHeads(scope: Scope, x: string, heads: number, dim: number): string {
  const r = scope.op('reshape', 'Reshape', [x, scope.int64([1, -1, heads, dim])]);
  return scope.op('transpose', 'Transpose', [r], { perm: [0, 2, 1, 3] });
}

/*
 * positions [T] ─ × inv_freq [d/2] ─ θ ─ Cos / Sin [T, d/2]   (plain RoPE, rotate-half, Hymba's RotaryEmbedding)
 * mask: kpos = Range(0, P_past + T); Where(q_pos − kpos >= 0, 0, −inf) [T, L]
 */
function callValues(graph: GraphBuilder, shape: LlamaShape, ids: string, positionIds: string): Call {
  const scope = new Scope(graph, '/model/call');
  const length = scope.op('length', 'Slice', [scope.op('ids_shape', 'Shape', [ids]), scope.int64([1]), scope.int64([2]), scope.int64([0])]);
  const positions = scope.op('positions', 'Reshape', [positionIds, scope.int64([-1])]);
  const half = shape.headDim / 2;
  const invFreq = graph.inline('/model/rope/inv_freq', 'float32', [half], Float32Array.from({ length: half }, (_, i) => Math.pow(shape.ropeTheta, (-2 * i) / shape.headDim)));
  const rope = ropeCallTables(new Scope(graph, '/model/rope'), invFreq, positions);
  const mask = (at: Scope, pastKey: string): string => {
    const pastLen = at.op('past_len', 'Gather', [at.op('past_shape', 'Shape', [pastKey]), at.int64(2)], { axis: 0 });
    const total = at.op('total_len', 'Add', [pastLen, at.op('call_len', 'Squeeze', [length, at.int64([0])])]);
    const keyPos = at.op('key_pos', 'Range', [at.int64(0), total, at.int64(1)]);
    const diff = at.op('distance', 'Sub', [at.op('query_pos', 'Unsqueeze', [positions, at.int64([1])]), at.op('key_row', 'Unsqueeze', [keyPos, at.int64([0])])]);
    return at.op('mask', 'Where', [at.op('causal', 'GreaterOrEqual', [diff, at.int64(0)]), at.float32(0), at.float32(-Infinity)]);
  };
  return { length, positions, rope, mask };
}

/*
 * u = RMSNorm(h) ─ qkv (int4) ─ Split ─ q [1,T,H·d], k, v [1,T,H_kv·d]
 * k, q ─ heads ─ RoPE;  present_k = Concat(past_k, fp16(k)), present_v likewise
 * scores = (q/√d grouped [1,H_kv,G·T,d]) · Kᵀ ─ [1,H_kv,G,T,L] + mask ─ Softmax ─ · V ─ [1,T,H·d] ─ o_proj
 * h ← h + attn;  h ← h + down(SiLU(gate(RMSNorm(h))) ⊙ up(RMSNorm(h)))
 */
function decoderLayer(graph: GraphBuilder, shape: LlamaShape, call: Call, i: number, h: string, presents: [string, string][]): string {
  const { hiddenSize: d, numHeads: H, numKvHeads: Hkv, headDim: hd, intermediateSize: I, rmsNormEps: eps } = shape;
  const scope = new Scope(graph, `/model/layers.${i}`);
  const prefix = `model.layers.${i}`;
  const u = rmsNorm(scope.at('input_layernorm'), h, ones(graph, `${prefix}.input_layernorm.weight`, d), eps);
  const qkvRows = (H + 2 * Hkv) * hd;
  const qkv = linear(scope.at('qkv_proj'), u, randomInt4(graph, `${prefix}.self_attn.qkv_proj`, qkvRows, d), qkvRows, d);
  const [q, k, v] = scope.node('qkv_split', 'Split', [qkv, scope.int64([H * hd, Hkv * hd, Hkv * hd])], { axis: -1 }, 3) as [string, string, string];
  const attn = scope.at('attn');
  const kHeads = applyRope(attn.at('k_rope'), splitHeads(attn.at('k_heads'), k, Hkv, hd), call.rope);
  const vHeads = splitHeads(attn.at('v_heads'), v, Hkv, hd);
  const pastKey = pastName('key', i);
  const presentKey = attn.op('present_key', 'Concat', [pastKey, attn.op('k_cache', 'Cast', [kHeads], { to: FLOAT16 })], { axis: 2 });
  const presentValue = attn.op('present_value', 'Concat', [pastName('value', i), attn.op('v_cache', 'Cast', [vHeads], { to: FLOAT16 })], { axis: 2 });
  presents.push([presentName('key', i), presentKey], [presentName('value', i), presentValue]);
  const keys = attn.op('keys', 'Cast', [presentKey], { to: FLOAT32 });
  const values = attn.op('values', 'Cast', [presentValue], { to: FLOAT32 });

  const qHeads = applyRope(attn.at('q_rope'), splitHeads(attn.at('q_heads'), q, H, hd), call.rope);
  const grouped = attn.op('q_groups', 'Reshape', [attn.op('q_scale', 'Mul', [qHeads, attn.float32(1 / Math.sqrt(hd))]), attn.int64([1, Hkv, -1, hd])]);
  const scores = attn.op('scores', 'MatMul', [grouped, attn.op('keys_t', 'Transpose', [keys], { perm: [0, 1, 3, 2] })]);
  const perQuery = attn.op('scores_5d', 'Reshape', [scores, attn.op('scores_5d_shape', 'Concat', [attn.int64([1, Hkv, H / Hkv]), call.length, attn.int64([-1])], { axis: 0 })]);
  const probs = attn.op('probs', 'Softmax', [attn.op('masked', 'Add', [perQuery, call.mask(attn.at('mask'), pastKey)])], { axis: -1 });
  const context = attn.op('context', 'MatMul', [attn.op('probs_4d', 'Reshape', [probs, attn.op('scores_shape', 'Shape', [scores])]), values]);
  const tokens = attn.op('context_tokens', 'Transpose', [attn.op('context_heads', 'Reshape', [context, attn.int64([1, H, -1, hd])])], { perm: [0, 2, 1, 3] });
  const merged = attn.op('output', 'Reshape', [tokens, attn.int64([1, -1, H * hd])]);
  const attnOut = linear(scope.at('o_proj'), merged, randomInt4(graph, `${prefix}.self_attn.o_proj`, d, H * hd), d, H * hd);
  const afterAttn = scope.op('attn_residual', 'Add', [h, attnOut]);

  const normed = rmsNorm(scope.at('post_attention_layernorm'), afterAttn, ones(graph, `${prefix}.post_attention_layernorm.weight`, d), eps);
  const mlp = scope.at('mlp');
  const gateUp = linear(mlp.at('gate_up_proj'), normed, randomInt4(graph, `${prefix}.mlp.gate_up_proj`, 2 * I, d), 2 * I, d);
  const [gate, up] = mlp.node('split', 'Split', [gateUp], { axis: -1, num_outputs: 2 }, 2) as [string, string];
  const hidden = mlp.op('hidden', 'Mul', [mlp.op('act', 'Mul', [gate, mlp.op('sigmoid', 'Sigmoid', [gate])]), up]);
  const down = linear(mlp.at('down_proj'), hidden, randomInt4(graph, `${prefix}.mlp.down_proj`, d, I), d, I);
  return scope.op('ffn_residual', 'Add', [afterAttn, down]);
}

/** Builds the whole Llama-shaped graph with random int4 weights (written later by writeOnnxModel). */
export function buildLlamaGraph(shape: LlamaShape): GraphBuilder {
  const { vocabSize: V, hiddenSize: d, numKvHeads: Hkv, headDim: hd } = shape;
  const graph = new GraphBuilder('llama');
  const ids = graph.input(INPUT_IDS, 'int64', [1, 'sequence_length']);
  const positionIds = graph.input(POSITION_IDS, 'int64', [1, 'sequence_length']);
  const keep = graph.input(NUM_LOGITS_TO_KEEP, 'int64', []);
  for (let i = 0; i < shape.numLayers; i++) {
    graph.input(pastName('key', i), 'float16', [1, Hkv, `past_sequence_length_${i}`, hd]);
    graph.input(pastName('value', i), 'float16', [1, Hkv, `past_sequence_length_${i}`, hd]);
  }
  const call = callValues(graph, shape, ids, positionIds);
  const table = randomInt4(graph, 'model.embed_tokens', V, d);
  const embedScope = new Scope(graph, '/model/embed');
  const scales3 = embedScope.op('scales_3d', 'Unsqueeze', [table.scales, embedScope.int64([2])]);
  const rows = embedScope.op('GatherBlockQuantized', 'GatherBlockQuantized', [table.packed, ids, scales3], { gather_axis: 0, quantize_axis: 2, block_size: INT4_BLOCK, bits: 4 }, 'com.microsoft');
  let h = embedScope.op('rows', 'Reshape', [rows, embedScope.int64([1, -1, d])]);
  const presents: [string, string][] = [];
  for (let i = 0; i < shape.numLayers; i++) h = decoderLayer(graph, shape, call, i, h, presents);
  const head = new Scope(graph, '/model/head');
  const normed = rmsNorm(head.at('final_norm'), h, ones(graph, 'model.norm.weight', d), shape.rmsNormEps);
  const start = head.op('keep_start', 'Neg', [head.op('keep', 'Reshape', [keep, head.int64([1])])]);
  const last = head.op('last', 'Slice', [normed, start, head.int64([Number.MAX_SAFE_INTEGER]), head.int64([1])]);
  graph.output(LOGITS, linear(head.at('lm_head'), last, table, V, d), 'float32', [1, 'logits_length', V]);
  // Declared last: the builder renames a produced value in place, so every consumer must already exist.
  presents.forEach(([name, value], k) => graph.output(name, value, 'float16', [1, Hkv, `total_sequence_length_${Math.floor(k / 2)}`, hd]));
  return graph;
}
