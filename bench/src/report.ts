/**
 * Writes a run's results: `<stamp>-<kind>.json`, `<stamp>-<kind>.md` (tables), three SVG charts, and
 * `latest.json` / `latest-quick.json` (the headline fields the README and CI read), into the results folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from './results.ts';
import { barChart, lineChart } from './svg-chart.ts';

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;
const f = (x: number, digits = 2): string => x.toFixed(digits);
const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] => [row(head), row(head.map(() => '---')), ...rows.map(row)];

/** The fields `latest.json` must hold (issue 7), plus the machine and the command. */
export function headline(r: BenchResults): Record<string, unknown> {
  return {
    schema: r.schema,
    kind: r.kind,
    finishedAt: r.finishedAt,
    command: r.command,
    machine: r.machine,
    device: r.device,
    decode: { tokensPerSec: r.decode.tokensPerSec, rooflineTokensPerSec: r.decode.rooflineTokensPerSec, percentOfRoofline: r.decode.percentOfRoofline, context: r.decode.context, bandwidthGBps: r.bandwidth.readGBps },
    cache: { bytesAt8k: r.cache.bytesAt8k, formulaBytesAt8k: r.cache.formulaBytesAt8k, bytesAt8kSource: r.cache.bytesAt8kSource, ratioVsLlama8k: r.cache.ratioVsLlama8k },
    memory: { peakRssBytes: r.memory.peakRssBytes },
    comparison: r.comparison,
    targets: r.targets,
  };
}

export function markdown(r: BenchResults, files: { json: string; charts: readonly string[] }): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`# Hymba Desk benchmark (${r.kind}), ${r.finishedAt.slice(0, 16).replace('T', ' ')} UTC`, '');
  lines.push(`Command: \`${r.command}\` — ${f(r.durationSec / 60, 1)} min. Raw data: [${files.json}](${files.json}).`, '');
  lines.push(`Machine: ${m.cpuModel}, ${m.logicalCores} logical cores (${m.cpuFlags.join(', ') || 'no flags read'}), ${gb(m.memoryBytes)} RAM, ${m.platform}, Node ${m.node}, onnxruntime-node ${m.onnxruntime}. Load average at start ${m.loadAverageStart.join(' / ')}, at end ${(m.loadAverageEnd ?? []).join(' / ')} (1/5/15 min; other work shared the cores).`, '');
  lines.push(`Model: ${r.model.layout}, ${r.model.parameterCount.toLocaleString('en-US')} parameters, ${r.model.format}, weights ${gb(r.model.dataBytes)}. Device ${r.device.used}${r.device.fallbackReason ? ` (asked ${r.device.requested}: ${r.device.fallbackReason})` : ''}, ${r.device.threads || 'default'} threads.`, '');

  lines.push('## Headline', '');
  lines.push(...table(['metric', 'value'], [
    [`decode, int4, ${r.decode.context}-token context`, `${f(r.decode.tokensPerSec)} tok/s = ${f(r.decode.percentOfRoofline, 1)}% of the ${f(r.decode.rooflineTokensPerSec, 1)} tok/s roofline`],
    ['memory bandwidth (read)', `${f(r.bandwidth.readGBps)} GB/s (${r.bandwidth.probe}, ${r.bandwidth.threads} threads; triad ${f(r.bandwidth.triadGBps)} GB/s)`],
    ['cache at 8k tokens (live tensors)', `${mb(r.cache.bytesAt8k)} (formula ${mb(r.cache.formulaBytesAt8k)}; ${r.cache.bytesAt8kSource})`],
    ['cache ratio vs Llama-3.2-3B shape at 8k', `${r.cache.ratioVsLlama8k === null ? 'n/a' : `${f(r.cache.ratioVsLlama8k)}×`} (paper ${r.comparison.paperCacheRatio}×)`],
    ['decode throughput ratio vs Llama at 8k, batch 1', `${r.comparison.decodeRatio8k === null ? 'n/a' : `${f(r.comparison.decodeRatio8k)}×`} (paper ${r.comparison.paperThroughputRatio}×, batch 128 on an A100)`],
    ['time to first token', `${f(r.ttft.ttftMs, 0)} ms for a ${r.ttft.promptTokens}-token prompt`],
    ['peak engine RSS', `${gb(r.memory.peakRssBytes)} (after load ${gb(r.memory.rssAfterLoadBytes)})`],
    ['model load / switch', `${f(r.load.loadMs / 1000)} s / ${f(r.load.switchMs / 1000)} s (unload ${f(r.load.unloadMs, 0)} ms)`],
  ]), '');

  lines.push('## Targets (reported, not asserted)', '');
  lines.push(...table(['target', 'wanted', 'measured', 'met'], r.targets.map((t) => [t.name, t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'])), '');

  lines.push('## Prefill', '');
  lines.push(...table(['prompt tokens', 'tok/s', 'ms', 'how'], r.prefill.map((p) => [p.tokens, f(p.tokensPerSec, 1), f(p.ms, 0), p.how])), '');

  lines.push('## Decode', '');
  lines.push(...table(['context', 'tok/s', 'ms/token', '% of weight roofline', 'roofline incl. cache reads', 'cache'], r.decode.byContext.map((d) => [d.context, f(d.tokensPerSec), f(d.msPerToken, 1), f(d.percentOfRoofline, 1), f(d.rooflineWithCacheTokensPerSec, 1), d.cacheSource])));
  lines.push('', `Generation loop (sampling, detokenising, streaming included) after a ${r.ttft.promptTokens}-token prompt: ${f(r.ttft.loopDecodeTokensPerSec)} tok/s over ${r.ttft.generatedTokens} tokens.`);
  if (r.decode.hostCaches) lines.push('', `Caches copied to the host every step (the engine keeps them on the GPU): ${f(r.decode.hostCaches.tokensPerSec)} tok/s at ${r.decode.hostCaches.context} tokens.`);
  lines.push('');

  lines.push('## Rooflines (weights read per decode token / bandwidth)', '');
  lines.push(...table(['format', 'weight bytes / token', 'roofline tok/s', 'note'], r.roofline.map((x) => [x.format, gb(x.weightBytesPerToken), f(x.rooflineTokensPerSec, 1), x.note ?? ''])));
  if (r.llama) lines.push(row(['Llama-3.2-3B shape, int4', gb(r.llama.weightBytesPerToken), f(r.llama.rooflineTokensPerSec, 1), '']));
  lines.push('');

  lines.push('## Cache (live tensors vs the §7 formula)', '');
  lines.push(...table(['tokens', 'live', 'formula', 'error', 'global KV', 'sliding KV', 'SSM + conv', 'sliding entries', 'source'], r.cache.points.map((p) => [p.tokens, mb(p.live.total), mb(p.formula.total), `${(100 * p.relativeError).toFixed(3)}%`, mb(p.live.globalKv), mb(p.live.slidingKv), mb(p.live.ssm + p.live.conv), p.slidingEntries, p.source])));
  const t = r.cache.transient;
  lines.push('', `After a ${t.afterPrompt}-token prompt the sliding layers hold ${t.slidingEntries} entries (capacity ${t.slidingCapacity}); live ${mb(t.liveBytes)} vs steady state ${mb(t.steadyBytes)}. The present_* outputs of one prefill chunk peak at ${mb(t.maxInCallPresentBytes)} (sliding layers come out of the graph already cut to meta + W).`, '');

  if (r.llama) {
    lines.push('## Llama-3.2-3B-shaped baseline (random int4 weights, same builder core and runtime)', '');
    lines.push(...table(['context', 'tok/s', 'ms/token', 'cache (live)'], r.llama.decode.map((d) => [d.context, f(d.tokensPerSec), f(d.msPerToken, 1), mb(d.cacheBytes)])));
    lines.push('', `Load ${f(r.llama.loadMs / 1000, 1)} s; peak RSS ${gb(r.llama.peakRssBytes)}${r.llama.prefill ? `; prefill ${r.llama.prefill.tokens} tokens ${f(r.llama.prefill.tokensPerSec, 1)} tok/s` : ''}. Llama's decode caches are synthetic (exact shape, filled with small constants); formula at 8k ${mb(r.cache.llamaFormulaBytesAt8k)}.`, '');
  }

  if (r.profile) {
    lines.push(`## Where decode time goes (onnxruntime profile, ${r.profile.runs} decode steps at ${r.plan.profile?.context ?? '?'} tokens of context, ${f(r.profile.runUs / 1000, 1)} ms per step)`, '');
    lines.push(...table(['model part', 'ms / step', 'share'], r.profile.byPart.map((p) => [p.name, f(p.usPerRun / 1000, 2), `${(100 * p.share).toFixed(1)}%`])), '');
    lines.push(...table(['operator', 'ms / step', 'share'], r.profile.byOp.slice(0, 10).map((p) => [p.name, f(p.usPerRun / 1000, 2), `${(100 * p.share).toFixed(1)}%`])), '');
  }
  lines.push('## Charts', '', ...files.charts.map((c) => `![${c}](${c})`), '');
  return lines.join('\n');
}

export function charts(r: BenchResults): Record<string, string> {
  const decodeGroups = r.decode.byContext.filter((d) => d.cacheSource === 'prefill' || !r.decode.byContext.some((x) => x.context === d.context && x.cacheSource === 'prefill'));
  const llamaAt = (context: number): number | null => r.llama?.decode.find((d) => d.context === context)?.tokensPerSec ?? null;
  const decode = barChart(`Decode tok/s (${r.device.used}, int4, batch 1)`, 'tokens / s', ['Hymba-1.5B layout', 'Llama-3.2-3B shape', 'Hymba weight roofline'], decodeGroups.map((d) => ({ label: `${d.context} tokens`, values: [d.tokensPerSec, llamaAt(d.context), r.decode.rooflineTokensPerSec] })));
  const contexts = [...new Set([0, ...r.cache.points.map((p) => p.tokens)])].sort((a, b) => a - b);
  const perToken = r.cache.llamaFormulaBytesAt8k / 8192;
  const cache = lineChart('Cache bytes by context (float16)', 'context (tokens)', 'MB', [
    { name: 'Hymba live tensors', points: r.cache.points.map((p) => [p.tokens, p.live.total / 1e6] as const), markers: true },
    { name: 'Llama-3.2-3B shape (formula)', points: contexts.map((c) => [c, (c * perToken) / 1e6] as const), dashed: true },
    { name: 'Hymba §7 formula', points: r.cache.points.map((p) => [p.tokens, p.formula.total / 1e6] as const), dashed: true },
  ]);
  const prefill = barChart('Prefill tok/s by prompt length', 'tokens / s', ['Hymba-1.5B layout, int4'], r.prefill.map((p) => ({ label: `${p.tokens} tokens`, values: [p.tokensPerSec] })));
  return { 'decode.svg': decode, 'cache.svg': cache, 'prefill.svg': prefill };
}

export async function writeResults(outDir: string, r: BenchResults): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const stamp = r.finishedAt.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const base = `${stamp}-${r.kind}`;
  const json = `${base}.json`;
  const svgs = charts(r);
  const chartFiles: string[] = [];
  for (const [name, svg] of Object.entries(svgs)) {
    const file = `${base}-${name}`;
    await writeFile(join(outDir, file), svg);
    chartFiles.push(file);
  }
  await writeFile(join(outDir, json), `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(join(outDir, `${base}.md`), markdown(r, { json, charts: chartFiles }));
  const latest = r.kind === 'quick' ? 'latest-quick.json' : 'latest.json';
  await writeFile(join(outDir, latest), `${JSON.stringify({ ...headline(r), report: `${base}.md`, data: json }, null, 2)}\n`);
  return [json, `${base}.md`, ...chartFiles, latest];
}
