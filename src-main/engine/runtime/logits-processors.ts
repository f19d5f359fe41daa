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
 * Candidates after temperature and top-k, sorted by descending logit (ties: lower id first). With top-k off,
 * tokens whose probability is below e^-30 of the best token's are left out (they can never be drawn in
 * float32 anyway), and with min-p on, tokens below its threshold are dropped before sorting. With top-k on, a bounded sorted insert keeps the k best in one pass over the vocabulary.
 */
export function topCandidates(logits: Float32Array, temperature: number, topK: number, minP = 0): Candidate[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  // min-p in logit space: p >= minP · p_max  ⇔  logit >= max + T · ln(minP) (same tokens, found before sorting)
  const floor = Math.max(max - 30 * temperature, minP > 0 ? max + temperature * Math.log(minP) : -Infinity);
  const kept: Candidate[] = [];
  if (topK <= 0) {
    for (let i = 0; i < logits.length; i++) if (logits[i]! >= floor) kept.push({ id: i, value: logits[i]! });
    kept.sort((x, y) => y.value - x.value || x.id - y.id);
  } else {
    insertTopK(logits, floor, topK, kept);
  }
  for (const c of kept) c.value /= temperature;
  return kept;
}

/** One pass keeping the k largest logits >= floor in `kept`, sorted descending (stable on ties). */
function insertTopK(logits: Float32Array, floor: number, k: number, kept: Candidate[]): void {
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v < floor) continue;
    if (kept.length === k && v <= kept[k - 1]!.value) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid]!.value >= v) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, { id: i, value: v });
    if (kept.length > k) kept.pop();
  }
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
