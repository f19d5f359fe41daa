/**
 * Logits processors: each takes the raw last-position logits and narrows or reshapes them before sampling.
 * They run in a fixed order (see `sampler.ts`): repetition penalty, temperature, top-k, then probabilities
 * with min-p and top-p.
 */

/** A candidate token with its (processed) logit or probability. */
export interface Candidate {
  readonly id: number;
  value: number;
}

/**
 * HF-style repetition penalty over the ids in `recent`: a positive logit is divided by `penalty`, a
 * negative one multiplied. Applied in place; each id once.
 */
export function applyRepetitionPenalty(logits: Float32Array, recent: readonly number[], penalty: number): void {
  if (penalty === 1) return;
  const seen = new Set<number>();
  for (const id of recent) {
    if (seen.has(id) || id < 0 || id >= logits.length) continue;
    seen.add(id);
    const v = logits[id]!;
    logits[id] = v > 0 ? v / penalty : v * penalty;
  }
}

/** Index of the largest logit (lowest index on ties). */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/**
 * Candidates after temperature and top-k, sorted by descending logit. With top-k off, tokens whose
 * probability is below e^-30 of the best token's are left out (they can never be drawn in float32 anyway).
 */
export function topCandidates(logits: Float32Array, temperature: number, topK: number): Candidate[] {
  const scaled = (v: number): number => v / temperature;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  const floor = max - 30 * temperature;
  let candidates: Candidate[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i]! >= floor) candidates.push({ id: i, value: scaled(logits[i]!) });
  candidates.sort((x, y) => y.value - x.value || x.id - y.id);
  if (topK > 0 && candidates.length > topK) candidates = candidates.slice(0, topK);
  return candidates;
}

/** Replaces logits by softmax probabilities (candidates sorted, descending). */
export function softmaxInPlace(candidates: Candidate[]): void {
  const max = candidates[0]?.value ?? 0;
  let sum = 0;
  for (const c of candidates) {
    c.value = Math.exp(c.value - max);
    sum += c.value;
  }
  for (const c of candidates) c.value /= sum;
}

/** Keeps tokens whose probability is at least minP times the top token's. */
export function applyMinP(candidates: Candidate[], minP: number): Candidate[] {
  if (minP <= 0 || candidates.length === 0) return candidates;
  const threshold = candidates[0]!.value * minP;
  return candidates.filter((c) => c.value >= threshold);
}

/** Keeps the smallest prefix whose probability mass reaches topP (at least one token). */
export function applyTopP(candidates: Candidate[], topP: number): Candidate[] {
  if (topP >= 1) return candidates;
  let mass = 0;
  for (let i = 0; i < candidates.length; i++) {
    mass += candidates[i]!.value;
    if (mass >= topP) return candidates.slice(0, i + 1);
  }
  return candidates;
}
