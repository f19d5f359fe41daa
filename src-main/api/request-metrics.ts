/**
 * What the server reports once per generation request (chat or completion), so the dashboard can list API
 * requests beside the app's own chats. Pure data; the shape is meant to move into src-main/contract when
 * the dashboard shows it.
 */
import type { FinishReason, GenerationMetrics } from '../contract/domain.ts';
import type { ApiEndpoint } from './request-parsing.ts';

/**
 * completed: the reply was sent in full. cancelled: the client went away (queued or generating).
 * rejected: refused before generating (4xx, 429 included). failed: the engine or backend failed (5xx,
 * or an error event inside a stream that had started).
 */
export type ApiRequestOutcome = 'completed' | 'cancelled' | 'rejected' | 'failed';

export interface ApiRequestMetrics {
  /** The response id (chatcmpl-… / cmpl-…), or a request id when refused before one existed. */
  readonly requestId: string;
  readonly endpoint: ApiEndpoint;
  /** The model the client named ('' when the body had none). */
  readonly model: string;
  readonly stream: boolean;
  /** HTTP status sent; 0 when the client left before any reply. */
  readonly status: number;
  readonly outcome: ApiRequestOutcome;
  readonly finishReason?: FinishReason;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Epoch milliseconds when the request arrived. */
  readonly startedAt: number;
  /** Time spent waiting for the shared engine. */
  readonly queuedMs: number;
  /** Arrival to last byte. */
  readonly totalMs: number;
  /** The engine's own numbers (ttft, tokens/s, cache) when a generation ran to its end. */
  readonly generation?: GenerationMetrics;
  /** The error message for rejected and failed requests. */
  readonly error?: string;
}

export type RequestMetricsListener = (metrics: ApiRequestMetrics) => void;
