/**
 * Turns the client's sampling overrides into the engine's SamplingParams against the prompt's size:
 * unset values come from the app's defaults, and max_tokens is clamped to the room the budget leaves
 * (the reply then ends with finish_reason 'length'). A prompt that leaves no room is refused with
 * OpenAI's context_length_exceeded.
 */
import type { SamplingParams } from '../contract/domain.ts';
import { contextLengthExceeded, type ApiError } from './api-error.ts';
import type { ApiTokenCount } from './api-backend.ts';
import type { SamplingOverrides } from './request-parsing.ts';

export type SamplingResult = { readonly ok: true; readonly sampling: SamplingParams } | { readonly ok: false; readonly error: ApiError };

export function resolveSampling(defaults: SamplingParams, overrides: SamplingOverrides, count: ApiTokenCount): SamplingResult {
  const room = count.maxContextTokens - count.tokens;
  if (room < 1) {
    return {
      ok: false,
      error: contextLengthExceeded(
        `This model's maximum context length is ${count.maxContextTokens} tokens with the current memory budget. ` +
          `However, your prompt is ${count.tokens} tokens, which leaves no room for a reply. Shorten the prompt.`,
      ),
    };
  }
  const seed = overrides.seed ?? defaults.seed;
  const stop = overrides.stop ?? defaults.stop;
  return {
    ok: true,
    sampling: {
      temperature: overrides.temperature ?? defaults.temperature,
      topK: defaults.topK,
      topP: overrides.topP ?? defaults.topP,
      minP: defaults.minP,
      repetitionPenalty: defaults.repetitionPenalty,
      maxTokens: Math.min(overrides.maxTokens ?? defaults.maxTokens, room),
      ...(seed === undefined ? {} : { seed }),
      ...(stop === undefined ? {} : { stop }),
    },
  };
}
