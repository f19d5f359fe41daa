/**
 * Domain types shared by every layer (engine, services, IPC, renderer, HTTP API). Pure data, no imports
 * beyond the contract itself, so the renderer can use them as types.
 */

export type ModelKind = 'base' | 'instruct';
export type WeightFormat = 'fp32' | 'fp16' | 'int4';
export type CacheDtype = 'float32' | 'float16';
export type DevicePreference = 'auto' | 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';
export type ExecutionDevice = Exclude<DevicePreference, 'auto'>;

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** What to generate from: a chat (Instruct models, chat template) or a plain completion (Base models). */
export type GenerationInput =
  | { readonly mode: 'chat'; readonly messages: readonly ChatMessage[] }
  | {
      readonly mode: 'completion';
      readonly prompt: string;
      /**
       * How `prompt` was assembled from a conversation (Base models): `transcriptPrompt(transcript)`. With it,
       * the oldest turns are dropped when the conversation outgrows the context, as chat messages are;
       * without it (API completions) an over-long prompt is refused.
       */
      readonly transcript?: CompletionTranscript;
    };

/** A Base-model conversation as text: a head that is always kept (the system prompt, may be empty) and its turns. */
export interface CompletionTranscript {
  readonly head: string;
  readonly turns: readonly string[];
}

/** The completion prompt of a transcript: the head (when not blank) and the turns, separated by blank lines. */
export function transcriptPrompt(transcript: CompletionTranscript): string {
  const head = transcript.head.trim();
  return [...(head ? [head] : []), ...transcript.turns].join('\n\n');
}

export interface SamplingParams {
  /** 0 means greedy. */
  readonly temperature: number;
  readonly topK: number; // 0 = off
  readonly topP: number; // 1 = off
  readonly minP: number; // 0 = off
  readonly repetitionPenalty: number; // 1 = off
  readonly maxTokens: number;
  readonly seed?: number;
  readonly stop?: readonly string[];
}

export const DEFAULT_SAMPLING: SamplingParams = {
  temperature: 0.7,
  topK: 40,
  topP: 0.95,
  minP: 0.05,
  repetitionPenalty: 1.1,
  maxTokens: 512,
};

/** Cache bytes by category (hymba-architecture §7). */
export interface CacheBreakdown {
  readonly globalKv: number;
  readonly slidingKv: number;
  readonly ssm: number;
  readonly conv: number;
  /** Of the KV bytes above, those holding the meta-token prefix. */
  readonly meta: number;
  readonly total: number;
}

export interface GenerationMetrics {
  readonly promptTokens: number;
  readonly generatedTokens: number;
  /** Tokens reused from a snapshot instead of being prefilled again. */
  readonly reusedTokens: number;
  readonly ttftMs: number;
  readonly prefillTokensPerSec: number;
  readonly decodeTokensPerSec: number;
  readonly cache: CacheBreakdown;
  /** Context positions in use (meta tokens included) and the largest that fits the budget. */
  readonly contextTokens: number;
  readonly maxContextTokens: number;
  readonly engineRssBytes: number;
}

export type FinishReason = 'stop' | 'length' | 'cancelled';

/** Reported when the conversation outgrew the budget and older turns were dropped before prefill. */
export interface ContextDrop {
  readonly droppedMessages: number;
  readonly droppedTokens: number;
  readonly reason: string;
}

export interface DeviceInfo {
  readonly device: ExecutionDevice;
  readonly available: boolean;
  /** Why it is unavailable, or notes on it. */
  readonly detail: string;
  /** It works, but through a software renderer (no GPU hardware seen): `auto` passes over it. */
  readonly softwareRenderer?: boolean;
}

/** What the engine reports about the model it has loaded. */
export interface LoadedModelInfo {
  readonly packageDir: string;
  readonly id: string;
  readonly displayName: string;
  readonly kind: ModelKind;
  readonly weightFormat: WeightFormat;
  readonly device: ExecutionDevice;
  /** Set when `auto` or the asked device could not be used. */
  readonly fallbackReason?: string;
  readonly loadMs: number;
}

/** Per-layer cache role for the model details view and `hymba info`. */
export interface CacheLayerInfo {
  readonly layer: number;
  readonly attention: 'global' | 'sliding';
  /** 'owner' computes and stores K/V; 'shared' reads the K/V of kvSourceLayer and stores none. */
  readonly kv: 'owner' | 'shared';
  readonly kvSourceLayer: number;
  readonly kvBytesPerToken: number;
  readonly stateBytes: number;
}
