/**
 * Opens a converted Hymba package for measurement the way runtime/loaded-model.ts does (same package
 * reader, tokenizer, device chain, session options, HymbaForward, meta prefix and warm-up step), but over
 * a MeasuringRunner so each run's time and cache outputs are visible, and optionally with
 * onnxruntime profiling or with caches copied to the host every run (the engine keeps them on a GPU).
 */
import * as ort from 'onnxruntime-node';
import type { DevicePreference, ExecutionDevice } from '../../src-main/contract/domain.ts';
import type { HymbaConfig } from '../../src-main/engine/config/hymba-config.ts';
import { cacheLayout, type CacheLayout } from '../../src-main/engine/runtime/cache-layout.ts';
import { createSessionWithFallback, listDevices, sessionOptions, type SessionIo } from '../../src-main/engine/runtime/devices.ts';
import type { GenerationModel } from '../../src-main/engine/runtime/generation-loop.ts';
import type { HybridCache } from '../../src-main/engine/runtime/hybrid-cache.ts';
import { cacheResidency, promptPlan } from '../../src-main/engine/runtime/loaded-model.ts';
import { HymbaForward } from '../../src-main/engine/runtime/model-forward.ts';
import { readRuntimePackage } from '../../src-main/engine/runtime/package-reader.ts';
import { SnapshotStore } from '../../src-main/engine/runtime/snapshot-store.ts';
import { TextTokenizer } from '../../src-main/engine/runtime/text-tokenizer.ts';
import { MeasuringRunner } from './measuring-runner.ts';

export interface OpenOptions {
  readonly device: DevicePreference;
  readonly threads: number;
  /** Writes an onnxruntime profile with this file prefix. */
  readonly profilePrefix?: string;
  /** Copy present_* outputs to the host after every run instead of keeping them on the GPU (as the engine does). */
  readonly hostCaches?: boolean;
  /** Let a GPU session place nodes its provider lacks on the CPU (the engine forbids this). */
  readonly allowCpuFallback?: boolean;
}

/** The engine's session options, with the CPU-fallback switch flipped when asked (GPU providers only). */
export function benchSessionOptions(device: ExecutionDevice, threads: number, allowCpuFallback: boolean, io: SessionIo = {}): ort.InferenceSession.SessionOptions {
  const base = sessionOptions(device, { threads, allowSpinning: false }, io);
  if (!allowCpuFallback || device === 'cpu') return base;
  const extra = (base.extra ?? {}) as { session?: Record<string, unknown> };
  return { ...base, extra: { ...extra, session: { ...extra.session, disable_cpu_ep_fallback: '0' } } };
}

export interface InstrumentedModel extends GenerationModel {
  readonly config: HymbaConfig;
  readonly layout: CacheLayout;
  readonly runner: MeasuringRunner;
  readonly device: ExecutionDevice;
  readonly fallbackReason?: string;
  /** A fresh snapshot store each time, so no measurement resumes from another's prompt. */
  withoutSnapshots(): GenerationModel;
}

export async function openInstrumented(packageDir: string, options: OpenOptions): Promise<InstrumentedModel> {
  const pkg = await readRuntimePackage(packageDir);
  if (!pkg.ok) throw new Error(`${pkg.error.code}: ${pkg.error.message}`);
  const { config, cacheDtype, modelPath, dir } = pkg.value;
  const tokenizer = await TextTokenizer.fromDir(dir);
  const devices = options.device === 'cpu' ? [] : await listDevices();
  const io = options.hostCaches ? {} : cacheResidency(pkg.value);
  const create = (device: ExecutionDevice): Promise<ort.InferenceSession> => {
    const base = benchSessionOptions(device, options.threads, options.allowCpuFallback === true, io);
    return ort.InferenceSession.create(modelPath, { ...base, ...(options.profilePrefix ? { enableProfiling: true, profileFilePrefix: options.profilePrefix } : {}) });
  };
  const { session, choice } = await createSessionWithFallback(options.device, create, devices);
  const runner = new MeasuringRunner(session);
  const plan = promptPlan(session.inputNames, choice.device);
  const forward = new HymbaForward(runner, config, cacheDtype, plan.prefillChunk, plan.ssmParallel);
  const metaCache: HybridCache = await forward.metaPrefix();
  const warmUp = metaCache.fork();
  await forward.step(warmUp, [config.bosTokenId]);
  warmUp.release();
  runner.take();
  const eos = new Set(config.eosTokenIds);
  if (tokenizer.eosTokenId !== null) eos.add(tokenizer.eosTokenId);
  const layout = cacheLayout(config, cacheDtype);
  const model: Omit<InstrumentedModel, 'withoutSnapshots'> = {
    config,
    layout,
    runner,
    forward,
    tokenizer,
    metaCache,
    snapshots: new SnapshotStore(6, config.slidingWindow),
    eosTokenIds: eos,
    device: choice.device,
    ...(choice.fallbackReason ? { fallbackReason: choice.fallbackReason } : {}),
  };
  return { ...model, withoutSnapshots: () => ({ ...model, snapshots: new SnapshotStore(6, config.slidingWindow) }) };
}

/** Deterministic ordinary token ids (3 … 31999: no BOS/EOS/PAD) for prompts of a given length. */
export function promptIds(count: number, seed: number): number[] {
  let x = (seed * 2654435761) >>> 0 || 1;
  return Array.from({ length: count }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return 3 + ((x >>> 0) % 31997);
  });
}
