/**
 * Summary of interleaved GPU decode rounds (bench/gpu/run-on-device.sh with ROUNDS=N): each round runs the PyTorch
 * reference (bench/gpu/torch_hymba_decode.py) and the engine (bench/gpu/webgpu-options-probe.ts --variant engine
 * --contexts …) one after the other, alternating which goes first, so both meet the same host and GPU conditions.
 * Prints a Markdown table: every round, the medians, and the engine/PyTorch ratio per round and of the medians.
 *
 *   npx tsx bench/gpu/rounds-summary.ts <rounds.jsonl>
 */
import { readFile } from 'node:fs/promises';

/** One line of rounds.jsonl: the torch script's JSON or the probe's, with the round number added. */
export type RoundLine =
  | { readonly round: number; readonly decode: readonly { readonly context: number; readonly tokensPerSec: number }[] }
  | { readonly round: number; readonly variant: string; readonly decodeTps: number; readonly context: number; readonly synthetic?: Readonly<Record<string, number>> };

export interface RoundRow {
  readonly round: number;
  readonly context: number;
  readonly torch: number | null;
  readonly engine: number | null;
}

export interface RoundsSummary {
  readonly rows: readonly RoundRow[];
  /** Per context: medians over the rounds that measured both, and the spread of the per-round ratio. */
  readonly contexts: readonly { readonly context: number; readonly rounds: number; readonly torchMedian: number; readonly engineMedian: number; readonly ratioOfMedians: number; readonly ratioMin: number; readonly ratioMax: number }[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Pairs the two sides by round and context; the engine's numbers come from its synthetic caches (like torch's). */
export function summarizeRounds(lines: readonly RoundLine[]): RoundsSummary {
  const cells = new Map<string, { round: number; context: number; torch: number | null; engine: number | null }>();
  const cell = (round: number, context: number) => {
    const key = `${round}:${context}`;
    let found = cells.get(key);
    if (!found) cells.set(key, (found = { round, context, torch: null, engine: null }));
    return found;
  };
  for (const line of lines) {
    if ('decode' in line) for (const d of line.decode) cell(line.round, d.context).torch = d.tokensPerSec;
    else if (line.synthetic) for (const [context, tps] of Object.entries(line.synthetic)) cell(line.round, Number(context)).engine = tps;
  }
  const rows = [...cells.values()].sort((a, b) => a.context - b.context || a.round - b.round);
  const contexts = [...new Set(rows.map((r) => r.context))].flatMap((context) => {
    const paired = rows.filter((r) => r.context === context && r.torch !== null && r.engine !== null) as { torch: number; engine: number }[];
    if (paired.length === 0) return [];
    const ratios = paired.map((r) => r.engine / r.torch);
    const torchMedian = median(paired.map((r) => r.torch));
    const engineMedian = median(paired.map((r) => r.engine));
    return [{ context, rounds: paired.length, torchMedian, engineMedian, ratioOfMedians: engineMedian / torchMedian, ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) }];
  });
  return { rows, contexts };
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(2));

export function roundsMarkdown(summary: RoundsSummary): string {
  const out = ['| context | round | PyTorch tok/s | engine tok/s | engine / PyTorch |', '| --- | --- | --- | --- | --- |'];
  for (const r of summary.rows) out.push(`| ${r.context} | ${r.round} | ${fmt(r.torch)} | ${fmt(r.engine)} | ${r.torch && r.engine ? `${(r.engine / r.torch).toFixed(2)}×` : '—'} |`);
  out.push('', '| context | paired rounds | PyTorch median | engine median | ratio of medians | per-round ratio min–max |', '| --- | --- | --- | --- | --- | --- |');
  for (const c of summary.contexts) {
    out.push(`| ${c.context} | ${c.rounds} | ${c.torchMedian.toFixed(2)} | ${c.engineMedian.toFixed(2)} | ${c.ratioOfMedians.toFixed(2)}× | ${c.ratioMin.toFixed(2)}–${c.ratioMax.toFixed(2)}× |`);
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) throw new Error('usage: rounds-summary.ts <rounds.jsonl>');
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RoundLine);
  console.log(roundsMarkdown(summarizeRounds(lines)));
}
