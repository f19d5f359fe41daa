/**
 * Picks the next token from the last-position logits under SamplingParams: greedy when temperature is 0,
 * otherwise repetition penalty → temperature → top-k → min-p → top-p → a draw from a seeded generator.
 */
import type { SamplingParams } from '../../contract/domain.ts';
import {
  applyMinP,
  applyRepetitionPenalty,
  applyTopP,
  argmax,
  softmaxInPlace,
  topCandidates,
} from './logits-processors.ts';
import type { RandomSource } from './prng.ts';

/** How many of the most recent context tokens the repetition penalty looks at. */
export const REPETITION_WINDOW = 256;

export class TokenSampler {
  constructor(
    private readonly params: SamplingParams,
    private readonly random: RandomSource,
  ) {}

  /** `logits` [V] is modified in place; `context` is every token id so far (prompt and generated). */
  sample(logits: Float32Array, context: readonly number[]): number {
    applyRepetitionPenalty(logits, context.slice(-REPETITION_WINDOW), this.params.repetitionPenalty);
    if (this.params.temperature <= 0) return argmax(logits);
    let candidates = topCandidates(logits, this.params.temperature, this.params.topK, this.params.minP);
    softmaxInPlace(candidates);
    candidates = applyTopP(applyMinP(candidates, this.params.minP), this.params.topP);
    let total = 0;
    for (const c of candidates) total += c.value;
    let draw = this.random.next() * total;
    for (const c of candidates) {
      draw -= c.value;
      if (draw < 0) return c.id;
    }
    return candidates[candidates.length - 1]!.id;
  }
}
