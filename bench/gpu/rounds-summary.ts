/**
 * Summary of interleaved GPU decode rounds (bench/gpu/run-on-device.sh with ROUNDS=N): each round runs the PyTorch
 * reference (bench/gpu/torch_hymba_decode.py) and the engine (bench/gpu/webgpu-options-probe.ts --variant engine
 * --contexts …), and with GRAPH_B the engine on a second graph, one process each, rotating which goes first, so all
 * meet the same host and GPU conditions. Prints a Markdown table comparing a candidate with a baseline: every round,
 * the medians, and the candidate/baseline ratio per round and of the medians.
 *
 *   npx tsx bench/gpu/rounds-summary.ts <rounds.jsonl> [--baseline pytorch] [--candidate engine]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { median } from '../src/stats.ts';

/** One line of rounds.jsonl: the torch script's JSON or the probe's, with the round number added. */
export type RoundLine =
  | { readonly round: number; readonly decode: readonly { readonly context: number; readonly tokensPerSec: number }[] }
  | { readonly round: number; readonly variant: string; readonly label?: string; readonly decodeTps: number; readonly context: number; readonly synthetic?: Readonly<Record<string, number>> };

/** The name a line is compared under: `pytorch` for the reference, else the probe's label or variant. */
export const lineName = (line: RoundLine): string => ('decode' in line ? 'pytorch' : (line.label ?? line.variant));

export interface RoundRow {
  readonly round: number;
  readonly context: number;
  readonly baseline: number | null;
  readonly candidate: number | null;
}

export interface RoundsSummary {
  readonly baseline: string;
  readonly candidate: string;
  readonly rows: readonly RoundRow[];
  /** Per context: medians over the rounds that measured both, and the spread of the per-round ratio. */
  readonly contexts: readonly { readonly context: number; readonly rounds: number; readonly baselineMedian: number; readonly candidateMedian: number; readonly ratioOfMedians: number; readonly ratioMin: number; readonly ratioMax: number }[];
}

/** tok/s by context of one line: the reference's decode rows, the probe's synthetic-cache rows (like the reference's). */
function byContext(line: RoundLine): [number, number][] {
  if ('decode' in line) return line.decode.map((d) => [d.context, d.tokensPerSec]);
  return Object.entries(line.synthetic ?? {}).map(([context, tps]) => [Number(context), tps]);
}

/** Pairs the two named sides by round and context. */
export function summarizeRounds(lines: readonly RoundLine[], baseline = 'pytorch', candidate = 'engine'): RoundsSummary {
  const cells = new Map<string, { round: number; context: number; baseline: number | null; candidate: number | null }>();
  for (const line of lines) {
    const side = lineName(line) === baseline ? 'baseline' : lineName(line) === candidate ? 'candidate' : null;
    if (!side) continue;
    for (const [context, tps] of byContext(line)) {
      const key = `${line.round}:${context}`;
      const cell = cells.get(key) ?? { round: line.round, context, baseline: null, candidate: null };
      cell[side] = tps;
      cells.set(key, cell);
    }
  }
  const rows = [...cells.values()].sort((a, b) => a.context - b.context || a.round - b.round);
  const contexts = [...new Set(rows.map((r) => r.context))].flatMap((context) => {
    const paired = rows.filter((r) => r.context === context && r.baseline !== null && r.candidate !== null) as { baseline: number; candidate: number }[];
    if (paired.length === 0) return [];
    const ratios = paired.map((r) => r.candidate / r.baseline);
    const baselineMedian = median(paired.map((r) => r.baseline));
    const candidateMedian = median(paired.map((r) => r.candidate));
    return [{ context, rounds: paired.length, baselineMedian, candidateMedian, ratioOfMedians: candidateMedian / baselineMedian, ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) }];
  });
  return { baseline, candidate, rows, contexts };
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(2));

export function roundsMarkdown(summary: RoundsSummary): string {
  const { baseline: b, candidate: c } = summary;
  const out = [`| context | round | ${b} tok/s | ${c} tok/s | ${c} / ${b} |`, '| --- | --- | --- | --- | --- |'];
  for (const r of summary.rows) out.push(`| ${r.context} | ${r.round} | ${fmt(r.baseline)} | ${fmt(r.candidate)} | ${r.baseline && r.candidate ? `${(r.candidate / r.baseline).toFixed(2)}×` : '—'} |`);
  out.push('', `| context | paired rounds | ${b} median | ${c} median | ratio of medians | per-round ratio min–max |`, '| --- | --- | --- | --- | --- | --- |');
  for (const x of summary.contexts) {
    out.push(`| ${x.context} | ${x.rounds} | ${x.baselineMedian.toFixed(2)} | ${x.candidateMedian.toFixed(2)} | ${x.ratioOfMedians.toFixed(2)}× | ${x.ratioMin.toFixed(2)}–${x.ratioMax.toFixed(2)}× |`);
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { baseline: { type: 'string', default: 'pytorch' }, candidate: { type: 'string', default: 'engine' } } });
  const path = positionals[0];
  if (!path) throw new Error('usage: rounds-summary.ts <rounds.jsonl> [--baseline pytorch] [--candidate engine]');
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RoundLine);
  console.log(roundsMarkdown(summarizeRounds(lines, values.baseline, values.candidate)));
}
