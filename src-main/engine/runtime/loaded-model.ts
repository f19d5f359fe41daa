/**
 * Loading a model package for generation: device choice with fallback, the onnxruntime session, the
 * tokenizer, the meta-token prefix state (computed once; it also warms the session up) and one warm-up
 * decode step. On a GPU the caches stay in device memory between runs (`cacheResidency`). `release()` frees
 * the snapshots, the meta-prefix cache and the native session.
 */
import * as ort from 'onnxruntime-node';
import type { DevicePreference, ExecutionDevice, LoadedModelInfo } from '../../contract/domain.ts';
import { err, ok, toAppError, type Result } from '../../contract/errors.ts';
import { cacheLayout, type CacheLayout } from './cache-layout.ts';
import { cacheTensorSpecs, LOGITS, SSM_PARALLEL } from '../model/graph-io.ts';
import { createSessionWithFallback, listDevices, sessionOptions, type SessionIo, type SessionTuning } from './devices.ts';
import type { GenerationModel } from './generation-loop.ts';
import type { HybridCache, TensorMap } from './hybrid-cache.ts';
import { DEFAULT_PREFILL_CHUNK, HymbaForward, PARALLEL_SSM_PREFILL_CHUNK, type GraphRunner } from './model-forward.ts';
import { readRuntimePackage, type RuntimePackage } from './package-reader.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { TextTokenizer } from './text-tokenizer.ts';

/** Snapshots kept per loaded model (prompt and reply boundaries of the recent turns). */
export const SNAPSHOT_ENTRIES = 6;

export interface LoadOptions extends SessionTuning {
  readonly device: DevicePreference;
  readonly prefillChunk?: number;
}

export interface LoadedModel extends GenerationModel {
  readonly info: LoadedModelInfo;
  readonly pkg: RuntimePackage;
  readonly layout: CacheLayout;
  readonly metaCache: HybridCache;
  release(): Promise<void>;
}

class SessionRunner implements GraphRunner {
  constructor(private readonly session: ort.InferenceSession) {}

  async run(feeds: TensorMap): Promise<TensorMap> {
    return (await this.session.run(feeds)) as TensorMap;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * Caches stay on the device between runs (only ids in, last-position logits out) when the graph trims its
 * sliding caches itself; packages made before that keep them on the host, where the runtime trims.
 */
export function cacheResidency(pkg: RuntimePackage): SessionIo {
  if (!pkg.slidingCacheTrimmed) return {};
  const presents = cacheTensorSpecs(pkg.config).map((spec) => spec.present);
  return { deviceResidentOutputs: presents, outputNames: [LOGITS, ...presents] };
}

/**
 * How prompts run on a device: GPU providers (no Scan kernel) take the SSM of a prompt chunk in closed form,
 * in chunks of PARALLEL_SSM_PREFILL_CHUNK; the CPU keeps the Scan and DEFAULT_PREFILL_CHUNK. Graphs older than
 * the `ssm_parallel` input (graph-io.ts) run the Scan everywhere.
 */
export function promptPlan(graphInputs: readonly string[], device: ExecutionDevice, prefillChunk?: number): { readonly prefillChunk: number; readonly ssmParallel: boolean | null } {
  const ssmParallel = graphInputs.includes(SSM_PARALLEL) ? device !== 'cpu' : null;
  return { prefillChunk: prefillChunk ?? (ssmParallel ? PARALLEL_SSM_PREFILL_CHUNK : DEFAULT_PREFILL_CHUNK), ssmParallel };
}

export async function loadModel(packageDir: string, options: LoadOptions): Promise<Result<LoadedModel>> {
  const started = performance.now();
  const pkg = await readRuntimePackage(packageDir);
  if (!pkg.ok) return pkg;
  const { config, cacheDtype } = pkg.value;
  try {
    const tokenizer = await TextTokenizer.fromDir(pkg.value.dir);
    const devices = options.device === 'cpu' ? [] : await listDevices();
    const { session, choice } = await createSessionWithFallback(
      options.device,
      (device) => ort.InferenceSession.create(pkg.value.modelPath, sessionOptions(device, options, cacheResidency(pkg.value))),
      devices,
    );
    const plan = promptPlan(session.inputNames, choice.device, options.prefillChunk);
    const forward = new HymbaForward(new SessionRunner(session), config, cacheDtype, plan.prefillChunk, plan.ssmParallel);
    const metaCache = await forward.metaPrefix();
    const warmUp = metaCache.fork();
    await forward.step(warmUp, [config.bosTokenId]); // warm-up decode step, result discarded
    warmUp.release();
    const snapshots = new SnapshotStore(SNAPSHOT_ENTRIES, config.slidingWindow);
    const eos = new Set(config.eosTokenIds);
    if (tokenizer.eosTokenId !== null) eos.add(tokenizer.eosTokenId);
    const info: LoadedModelInfo = {
      packageDir: pkg.value.dir,
      id: pkg.value.id,
      displayName: pkg.value.displayName,
      kind: pkg.value.kind,
      weightFormat: pkg.value.weightFormat,
      device: choice.device,
      ...(choice.fallbackReason ? { fallbackReason: choice.fallbackReason } : {}),
      loadMs: performance.now() - started,
    };
    return ok({
      info,
      pkg: pkg.value,
      forward,
      tokenizer,
      layout: cacheLayout(config, cacheDtype),
      metaCache,
      snapshots,
      eosTokenIds: eos,
      release: () => {
        snapshots.clear();
        metaCache.release();
        return forward.release();
      },
    });
  } catch (caught) {
    return err(toAppError(caught, 'MODEL_INVALID'));
  }
}
