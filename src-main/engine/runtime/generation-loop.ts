/**
 * Generation as named steps (style A6): plan the prompt against the budget → resume from the longest snapshot
 * → prefill the rest in chunks → snapshot the prompt → loop { sample → stop checks → stream text → decode one
 * token } → snapshot the reply → metrics. Cancellation is checked before every chunk and every decode step,
 * and the loop yields to the event loop after each step so a cancel message is seen within one step.
 */
import type { ContextDrop, FinishReason, GenerationInput, GenerationMetrics, SamplingParams } from '../../contract/domain.ts';
import { AppFailure, err, ok, type Result } from '../../contract/errors.ts';
import type { CacheLayout } from './cache-layout.ts';
import { planPrompt } from './context-planner.ts';
import { IncrementalDetokenizer } from './incremental-detokenizer.ts';
import type { HybridCache } from './hybrid-cache.ts';
import type { HymbaForward } from './model-forward.ts';
import { randomSeed, seededRandom } from './prng.ts';
import { TokenSampler } from './sampler.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import { StopStringMatcher } from './stopping-criteria.ts';
import type { TextTokenizer } from './text-tokenizer.ts';

/** What the loop needs of a loaded model. */
export interface GenerationModel {
  readonly forward: HymbaForward;
  readonly tokenizer: TextTokenizer;
  readonly layout: CacheLayout;
  /** State after the meta tokens; every sequence starts from a fork of it. */
  readonly metaCache: HybridCache;
  readonly snapshots: SnapshotStore;
  readonly eosTokenIds: ReadonlySet<number>;
}

export interface GenerationRequest {
  readonly input: GenerationInput;
  readonly sampling: SamplingParams;
  readonly budgetBytes: number;
  readonly signal?: AbortSignal;
}

export interface GenerationCallbacks {
  onToken?(text: string, tokenId: number): void;
  onContextDrop?(drop: ContextDrop): void;
  onProgress?(metrics: GenerationMetrics): void;
  /** Called with the live cache after every step (for status and budget checks). */
  onCache?(cache: HybridCache): void;
}

export interface GenerationOutcome {
  readonly finishReason: FinishReason;
  readonly text: string;
  readonly tokenIds: readonly number[];
  readonly metrics: GenerationMetrics;
}

const PROGRESS_EVERY = 16;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class Cancelled extends Error {}

export async function generate(model: GenerationModel, request: GenerationRequest, callbacks: GenerationCallbacks = {}): Promise<Result<GenerationOutcome>> {
  const started = performance.now();
  const checkCancel = (): void => {
    if (request.signal?.aborted) throw new Cancelled();
  };

  // Step 1: plan the prompt against the budget (drops reported before any model work).
  const plan = planPrompt(request.input, (input) => model.tokenizer.encodeInput(input), model.layout, request.budgetBytes, request.sampling.maxTokens);
  if (!plan.ok) return plan;
  const { ids: promptIds, drop, maxPositions } = plan.value;
  if (drop) callbacks.onContextDrop?.(drop);

  const sampler = new TokenSampler(request.sampling, seededRandom(request.sampling.seed ?? randomSeed()));
  const detokenizer = new IncrementalDetokenizer((id) => model.tokenizer.tokenBytes(id), request.input.mode === 'chat');
  const stops = new StopStringMatcher(request.sampling.stop ?? []);
  const generatedIds: number[] = [];
  let text = '';
  let finishReason: FinishReason = 'length';
  let reusedTokens = 0;
  let prefillMs = 0;
  let firstTokenAt = 0;
  let decodeStartedAt = 0;
  let cache = model.metaCache.fork();
  let stoppedByString = false;
  /** Logits after the last fed position (kept for the reply snapshot). */
  let lastLogits: Float32Array | undefined;

  const metrics = (): GenerationMetrics => {
    const now = performance.now();
    const prefilled = promptIds.length - reusedTokens;
    const decodeSteps = Math.max(0, generatedIds.length - 1);
    const decodeMs = decodeStartedAt > 0 ? now - decodeStartedAt : 0;
    return {
      promptTokens: promptIds.length,
      generatedTokens: generatedIds.length,
      reusedTokens,
      ttftMs: firstTokenAt > 0 ? firstTokenAt - started : 0,
      prefillTokensPerSec: prefillMs > 0 ? (prefilled * 1000) / prefillMs : 0,
      decodeTokensPerSec: decodeMs > 0 ? (decodeSteps * 1000) / decodeMs : 0,
      cache: cache.bytes(),
      contextTokens: cache.positions,
      maxContextTokens: maxPositions,
      engineRssBytes: process.memoryUsage.rss(),
    };
  };

  try {
    // Step 2: resume from the longest snapshot of this prompt, then prefill the rest in chunks.
    const snapshot = model.snapshots.longestPrefix(promptIds);
    let logits: Float32Array;
    const prefillStart = performance.now();
    if (snapshot) {
      cache.release();
      cache = snapshot.cache.fork();
      reusedTokens = snapshot.tokens.length;
    }
    if (snapshot && snapshot.tokens.length === promptIds.length) logits = snapshot.logits.slice();
    else {
      const boundary = turnBoundary(model, plan.value.input, promptIds, reusedTokens);
      if (boundary > 0) {
        const boundaryLogits = await model.forward.prefill(cache, promptIds.slice(reusedTokens, boundary), checkCancel);
        model.snapshots.put(promptIds.slice(0, boundary), cache, boundaryLogits);
      }
      logits = await model.forward.prefill(cache, promptIds.slice(Math.max(boundary, reusedTokens)), checkCancel);
    }
    prefillMs = performance.now() - prefillStart;
    model.snapshots.put(promptIds, cache, logits.slice());
    lastLogits = logits.slice();
    callbacks.onCache?.(cache);
    callbacks.onProgress?.(metrics());

    // Step 3: the decode loop.
    const context = [...promptIds];
    for (;;) {
      checkCancel();
      const token = sampler.sample(logits, context);
      if (firstTokenAt === 0) firstTokenAt = performance.now();
      if (model.eosTokenIds.has(token)) {
        finishReason = 'stop';
        break;
      }
      generatedIds.push(token);
      context.push(token);
      const streamed = stops.push(detokenizer.push(token));
      if (streamed.emit.length > 0 || streamed.stopped) {
        text += streamed.emit;
        callbacks.onToken?.(streamed.emit, token);
      }
      if (streamed.stopped) {
        finishReason = 'stop';
        stoppedByString = true;
        break;
      }
      if (generatedIds.length >= request.sampling.maxTokens || cache.positions + 1 > maxPositions) {
        finishReason = 'length';
        break;
      }
      if (generatedIds.length % PROGRESS_EVERY === 0) callbacks.onProgress?.(metrics());
      await yieldToEventLoop();
      checkCancel();
      if (decodeStartedAt === 0) decodeStartedAt = performance.now();
      logits = await model.forward.step(cache, [token]);
      lastLogits = logits.slice();
      callbacks.onCache?.(cache);
    }
  } catch (caught) {
    if (!(caught instanceof Cancelled)) {
      cache.release();
      if (caught instanceof AppFailure) return err(caught.error);
      throw caught;
    }
    finishReason = 'cancelled';
  }

  // Step 4: flush held text, and snapshot the state after the reply (the next turn's prefix).
  if (!stoppedByString) {
    const tail = stops.push(detokenizer.flush());
    const rest = tail.emit + (tail.stopped ? '' : stops.flush());
    if (rest.length > 0) {
      text += rest;
      callbacks.onToken?.(rest, generatedIds[generatedIds.length - 1] ?? -1);
    }
  }
  if (finishReason !== 'cancelled' && lastLogits) {
    const fed = [...promptIds, ...generatedIds].slice(0, cache.positions - model.layout.numMetaTokens);
    model.snapshots.put(fed, cache, lastLogits);
  }
  const final = metrics();
  cache.release();
  return ok({ finishReason, text, tokenIds: generatedIds, metrics: final });
}

/**
 * Where the last user message starts in `ids` (a snapshot there lets an edit of that message resume), or 0
 * when there is no such boundary past the reused prefix with at least two tokens on each side.
 */
function turnBoundary(model: GenerationModel, input: GenerationInput, ids: readonly number[], reused: number): number {
  if (input.mode !== 'chat') return 0;
  const prefix = model.tokenizer.encodeTurnBoundary(input.messages);
  if (!prefix || prefix.length - reused < 2 || ids.length - prefix.length < 2) return 0;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== ids[i]) return 0;
  return prefix.length;
}
