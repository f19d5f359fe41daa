/**
 * A scripted ApiBackend for server tests that need exact control (gates, failures, counters). Not an engine:
 * the real-engine tests are in api-server.engine.test.ts.
 */
import type { AppError } from '../contract/errors.ts';
import type { GenerationInput, GenerationMetrics, SamplingParams } from '../contract/domain.ts';
import type { ApiBackend, ApiGenerationEvent, ApiModel, ApiTokenCount } from './api-backend.ts';
import type { Result } from '../contract/errors.ts';

export const CHAT_MODEL: ApiModel = { id: 'chat-model', kind: 'instruct', created: 1_700_000_000 };
export const BASE_MODEL: ApiModel = { id: 'base-model', kind: 'base', created: 1_700_000_001 };

const WORDS = ['Hello', ' from', ' the', ' scripted', ' engine'];

function inputText(input: GenerationInput): string {
  return input.mode === 'chat' ? input.messages.map((m) => m.content).join(' ') : input.prompt;
}

function metrics(promptTokens: number, generatedTokens: number): GenerationMetrics {
  const cache = { globalKv: 0, slidingKv: 0, ssm: 0, conv: 0, meta: 0, total: 0 };
  return {
    promptTokens,
    generatedTokens,
    reusedTokens: 0,
    ttftMs: 1,
    prefillTokensPerSec: 1,
    decodeTokensPerSec: 1,
    cache,
    contextTokens: promptTokens + generatedTokens,
    maxContextTokens: 64,
    engineRssBytes: 0,
  };
}

export class ScriptedBackend implements ApiBackend {
  active: ApiModel | null = CHAT_MODEL;
  maxContextTokens = 64;
  /** Tokens a generation produces before finishing with 'stop' (unless maxTokens is smaller). */
  replyTokens = WORDS.length;
  /** When set, each generation waits for it before its first token. */
  gate: Promise<void> | undefined;
  /** When set, each generation fails with it after `failAfterTokens` tokens. */
  failure: AppError | undefined;
  failAfterTokens = 0;
  running = 0;
  maxRunning = 0;
  started = 0;
  cancelled = 0;
  readonly samplings: SamplingParams[] = [];
  readonly inputs: GenerationInput[] = [];

  async listModels(): Promise<readonly ApiModel[]> {
    return [CHAT_MODEL, BASE_MODEL];
  }

  async activeModel(): Promise<ApiModel | null> {
    return this.active;
  }

  /** One token per whitespace-separated word. */
  async countTokens(input: GenerationInput): Promise<Result<ApiTokenCount>> {
    const tokens = inputText(input).split(/\s+/).filter((w) => w.length > 0).length;
    return { ok: true, value: { tokens, maxContextTokens: this.maxContextTokens } };
  }

  async *generate(input: GenerationInput, sampling: SamplingParams, signal: AbortSignal): AsyncIterable<ApiGenerationEvent> {
    this.started += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.samplings.push(sampling);
    this.inputs.push(input);
    const promptTokens = (await this.countTokens(input)).ok ? inputText(input).split(/\s+/).length : 0;
    try {
      if (this.gate) await Promise.race([this.gate, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
      let text = '';
      const length = Math.min(this.replyTokens, sampling.maxTokens);
      for (let i = 0; i < length; i += 1) {
        if (this.failure && i === this.failAfterTokens) {
          yield { type: 'error', error: this.failure };
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (signal.aborted) {
          this.cancelled += 1;
          yield { type: 'done', finishReason: 'cancelled', text, metrics: metrics(promptTokens, i) };
          return;
        }
        const piece = WORDS[i % WORDS.length] ?? '';
        text += piece;
        yield { type: 'token', text: piece };
      }
      const finishReason = length < this.replyTokens ? 'length' : 'stop';
      yield { type: 'done', finishReason, text, metrics: metrics(promptTokens, length) };
    } finally {
      this.running -= 1;
    }
  }
}
