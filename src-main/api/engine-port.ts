/**
 * The engine operations the API backend uses, and adapters from the two engine handles in the code base:
 * the engine process client (engine/process EngineClient, used by CLI hosts) and the app's engine
 * supervisor (services/engine, used by Electron and `hymba serve`). Both adapters are structural, so
 * neither module has to know about the API.
 */
import type { AppError, Result } from '../contract/errors.ts';
import type { ContextDrop, FinishReason, GenerationInput, GenerationMetrics, SamplingParams } from '../contract/domain.ts';
import type { EngineStatus, TokenCount } from '../engine/process/protocol.ts';
import type { GenerationHandle, StreamEvent } from '../engine/process/engine-client.ts';

export type EngineStreamEvent = { readonly type: 'token'; readonly text: string } | { readonly type: 'contextDrop'; readonly drop: ContextDrop };

export interface EngineOutcome {
  readonly finishReason: FinishReason;
  readonly text: string;
  readonly metrics: GenerationMetrics;
}

export interface RunningGeneration {
  /** Settles once: the outcome ('cancelled' after cancel()), or the error. */
  readonly result: Promise<Result<EngineOutcome, AppError>>;
  cancel(): void;
}

export interface EnginePort {
  status(): Promise<Result<EngineStatus>>;
  countTokens(input: GenerationInput): Promise<Result<TokenCount>>;
  /** Starts a generation; streamed events go to `onEvent` until `result` settles. */
  generate(input: GenerationInput, sampling: SamplingParams, onEvent: (event: EngineStreamEvent) => void): RunningGeneration;
}

/** The part of engine/process EngineClient the port needs. */
export interface EngineClientLike {
  status(): Promise<Result<EngineStatus>>;
  countTokens(input: GenerationInput): Promise<Result<TokenCount>>;
  generate(input: GenerationInput, sampling: SamplingParams, onEvent?: (event: StreamEvent) => void): Pick<GenerationHandle, 'result' | 'cancel'>;
}

export function enginePortFromClient(client: EngineClientLike): EnginePort {
  return {
    status: () => client.status(),
    countTokens: (input) => client.countTokens(input),
    generate: (input, sampling, onEvent) => {
      const handle = client.generate(input, sampling, (event) => {
        if (event.type === 'token') onEvent({ type: 'token', text: event.text });
        else if (event.type === 'contextDrop') onEvent({ type: 'contextDrop', drop: event.drop });
      });
      return { result: handle.result, cancel: () => handle.cancel() };
    },
  };
}

/** The part of services/engine EngineSupervisor the port needs. */
export interface EngineSupervisorLike {
  status(): Promise<Result<EngineStatus>>;
  countTokens(input: GenerationInput): Promise<Result<TokenCount>>;
  generate(
    input: GenerationInput,
    sampling: SamplingParams,
    sessionKey: string,
    handlers: { onToken(text: string): void; onContextDrop(drop: ContextDrop): void; onProgress(metrics: GenerationMetrics): void },
  ): { readonly requestId: string; readonly done: Promise<Result<EngineOutcome>> };
  cancel(requestId: string): void;
}

/** Snapshot key for API generations: requests that resend a chat's history may reuse its prefix. */
export const API_SESSION_KEY = 'openai-api';

export function enginePortFromSupervisor(supervisor: EngineSupervisorLike): EnginePort {
  return {
    status: () => supervisor.status(),
    countTokens: (input) => supervisor.countTokens(input),
    generate: (input, sampling, onEvent) => {
      const { requestId, done } = supervisor.generate(input, sampling, API_SESSION_KEY, {
        onToken: (text) => onEvent({ type: 'token', text }),
        onContextDrop: (drop) => onEvent({ type: 'contextDrop', drop }),
        onProgress: () => undefined,
      });
      return { result: done, cancel: () => supervisor.cancel(requestId) };
    },
  };
}
