/**
 * The engine process protocol: what a host (Electron main through utilityProcess, or the plain-Node
 * server/CLI through child_process.fork) sends to the engine process and what comes back.
 *
 * Every request carries an id; every reply and streamed event carries the id of its request.
 * A request ends with exactly one `result`, `done` or `error` event. Errors are data (AppError).
 * `cancel` names the id of a running generate; the generate then ends with `done` and
 * finishReason 'cancelled' within one decode step (cancellation is not an error).
 *
 * `convert` turns a Hugging Face checkpoint folder into a model package (src-main/engine/package/convert.ts)
 * in the engine process, so the CPU-bound quantisation never runs on a host's event loop. It streams
 * `convertProgress` and ends with a `result` (ConvertedPackageInfo) or an `error`; a `cancel` naming it ends
 * it with an error CANCELLED once the partial output is removed.
 */
import type { AppError } from '../../contract/errors.ts';
import type {
  CacheBreakdown,
  ContextDrop,
  DeviceInfo,
  DevicePreference,
  FinishReason,
  GenerationInput,
  GenerationMetrics,
  LoadedModelInfo,
  SamplingParams,
  WeightFormat,
} from '../../contract/domain.ts';
import type { ConvertProgress } from '../package/convert.ts';

export interface EngineSettings {
  readonly device: DevicePreference;
  /** Intra-op threads; 0 = physical cores. */
  readonly threads: number;
  /** Memory budget for the cache, in bytes. */
  readonly cacheBudgetBytes: number;
  /** Let idle intra-op threads spin (faster on an idle machine, slower under contention). Default false. */
  readonly allowSpinning?: boolean;
}

/** The import's choices for a `convert` request. */
export interface ConvertSettings {
  /** Package id written into the manifest. */
  readonly id: string;
  readonly displayName: string;
  /** Absent: the converter's default weight format. */
  readonly dtype?: WeightFormat;
}

/** What a finished `convert` answers with. */
export interface ConvertedPackageInfo {
  /** The package folder (the request's outDir). */
  readonly dir: string;
  readonly packageId: string;
}

export type EngineRequest =
  | { readonly id: string; readonly type: 'load'; readonly packageDir: string; readonly settings: EngineSettings }
  | { readonly id: string; readonly type: 'unload' }
  | { readonly id: string; readonly type: 'configure'; readonly settings: Partial<EngineSettings> }
  | {
      readonly id: string;
      readonly type: 'generate';
      readonly input: GenerationInput;
      readonly sampling: SamplingParams;
      /**
       * Conversation whose snapshots may be reused (regenerate / edit last turn). Snapshots are matched by
       * token prefix, so reuse also works without a key; the key is informational.
       */
      readonly sessionKey?: string;
    }
  | { readonly id: string; readonly type: 'cancel'; readonly targetId: string }
  | { readonly id: string; readonly type: 'countTokens'; readonly input: GenerationInput }
  | { readonly id: string; readonly type: 'status' }
  | { readonly id: string; readonly type: 'devices' }
  | { readonly id: string; readonly type: 'convert'; readonly hfDir: string; readonly outDir: string; readonly options: ConvertSettings };

export interface EngineStatus {
  readonly model: LoadedModelInfo | null;
  readonly settings: EngineSettings;
  readonly busy: boolean;
  readonly rssBytes: number;
  readonly cache: CacheBreakdown;
  /** Largest context (positions, meta included) that fits the budget for the loaded model. */
  readonly maxContextTokens: number;
}

export interface TokenCount {
  readonly tokens: number;
  readonly maxContextTokens: number;
}

export type EngineEvent =
  | { readonly id: string; readonly type: 'token'; readonly text: string; readonly tokenId: number }
  | { readonly id: string; readonly type: 'contextDrop'; readonly drop: ContextDrop }
  | { readonly id: string; readonly type: 'progress'; readonly metrics: GenerationMetrics }
  | { readonly id: string; readonly type: 'convertProgress'; readonly progress: ConvertProgress }
  | { readonly id: string; readonly type: 'done'; readonly finishReason: FinishReason; readonly text: string; readonly metrics: GenerationMetrics }
  | { readonly id: string; readonly type: 'result'; readonly value: LoadedModelInfo | EngineStatus | TokenCount | readonly DeviceInfo[] | ConvertedPackageInfo | null }
  | { readonly id: string; readonly type: 'error'; readonly error: AppError };

/** Sent once by the engine process when it is ready for requests. */
export interface EngineReady {
  readonly type: 'ready';
  readonly pid: number;
}
