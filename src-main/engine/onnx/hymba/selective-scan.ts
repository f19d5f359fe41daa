/**
 * The SSM branch (hymba-architecture §3.5, §6): x_proj → dt/B/C RMSNorms → dt_proj (bias added after
 * the matmul) → softplus → Mamba-1 selective scan → + D·x → ⊙ SiLU(z). The scan of a prompt chunk has two
 * forms, chosen per run by the `ssm_parallel` input: an ONNX Scan over time (CPU: a few small kernels per
 * position) or a closed form over the whole chunk (GPU providers, which have no Scan kernel: a dozen
 * kernels per chunk, memory T²·C·N floats).
 */
import { pastName, presentName, SSM_PARALLEL } from '../../model/graph-io.ts';
import type { GraphBuilder, Scope } from '../graph-builder.ts';
import type { CacheIo } from './cache-io.ts';
import { layerWeight, type BuildContext } from './context.ts';

/*
 * Scan body, one time step (A [C,N] from the outer scope):
 *   h_in [C,N], dt [C], dt·x [C], B [N], C_t [N]
 *   h_out = exp(dt[:,None] ⊙ A) ⊙ h_in + (dt·x)[:,None] ⊙ B[None,:]
 *   y     = h_out · C_t            [C]
 */
function scanBody(graph: GraphBuilder, path: string, A: string, channels: number, state: number): ReturnType<GraphBuilder['subgraph']> {
  const body = graph.subgraph(`${path}/body`);
  const h = body.input(`${path}/h_in`, 'float32', [channels, state]);
  const dt = body.input(`${path}/dt_t`, 'float32', [channels]);
  const dtx = body.input(`${path}/dtx_t`, 'float32', [channels]);
  const b = body.input(`${path}/b_t`, 'float32', [state]);
  const c = body.input(`${path}/c_t`, 'float32', [state]);
  const n = (label: string, op: string, inputs: string[]) => body.op(`${path}/body/${label}/${op}`, op, inputs);
  const col = body.int64([1]);
  const dA = n('decay', 'Exp', [n('dt_a', 'Mul', [n('dt_col', 'Unsqueeze', [dt, col]), A])]);
  const dBx = n('input', 'Mul', [n('dtx_col', 'Unsqueeze', [dtx, col]), n('b_row', 'Unsqueeze', [b, body.int64([0])])]);
  const hOut = n('state', 'Add', [n('decayed', 'Mul', [dA, h]), dBx]);
  const y = n('readout', 'MatMul', [hOut, c]);
  body.output(`${path}/h_out`, hOut, 'float32', [channels, state]);
  body.output(`${path}/y_t`, y, 'float32', [channels]);
  return body;
}

type ScanInputs = readonly [h0: string, dt: string, dtx: string, b: string, c: string];

/*
 * T = 1 (decode): the same update with plain ops, no Scan machinery (about 2× faster per step).
 *   h_T = exp(dt[C,1] ⊙ A) ⊙ h0 + dtx[C,1] ⊙ B[1,N];   y = (h_T · C[N,1]) as [1,C]
 */
function stepBranch(graph: GraphBuilder, path: string, A: string, channels: number, state: number, [h0, dt, dtx, b, c]: ScanInputs): ReturnType<GraphBuilder['subgraph']> {
  const branch = graph.subgraph(path);
  const n = (label: string, op: string, inputs: string[]) => branch.op(`${path}/${label}/${op}`, op, inputs);
  const column = branch.int64([channels, 1]);
  const dA = n('decay', 'Exp', [n('dt_a', 'Mul', [n('dt_col', 'Reshape', [dt, column]), A])]);
  const dBx = n('input', 'Mul', [n('dtx_col', 'Reshape', [dtx, column]), b]);
  const hOut = n('state', 'Add', [n('decayed', 'Mul', [dA, h0]), dBx]);
  const y = n('readout_row', 'Reshape', [n('readout', 'MatMul', [hOut, n('c_col', 'Reshape', [c, branch.int64([state, 1])])]), branch.int64([1, channels])]);
  branch.output(`${path}/h_out`, hOut, 'float32', [channels, state]);
  branch.output(`${path}/y`, y, 'float32', [1, channels]);
  return branch;
}

/* T > 1 (prefill): Scan over time with scanBody. */
function scanBranch(graph: GraphBuilder, path: string, A: string, channels: number, state: number, inputs: ScanInputs): ReturnType<GraphBuilder['subgraph']> {
  const branch = graph.subgraph(path);
  const body = scanBody(graph, `${path}/loop`, A, channels, state);
  const [hT, y] = branch.node(`${path}/Scan`, 'Scan', [...inputs], { num_scan_inputs: 4, body }, { outputs: 2 }) as [string, string];
  branch.output(`${path}/h_out`, hT, 'float32', [channels, state]);
  branch.output(`${path}/y`, y, 'float32', ['T', channels]);
  return branch;
}

/*
 * T > 1, closed form (A < 0 diagonal, so the decay from s to t is exp(L_t − L_s) with L the running sum):
 *   L = tril(1) [T,T] · (dt ⊙ A) [T, C·N]                   cumulative log-decay, [T,C,N]
 *   W[t,s] = exp(L_t − L_s) for s <= t, 0 above             [T,T,C,N]
 *   h_t = Σ_s W[t,s] ⊙ (dtx_s ⊗ B_s) + exp(L_t) ⊙ h0        [T,C,N]
 *   y_t = h_t · C_t                                          [T,C];   h_T = h_{T−1}
 */
function parallelBranch(graph: GraphBuilder, path: string, A: string, channels: number, state: number, [h0, dt, dtx, b, c]: ScanInputs): ReturnType<GraphBuilder['subgraph']> {
  const branch = graph.subgraph(path);
  const n = (label: string, op: string, inputs: string[], attrs?: Record<string, number>) => branch.op(`${path}/${label}/${op}`, op, inputs, attrs);
  const axis = (k: number) => branch.int64([k]);
  const steps = n('length', 'Gather', [n('shape', 'Shape', [dt]), branch.int64(0)], { axis: 0 });
  const index = n('index', 'Range', [branch.int64(0), steps, branch.int64(1)]);
  const causal = n('causal', 'GreaterOrEqual', [n('row', 'Unsqueeze', [index, axis(1)]), n('col', 'Unsqueeze', [index, axis(0)])]); // [T,T]: s <= t
  const lower = n('lower', 'Cast', [causal], { to: 1 });
  const flat = branch.int64([0, channels * state]);
  const logDecay = n('dt_a', 'Mul', [n('dt_col', 'Unsqueeze', [dt, axis(2)]), A]); // [T,C,N]
  const cumulative = n('cumulative', 'Reshape', [n('running_sum', 'MatMul', [lower, n('dt_a_flat', 'Reshape', [logDecay, flat])]), branch.int64([-1, channels, state])]);
  const gap = n('gap', 'Sub', [n('to', 'Unsqueeze', [cumulative, axis(1)]), n('from', 'Unsqueeze', [cumulative, axis(0)])]); // [T,T,C,N]
  const causal4 = n('causal_4d', 'Unsqueeze', [causal, branch.int64([2, 3])]);
  const weight = n('weight', 'Where', [causal4, n('decay', 'Exp', [gap]), branch.float32(0)]);
  const inputs = n('input', 'Mul', [n('dtx_col', 'Unsqueeze', [dtx, axis(2)]), n('b_row', 'Unsqueeze', [b, axis(1)])]); // [T,C,N]
  const fromInputs = n('from_inputs', 'ReduceSum', [n('weighted', 'Mul', [weight, n('inputs_row', 'Unsqueeze', [inputs, axis(0)])]), axis(1)], { keepdims: 0 });
  const states = n('states', 'Add', [fromInputs, n('from_h0', 'Mul', [n('h0_decay', 'Exp', [cumulative]), h0])]); // [T,C,N]
  const y = n('readout', 'Reshape', [n('readout_3d', 'MatMul', [states, n('c_col', 'Unsqueeze', [c, axis(2)])]), branch.int64([0, channels])]);
  branch.output(`${path}/h_out`, n('last', 'Gather', [states, branch.int64(-1)], { axis: 0 }), 'float32', [channels, state]);
  branch.output(`${path}/y`, y, 'float32', ['T', channels]);
  return branch;
}

/* T > 1: the closed form when the run asks for it (ssm_parallel), else the Scan. */
function chunkBranch(graph: GraphBuilder, path: string, A: string, channels: number, state: number, inputs: ScanInputs, parallel: string): ReturnType<GraphBuilder['subgraph']> {
  const branch = graph.subgraph(path);
  const closed = parallelBranch(graph, `${path}/parallel`, A, channels, state, inputs);
  const scan = scanBranch(graph, `${path}/scan`, A, channels, state, inputs);
  const [hT, y] = branch.node(`${path}/select/If`, 'If', [parallel], { then_branch: closed, else_branch: scan }, { outputs: 2 }) as [string, string];
  branch.output(`${path}/h_out`, hT, 'float32', [channels, state]);
  branch.output(`${path}/y`, y, 'float32', ['T', channels]);
  return branch;
}

/*
 * x̂ [1,T,C] ─ x_proj ─ Split(R, N, N) ─ dt_r, B, C ─ RMSNorm each
 * dt = softplus(dt_r · W_dtᵀ + b_dt)                       [1,T,C]
 * If(T = 1, stepBranch, chunkBranch)(h0 = past_ssm [C,N]; dt, dt⊙x̂, B, C over T) → h_T, y [T,C]
 * Y = (y + D ⊙ x̂) ⊙ SiLU(z)                              [1,T,C]
 */
export function selectiveScan(ctx: BuildContext, cache: CacheIo, scope: Scope, layer: number, x: string, z: string): string {
  const { config, weights, graph } = ctx;
  const { dInner: C, dState: N, dtRank: R } = config.mamba;
  const eps = config.rmsNormEps;
  const proj = weights.linear(scope.at('x_proj'), x, { name: layerWeight(layer, 'mamba.x_proj.0'), rows: R + 2 * N, cols: C, read: () => weights.read(layerWeight(layer, 'mamba.x_proj.0.weight')) });
  const [dtLow, bRaw, cRaw] = scope.node('x_proj_split', 'Split', [proj, scope.int64([R, N, N])], { axis: -1 }, 3) as [string, string, string];
  const dtNorm = weights.rmsNorm(scope.at('dt_layernorm'), dtLow, layerWeight(layer, 'mamba.dt_layernorm.weight'), R, eps);
  const bNorm = weights.rmsNorm(scope.at('B_layernorm'), bRaw, layerWeight(layer, 'mamba.B_layernorm.weight'), N, eps);
  const cNorm = weights.rmsNorm(scope.at('C_layernorm'), cRaw, layerWeight(layer, 'mamba.C_layernorm.weight'), N, eps);
  const dtRaw = weights.linear(scope.at('dt_proj'), dtNorm, { name: layerWeight(layer, 'mamba.dt_proj.0'), rows: C, cols: R, read: () => weights.read(layerWeight(layer, 'mamba.dt_proj.0.weight')) });
  const dtBias = weights.tensor(layerWeight(layer, 'mamba.dt_proj.0.bias'), [C]);
  const dt = scope.op('dt_softplus', 'Softplus', [scope.op('dt_bias', 'Add', [dtRaw, dtBias])]);

  const A = weights.float32(`${layerWeight(layer, 'mamba.A')}`, [C, N], async () => (await weights.read(layerWeight(layer, 'mamba.A_log.0'))).map((v) => -Math.exp(v)));
  const D = weights.tensor(layerWeight(layer, 'mamba.D.0'), [C]);
  const drop = scope.int64([0]);
  const seq = (label: string, v: string) => scope.op(label, 'Squeeze', [v, drop]);
  const dtSeq = seq('dt_seq', dt);
  const xSeq = seq('x_seq', x);
  const h0 = cache.fromCache(scope.at('past'), pastName('ssm', layer));
  const scanInputs = [seq('h0', h0), dtSeq, scope.op('dt_x', 'Mul', [dtSeq, xSeq]), seq('b_seq', bNorm), seq('c_seq', cNorm)] as const;
  const isStep = scope.op('is_step', 'Equal', [ctx.call.length, scope.int64([1])]);
  const step = stepBranch(graph, `${scope.path}/step`, A, C, N, scanInputs);
  const chunk = chunkBranch(graph, `${scope.path}/chunk`, A, C, N, scanInputs, SSM_PARALLEL);
  const [hT, y] = scope.node('select', 'If', [isStep], { then_branch: step, else_branch: chunk }, 2) as [string, string];
  cache.setPresent(presentName('ssm', layer), cache.toCache(scope.at('present'), scope.op('state', 'Unsqueeze', [hT, drop])));
  const withSkip = scope.op('skip', 'Add', [y, scope.op('d_x', 'Mul', [xSeq, D])]);
  const gate = scope.op('gate', 'Mul', [z, scope.op('gate_sigmoid', 'Sigmoid', [z])]);
  return scope.op('gated', 'Mul', [scope.op('batch', 'Unsqueeze', [withSkip, drop]), gate]);
}
