/**
 * Token embedding with meta tokens: ids >= vocab_size select meta token (id − vocab_size), so the runtime
 * prepends the M meta tokens by feeding [V, V+1, …, V+M−1] at the start of a sequence (graph-io.ts).
 * The tied embedding table is declared here once and reused by the head (head.ts).
 */
import type { Scope } from '../graph-builder.ts';
import { INT4_BLOCK } from '../weight-encoding.ts';
import type { Int4Weights } from './weights.ts';
import type { BuildContext } from './context.ts';

export const EMBEDDING = 'model.embed_tokens.weight';
export const META_TOKENS = 'model.memory_tokens';

/**
 * The embedding table as the head needs it: float tensor name, or int4 bytes, scales and zero points
 * (MatMulNBits' layout). `gatherZeroPoints` exists only where the lookup cannot read those zero points
 * directly (see `lookup`).
 */
export type EmbeddingTable =
  | { readonly kind: 'float'; readonly table: string }
  | ({ readonly kind: 'int4'; readonly gatherZeroPoints?: string } & Int4Weights);

/**
 * Whether GatherBlockQuantized can read MatMulNBits' tensors as they are: bytes viewed as [V, d/2], scales
 * [V, blocks], packed zero points [V, blocks/2]. That needs whole blocks and an even block count; it is the
 * only layout the WebGPU kernel accepts (its zero points must have the scales' shape once unpacked).
 */
export const sharesMatMulLayout = (d: number): boolean => d % INT4_BLOCK === 0 && (d / INT4_BLOCK) % 2 === 0;

/** Declares the tied embedding table [V, d] in the package format. */
export function embeddingTable(ctx: BuildContext): EmbeddingTable {
  const { vocabSize: V, hiddenSize: d } = ctx.config;
  const { weights } = ctx;
  const read = () => weights.read(EMBEDDING);
  if (weights.options.format === 'int4') {
    const source = { name: 'model.embed_tokens', rows: V, cols: d, read };
    return { kind: 'int4', ...(sharesMatMulLayout(d) ? weights.int4Matrix(source) : weights.int4Table(source)) };
  }
  if (weights.options.format === 'fp16') {
    return { kind: 'float', table: weights.float16(EMBEDDING, [V, d], read) };
  }
  return { kind: 'float', table: weights.tensor(EMBEDDING, [V, d]) };
}

/*
 * ids [1,T] ─┬─ ids >= V ─────────────────────── isMeta [1,T]
 *            ├─ Where(isMeta, 0, ids) ─ embed ─── E [1,T,d]
 *            └─ Where(isMeta, ids−V, 0) ─ Gather(memory_tokens) ─ Mt [1,T,d]
 * h = Where(isMeta[..,None], Mt, E)   [1,T,d]
 */
export function embed(ctx: BuildContext, scope: Scope, ids: string, table: EmbeddingTable): string {
  const { vocabSize: V, hiddenSize: d, numMetaTokens: M } = ctx.config;
  const zero = scope.int64(0);
  const isMeta = M > 0 ? scope.op('is_meta', 'GreaterOrEqual', [ids, scope.int64(V)]) : null;
  const tokenIds = isMeta ? scope.op('token_ids', 'Where', [isMeta, zero, ids]) : ids;
  const tokens = lookup(ctx, scope.at('tokens'), tokenIds, table, d);
  if (!isMeta) return tokens;
  const metaTable = ctx.weights.tensor(META_TOKENS, [M, d]);
  const metaIds = scope.op('meta_ids', 'Where', [isMeta, scope.op('meta_offset', 'Sub', [ids, scope.int64(V)]), zero]);
  const meta = scope.op('meta', 'Gather', [metaTable, metaIds], { axis: 0 });
  const isMeta3 = scope.op('is_meta_3d', 'Unsqueeze', [isMeta, scope.int64([-1])]);
  return scope.op('select', 'Where', [isMeta3, meta, tokens]);
}

function lookup(ctx: BuildContext, scope: Scope, ids: string, table: EmbeddingTable, d: number): string {
  if (table.kind === 'float') {
    const rows = scope.op('Gather', 'Gather', [table.table, ids], { axis: 0 });
    return ctx.weights.options.format === 'fp16' ? scope.op('to_float', 'Cast', [rows], { to: 1 }) : rows;
  }
  if (sharesMatMulLayout(d)) {
    // GatherBlockQuantized over MatMulNBits' own tensors: bytes [V, blocks, 16] viewed as [V, d/2] (4-bit
    // along the last axis), scales [V, blocks], zero points [V, blocks/2]; rows come out as [1, T, d].
    const bytes = scope.op('bytes_2d', 'Reshape', [table.packed, scope.int64([0, -1])]);
    return scope.op('GatherBlockQuantized', 'GatherBlockQuantized', [bytes, ids, table.scales, table.zeroPoints], { gather_axis: 0, quantize_axis: 1, block_size: INT4_BLOCK, bits: 4 }, 'com.microsoft');
  }
  // Otherwise over the bytes [V, blocks, 16] with one zero point per byte [V, blocks, 1] (CPU kernel):
  // rows come out as [1, T, blocks, 32] (padded when d % 32 != 0).
  if (!table.gatherZeroPoints) throw new Error('the int4 embedding table has no per-block zero points');
  const scales3 = scope.op('scales_3d', 'Unsqueeze', [table.scales, scope.int64([2])]);
  const inputs = [table.packed, ids, scales3, table.gatherZeroPoints];
  const blocks = scope.op('GatherBlockQuantized', 'GatherBlockQuantized', inputs, { gather_axis: 0, quantize_axis: 2, block_size: INT4_BLOCK, bits: 4 }, 'com.microsoft');
  const padded = scope.op('rows', 'Reshape', [blocks, scope.int64([1, -1, Math.ceil(d / INT4_BLOCK) * INT4_BLOCK])]);
  if (d % INT4_BLOCK === 0) return padded;
  return scope.op('unpadded', 'Slice', [padded, scope.int64([0]), scope.int64([d]), scope.int64([2])]);
}
