/**
 * What the OpenAI-compatible API server needs from the app: the installed models, the loaded one, a way to
 * count prompt tokens and a way to generate. The engine supervisor (services) or a plain EngineClient
 * (engine-backend.ts) adapts to this in a few lines; tests may use any object of this shape.
 */
import type { AppError, Result } from '../contract/errors.ts';
import type {
  ContextDrop,
  FinishReason,
  GenerationInput,
  GenerationMetrics,
  ModelKind,
  SamplingParams,
} from '../contract/domain.ts';

/** One model as the API lists it. */
export interface ApiModel {
  /** The `model` string clients send (the package id). */
  readonly id: string;
  readonly kind: ModelKind;
  /** Unix seconds (OpenAI's `created`): when the package was installed or built. */
  readonly created: number;
}

/** Prompt size against the budget of the loaded model (positions, meta tokens included). */
export interface ApiTokenCount {
  readonly tokens: number;
  readonly maxContextTokens: number;
}

/**
 * The events of one generation, in order: any number of `token` (and `contextDrop`, `progress` is not
 * needed), then exactly one `done` or `error`. A generation aborted through its signal ends with
 * `done` and finishReason 'cancelled', or with an error of code CANCELLED.
 */
export type ApiGenerationEvent =
  | { readonly type: 'token'; readonly text: string }
  | { readonly type: 'contextDrop'; readonly drop: ContextDrop }
  | { readonly type: 'done'; readonly finishReason: FinishReason; readonly text: string; readonly metrics: GenerationMetrics }
  | { readonly type: 'error'; readonly error: AppError };

export interface ApiBackend {
  /** Every installed model the API may name. */
  listModels(): Promise<readonly ApiModel[]>;
  /** The model loaded in the shared engine, or null when none is loaded. */
  activeModel(): Promise<ApiModel | null>;
  /** Counts the prompt tokens of an input for the loaded model (chat template applied for chat input). */
  countTokens(input: GenerationInput, signal: AbortSignal): Promise<Result<ApiTokenCount>>;
  /**
   * Generates with the loaded model. The iterable ends after `done` or `error`; aborting `signal` makes
   * the engine cancel within one decode step. Waiting behind the app's own chat happens inside.
   */
  generate(input: GenerationInput, sampling: SamplingParams, signal: AbortSignal): AsyncIterable<ApiGenerationEvent>;
}
