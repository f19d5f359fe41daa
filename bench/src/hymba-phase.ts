/**
 * Child process: every Hymba engine measurement of one run (see hymba-measure.ts), in a fresh process so
 * the peak RSS is the engine's. Order: model load and switch through the engine's own loadModel, then the
 * instrumented session (prefill, TTFT, long sequence, synthetic-context decode), peak RSS, and last a
 * short profiled session whose decode steps are broken down by operator.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DevicePreference } from '../../src-main/contract/domain.ts';
import { loadModel } from '../../src-main/engine/runtime/loaded-model.ts';
import { servePhase } from './child-phase.ts';
import { cachePoint, longSequence, measureDecode, measurePrefill, measureTtft, syntheticCache, type CachePoint, type DecodeResult, type LongSequenceResult, type PrefillResult, type TtftResult } from './hymba-measure.ts';
import { openInstrumented, promptIds } from './hymba-session.ts';
import { peakRssBytes } from './machine.ts';
import type { BenchPlan } from './plan.ts';
import { summariseProfile, type ProfileSummary } from './ort-profile.ts';

/** The plan's Hymba measurements (plan.ts) plus where and how to run them. */
export interface HymbaPhaseInput
  extends Pick<BenchPlan, 'prefillLengths' | 'prefillRepeats' | 'ttftPromptTokens' | 'ttftRepeats' | 'generateTokens' | 'cacheContexts' | 'decodeContexts' | 'syntheticCacheContexts' | 'syntheticDecodeContexts' | 'decodeSteps'> {
  readonly packageDir: string;
  /** A second package for the switch measurement. */
  readonly switchPackageDir: string;
  readonly device: DevicePreference;
  readonly threads: number;
  /** Profile `steps` decode steps on a synthetic cache of `context` tokens; null skips profiling. */
  readonly profile: { readonly context: number; readonly steps: number; readonly dir: string } | null;
  /** On a GPU, also decode at this context with the caches copied to the host every step (the engine keeps them on the GPU). */
  readonly hostCacheContext: number | null;
  /** GPU sessions may place unsupported nodes on the CPU (instrumented sessions only; loadModel keeps the engine's rule). */
  readonly allowCpuFallback: boolean;
}

export interface HymbaPhaseOutput {
  readonly device: string;
  readonly fallbackReason?: string;
  readonly loadMs: number;
  readonly engineLoadMs: number;
  readonly unloadMs: number;
  readonly switchMs: number;
  readonly rssAfterLoadBytes: number;
  readonly prefill: PrefillResult[];
  readonly ttft: TtftResult;
  readonly sequence: LongSequenceResult;
  readonly syntheticDecode: DecodeResult[];
  readonly syntheticCache: CachePoint[];
  readonly hostCacheDecode: DecodeResult | null;
  readonly peakRssBytes: number;
  readonly profile: ProfileSummary | null;
}

async function loadAndSwitch(input: HymbaPhaseInput, progress: (line: string) => void): Promise<Pick<HymbaPhaseOutput, 'loadMs' | 'engineLoadMs' | 'unloadMs' | 'switchMs' | 'rssAfterLoadBytes'>> {
  const options = { device: input.device, threads: input.threads, allowSpinning: false };
  const started = performance.now();
  const first = await loadModel(input.packageDir, options);
  const loadMs = performance.now() - started;
  if (!first.ok) throw new Error(`load failed: ${first.error.message}`);
  const rssAfterLoadBytes = process.memoryUsage.rss();
  progress(`loaded in ${(loadMs / 1000).toFixed(2)} s (engine: ${(first.value.info.loadMs / 1000).toFixed(2)} s), RSS ${(rssAfterLoadBytes / 2 ** 30).toFixed(2)} GiB`);
  const switchStart = performance.now();
  await first.value.release();
  const unloadMs = performance.now() - switchStart;
  const second = await loadModel(input.switchPackageDir, options);
  const switchMs = performance.now() - switchStart;
  if (!second.ok) throw new Error(`switch load failed: ${second.error.message}`);
  await second.value.release();
  progress(`switched in ${(switchMs / 1000).toFixed(2)} s`);
  return { loadMs, engineLoadMs: first.value.info.loadMs, unloadMs, switchMs, rssAfterLoadBytes };
}

async function profileDecode(input: HymbaPhaseInput, profile: NonNullable<HymbaPhaseInput['profile']>): Promise<ProfileSummary> {
  const prefix = join(profile.dir, `hymba-profile-${process.pid}`);
  const model = await openInstrumented(input.packageDir, { device: input.device, threads: input.threads, profilePrefix: prefix, allowCpuFallback: input.allowCpuFallback });
  const cache = syntheticCache(model, profile.context);
  const ids = promptIds(profile.steps, 9);
  for (const id of ids) await model.forward.step(cache, [id]);
  model.runner.session.endProfiling();
  await model.runner.release();
  const file = (await readdir(profile.dir)).filter((f) => f.startsWith(`hymba-profile-${process.pid}`)).sort().pop();
  if (!file) throw new Error('onnxruntime wrote no profile');
  return summariseProfile(join(profile.dir, file), profile.steps);
}

async function run(input: HymbaPhaseInput, progress: (line: string) => void): Promise<HymbaPhaseOutput> {
  const switching = await loadAndSwitch(input, progress);
  const model = await openInstrumented(input.packageDir, { device: input.device, threads: input.threads, allowCpuFallback: input.allowCpuFallback });
  progress(`instrumented session on ${model.device}`);
  const prefill: PrefillResult[] = [];
  for (const tokens of input.prefillLengths) {
    prefill.push(await measurePrefill(model, tokens, input.prefillRepeats));
    progress(`prefill ${tokens}: ${prefill.at(-1)!.tokensPerSec.toFixed(1)} tok/s`);
  }
  const ttft = await measureTtft(model, input.ttftPromptTokens, input.generateTokens, input.ttftRepeats);
  progress(`TTFT (${ttft.promptTokens} tokens): ${ttft.ttftMs.toFixed(0)} ms`);
  const sequence = await longSequence(model, input.cacheContexts, input.decodeContexts, input.decodeSteps, progress);
  const syntheticDecode: DecodeResult[] = [];
  for (const context of input.syntheticDecodeContexts) {
    syntheticDecode.push(await measureDecode(model, syntheticCache(model, context), input.decodeSteps, 'synthetic'));
    progress(`decode at ${context} (synthetic cache): ${syntheticDecode.at(-1)!.tokensPerSec.toFixed(2)} tok/s`);
  }
  const peak = peakRssBytes(); // before the synthetic long-context caches, which no decode uses
  const syntheticCacheResult = input.syntheticCacheContexts.map((context) => cachePoint(model, syntheticCache(model, context), 0, 'synthetic'));
  await model.runner.release();

  let hostCacheDecode: DecodeResult | null = null;
  if (input.hostCacheContext !== null && model.device !== 'cpu') {
    const hostCaches = await openInstrumented(input.packageDir, { device: input.device, threads: input.threads, hostCaches: true, allowCpuFallback: input.allowCpuFallback });
    const cache = hostCaches.metaCache.fork();
    await hostCaches.forward.prefill(cache, promptIds(input.hostCacheContext, 11));
    hostCacheDecode = await measureDecode(hostCaches, cache, input.decodeSteps, 'prefill');
    progress(`decode at ${input.hostCacheContext} with the caches copied to the host each step: ${hostCacheDecode.tokensPerSec.toFixed(2)} tok/s`);
    await hostCaches.runner.release();
  }
  const profile = input.profile ? await profileDecode(input, input.profile) : null;
  return { device: model.device, ...(model.fallbackReason ? { fallbackReason: model.fallbackReason } : {}), ...switching, prefill, ttft, sequence, syntheticDecode, syntheticCache: syntheticCacheResult, hostCacheDecode, peakRssBytes: peak, profile };
}

servePhase(run);
