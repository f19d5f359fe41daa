/**
 * The OpenAI response objects the server writes: chat.completion, chat.completion.chunk, text_completion
 * (whole and streamed), the model list, and usage. Plain builders over plain data.
 */
import { randomBytes } from 'node:crypto';
import type { FinishReason } from '../contract/domain.ts';
import type { ApiModel } from './api-backend.ts';
import type { ApiEndpoint } from './request-parsing.ts';

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** OpenAI knows 'stop' and 'length'; a generation cancelled by the app (not the client) reads as 'stop'. */
export type OpenAiFinishReason = 'stop' | 'length';

export const toOpenAiFinishReason = (reason: FinishReason): OpenAiFinishReason => (reason === 'length' ? 'length' : 'stop');

export const usage = (promptTokens: number, completionTokens: number): Usage => ({
  prompt_tokens: promptTokens,
  completion_tokens: completionTokens,
  total_tokens: promptTokens + completionTokens,
});

/** Identity shared by every object of one response. */
export interface ResponseIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export function newIdentity(endpoint: ApiEndpoint, model: string, nowMs: number = Date.now()): ResponseIdentity {
  const prefix = endpoint === 'chat' ? 'chatcmpl-' : 'cmpl-';
  return { id: prefix + randomBytes(12).toString('hex'), created: Math.floor(nowMs / 1000), model };
}

export function modelObject(model: ApiModel): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created, owned_by: 'hymba-desk', kind: model.kind };
}

export function modelList(models: readonly ApiModel[]): Record<string, unknown> {
  return { object: 'list', data: models.map(modelObject) };
}

/** The non-streamed reply. */
export function completionObject(
  endpoint: ApiEndpoint,
  identity: ResponseIdentity,
  text: string,
  finishReason: OpenAiFinishReason,
  counts: Usage,
): Record<string, unknown> {
  if (endpoint === 'chat') {
    return {
      ...identity,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finishReason }],
      usage: counts,
    };
  }
  return {
    ...identity,
    object: 'text_completion',
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
    usage: counts,
  };
}

/** The first chunk of a streamed chat (the assistant role); completions have none. */
export function roleChunk(identity: ResponseIdentity): Record<string, unknown> {
  return chatChunk(identity, { role: 'assistant', content: '' }, null);
}

/** One streamed piece of text, or the closing chunk (empty text, a finish reason). */
export function textChunk(
  endpoint: ApiEndpoint,
  identity: ResponseIdentity,
  text: string,
  finishReason: OpenAiFinishReason | null,
): Record<string, unknown> {
  if (endpoint === 'chat') return chatChunk(identity, finishReason === null ? { content: text } : {}, finishReason);
  return {
    ...identity,
    object: 'text_completion',
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
  };
}

/** The last chunk when stream_options.include_usage is set: no choices, only usage. */
export function usageChunk(endpoint: ApiEndpoint, identity: ResponseIdentity, counts: Usage): Record<string, unknown> {
  const object = endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  return { ...identity, object, choices: [], usage: counts };
}

function chatChunk(identity: ResponseIdentity, delta: Record<string, string>, finishReason: OpenAiFinishReason | null): Record<string, unknown> {
  return {
    ...identity,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}
