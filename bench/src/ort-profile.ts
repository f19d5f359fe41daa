/**
 * Reads an onnxruntime profile (Chrome trace JSON written by a session created with `enableProfiling`)
 * and sums kernel time by operator type and by model part, over the last `runs` model_run events
 * (e.g. the decode steps after a prefill).
 */
import { readFile } from 'node:fs/promises';

interface TraceEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly ts?: number;
  readonly dur?: number;
  readonly args?: { readonly op_name?: string; readonly provider?: string };
}

export interface OpTime {
  readonly name: string;
  /** Microseconds per run (mean over the runs). */
  readonly usPerRun: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly runs: number;
  /** Mean wall time of one model_run in microseconds. */
  readonly runUs: number;
  /** Mean summed kernel time per run (sequential execution: close to runUs). */
  readonly kernelUs: number;
  readonly byOp: readonly OpTime[];
  readonly byPart: readonly OpTime[];
}

/** The part of the model a node belongs to, from its path-style name (graph-builder names). */
export function modelPart(nodeName: string): string {
  if (nodeName.includes('/attn/')) return 'attention';
  if (nodeName.includes('/ssm/scan')) return 'ssm scan';
  if (nodeName.includes('/ssm/') || nodeName.includes('/conv/')) return 'ssm other (x/dt proj, norms, conv)';
  if (nodeName.includes('/mlp/')) return 'mlp';
  if (nodeName.includes('/in_proj/') || nodeName.includes('/qkv_proj/')) return 'in_proj / qkv';
  if (nodeName.includes('/fusion/') || nodeName.includes('/o_proj/')) return 'out_proj / fusion';
  if (nodeName.includes('/head/')) return 'lm_head';
  if (nodeName.includes('/embed/')) return 'embedding';
  return 'other';
}

function ranked(totals: Map<string, number>, runs: number): OpTime[] {
  const sum = [...totals.values()].reduce((a, b) => a + b, 0) || 1;
  return [...totals.entries()].map(([name, us]) => ({ name, usPerRun: us / runs, share: us / sum })).sort((a, b) => b.usPerRun - a.usPerRun);
}

export async function summariseProfile(file: string, runs: number): Promise<ProfileSummary> {
  const events = JSON.parse(await readFile(file, 'utf8')) as TraceEvent[];
  const modelRuns = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const windows = modelRuns.slice(-runs).map((e) => [e.ts ?? 0, (e.ts ?? 0) + (e.dur ?? 0)] as const);
  const inWindow = (ts: number): boolean => windows.some(([from, to]) => ts >= from && ts <= to);
  const byOp = new Map<string, number>();
  const byPart = new Map<string, number>();
  let kernel = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || e.ts === undefined || !inWindow(e.ts)) continue;
    const dur = e.dur ?? 0;
    const op = e.args?.op_name ?? 'unknown';
    kernel += dur;
    byOp.set(op, (byOp.get(op) ?? 0) + dur);
    const part = modelPart(e.name.slice(0, -'_kernel_time'.length));
    byPart.set(part, (byPart.get(part) ?? 0) + dur);
  }
  const n = Math.max(1, windows.length);
  const runUs = windows.reduce((a, [from, to]) => a + (to - from), 0) / n;
  return { runs: windows.length, runUs, kernelUs: kernel / n, byOp: ranked(byOp, n), byPart: ranked(byPart, n) };
}
