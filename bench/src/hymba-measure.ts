/**
 * The Hymba measurements, each on a fork of the meta-prefix cache: prefill throughput per prompt length,
 * time to first token through the real generation loop, one long sequence filled by chunked prefill with
 * the live cache bytes (beside the §7 formula) and decode throughput at the chosen contexts, and decode on
 * synthetic caches of a given length (shape-exact, contents zero) where filling would take too long.
 */
import type { CacheBreakdown } from '../../src-main/contract/domain.ts';
import { cacheBytesAt } from '../../src-main/engine/runtime/cache-layout.ts';
import { generate } from '../../src-main/engine/runtime/generation-loop.ts';
import type { HybridCache } from '../../src-main/engine/runtime/hybrid-cache.ts';
import type { InstrumentedModel } from './hymba-session.ts';
import { median } from './stats.ts';
import { syntheticCacheAfter } from './synthetic-cache.ts';
import { promptIds } from './hymba-session.ts';

export interface PrefillResult {
  readonly tokens: number;
  readonly ms: number;
  readonly tokensPerSec: number;
  /** Largest present_* bytes one chunk returned (before trimming). */
  readonly transientPresentBytes: number;
}

export interface DecodeResult {
  /** Real tokens in the cache before the timed steps (meta excluded). */
  readonly context: number;
  readonly steps: number;
  readonly msPerToken: number;
  readonly tokensPerSec: number;
  /** `prefill`: the cache was filled by the model; `synthetic`: zero K/V of the exact shape. */
  readonly cacheSource: 'prefill' | 'synthetic';
}

export interface CachePoint {
  readonly tokens: number;
  /** `prefill`: filled by the model; `synthetic`: zero tensors of the exact shapes absorbed by HybridCache. */
  readonly source: 'prefill' | 'synthetic';
  readonly live: CacheBreakdown;
  readonly formula: CacheBreakdown;
  /** (live − formula) / formula. */
  readonly relativeError: number;
  /** Largest present_* bytes a single chunk returned while filling up to here (the in-call transient). */
  readonly transientPresentBytes: number;
  readonly slidingEntries: number;
  readonly globalEntries: number;
  readonly rssBytes: number;
}

export interface TtftResult {
  readonly promptTokens: number;
  readonly ttftMs: number;
  /** Decode speed of the full generation loop (sampling and streaming included). */
  readonly loopDecodeTokensPerSec: number;
  readonly generatedTokens: number;
}

export async function measurePrefill(model: InstrumentedModel, tokens: number, repeats: number): Promise<PrefillResult> {
  const times: number[] = [];
  let transient = 0;
  for (let r = 0; r < repeats; r++) {
    const cache = model.metaCache.fork();
    model.runner.take();
    const started = performance.now();
    await model.forward.prefill(cache, promptIds(tokens, 100 + r));
    times.push(performance.now() - started);
    transient = Math.max(transient, ...model.runner.take().map((rec) => rec.presentBytes));
    cache.release();
  }
  const ms = median(times);
  return { tokens, ms, tokensPerSec: (tokens * 1000) / ms, transientPresentBytes: transient };
}

/** Decode `steps` tokens on a fork of `cache` after one untimed step. */
export async function measureDecode(model: InstrumentedModel, cache: HybridCache, steps: number, cacheSource: DecodeResult['cacheSource']): Promise<DecodeResult> {
  const fork = cache.fork();
  const context = fork.positions - model.config.numMetaTokens;
  const ids = promptIds(steps + 1, 7);
  await model.forward.step(fork, [ids[0]!]);
  const started = performance.now();
  for (let i = 1; i <= steps; i++) await model.forward.step(fork, [ids[i]!]);
  const ms = performance.now() - started;
  model.runner.take();
  fork.release();
  return { context, steps, msPerToken: ms / steps, tokensPerSec: (steps * 1000) / ms, cacheSource };
}

function entries(model: InstrumentedModel, cache: HybridCache): { sliding: number; global: number } {
  let sliding = 0;
  let global = 0;
  for (const [layer, length] of cache.kvLengths()) {
    if (model.config.layers[layer]?.attention === 'sliding') sliding = Math.max(sliding, length);
    else global = Math.max(global, length);
  }
  return { sliding, global };
}

export function cachePoint(model: InstrumentedModel, cache: HybridCache, transient: number, source: CachePoint['source']): CachePoint {
  const tokens = cache.positions - model.config.numMetaTokens;
  const live = cache.bytes();
  const formula = cacheBytesAt(model.layout, tokens);
  const { sliding, global } = entries(model, cache);
  return { tokens, source, live, formula, relativeError: (live.total - formula.total) / formula.total, transientPresentBytes: transient, slidingEntries: sliding, globalEntries: global, rssBytes: process.memoryUsage.rss() };
}

export interface LongSequenceResult {
  readonly cache: CachePoint[];
  readonly decode: DecodeResult[];
  /** Prefill throughput of each extension (tokens from → to), showing the cost of depth. */
  readonly extensions: { readonly from: number; readonly to: number; readonly ms: number; readonly tokensPerSec: number }[];
}

/**
 * Fills one sequence by chunked prefill to each target context in turn; at cache targets records the live
 * cache, at decode targets measures decode on a fork (the sequence itself does not advance).
 */
export async function longSequence(model: InstrumentedModel, cacheTargets: readonly number[], decodeTargets: readonly number[], decodeSteps: number, onProgress: (line: string) => void): Promise<LongSequenceResult> {
  const targets = [...new Set([...cacheTargets, ...decodeTargets])].sort((a, b) => a - b);
  const cache = model.metaCache.fork();
  const result: LongSequenceResult = { cache: [], decode: [], extensions: [] };
  let fed = 0;
  let transient = 0;
  for (const target of targets) {
    model.runner.take();
    const started = performance.now();
    await model.forward.prefill(cache, promptIds(target - fed, 1000 + target));
    const ms = performance.now() - started;
    transient = Math.max(transient, ...model.runner.take().map((r) => r.presentBytes));
    result.extensions.push({ from: fed, to: target, ms, tokensPerSec: ((target - fed) * 1000) / ms });
    onProgress(`filled ${target} tokens (${(((target - fed) * 1000) / ms).toFixed(1)} tok/s for the last ${target - fed})`);
    fed = target;
    if (cacheTargets.includes(target)) result.cache.push(cachePoint(model, cache, transient, 'prefill'));
    if (decodeTargets.includes(target)) {
      const decode = await measureDecode(model, cache, decodeSteps, 'prefill');
      result.decode.push(decode);
      onProgress(`decode at ${target}: ${decode.tokensPerSec.toFixed(2)} tok/s`);
    }
  }
  return result;
}

/**
 * A cache holding `tokens` real tokens after the meta prefix, built through HybridCache.absorb from zero
 * tensors of the exact present_* shapes (sliding layers are trimmed by absorb as in generation).
 */
export function syntheticCache(model: InstrumentedModel, tokens: number): HybridCache {
  return syntheticCacheAfter(model.metaCache, model.config, model.layout.dtype, tokens);
}

/** A completion prompt of about `tokens` tokens through the generation loop: TTFT and loop decode speed. */
export async function measureTtft(model: InstrumentedModel, tokens: number, generateTokens: number, repeats: number): Promise<TtftResult> {
  const sentence = 'The committee reviewed the annual report and discussed the budget for the coming year. ';
  const perSentence = model.tokenizer.encodeText(sentence).length;
  const runs: TtftResult[] = [];
  for (let r = 0; r < repeats; r++) {
    const prompt = `${r} ${sentence.repeat(Math.max(1, Math.round(tokens / perSentence)))}`;
    const outcome = await generate(model.withoutSnapshots(), {
      input: { mode: 'completion', prompt },
      sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1, maxTokens: generateTokens, seed: 1 },
      budgetBytes: 2 ** 31,
    });
    if (!outcome.ok) throw new Error(`generation failed: ${outcome.error.message}`);
    const m = outcome.value.metrics;
    runs.push({ promptTokens: m.promptTokens, ttftMs: m.ttftMs, loopDecodeTokensPerSec: m.decodeTokensPerSec, generatedTokens: m.generatedTokens });
  }
  const byTtft = [...runs].sort((a, b) => a.ttftMs - b.ttftMs);
  return byTtft[Math.floor(byTtft.length / 2)]!;
}
