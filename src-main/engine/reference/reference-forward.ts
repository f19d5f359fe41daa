/**
 * The float64 reference of the Hymba forward (hymba-architecture §3–§5), for tests of the ONNX
 * graph and runtime. Small models only: it is plain loops and keeps every weight in float64.
 *
 * Sequence layout: the M meta tokens take positions 0..M−1 and real token t takes M + t.
 *
 *   referenceForward   no-cache forward over a whole sequence: sliding layers see q − kv ≤ window
 *                      (default W, the official full-sequence rule; W − 1 gives what token-by-token
 *                      decoding computes) or kv < M. Logits for every real position.
 *   referenceGreedy    the official generate() flow: a prefill (window W, meta tokens prepended) then
 *                      one-token cached steps (window W − 1: sliding caches are trimmed to the first M
 *                      plus the last W − 1 entries before the new one is appended, so they hold M + W).
 */
import { argmax, linear, rmsNorm } from './reference-math.ts';
import { initialLayerStates, layerStep, type LayerState, type WindowRule } from './reference-layer.ts';
import type { ReferenceModel } from './reference-weights.ts';

export interface ForwardOptions {
  /** Sliding window used for every position (default config.slidingWindow). */
  readonly window?: number;
  /** Also return every layer's input and the final-norm output for every position, meta included. */
  readonly hiddenStates?: boolean;
}

export interface ForwardResult {
  /** One row [V] per real token. */
  readonly logits: Float64Array[];
  /** When asked: [numLayers + 1][M + n] rows of [d] (layer inputs, then the final-norm output). */
  readonly hiddenStates?: Float64Array[][];
}

/** A running sequence with its caches: feed tokens as a prefill or as cached decode steps. */
export class ReferenceSession {
  private readonly states: LayerState[];
  private nextPosition = 0;
  private readonly collected: Float64Array[][] | undefined;

  constructor(
    private readonly model: ReferenceModel,
    options: { hiddenStates?: boolean } = {},
  ) {
    this.states = initialLayerStates(model.config);
    this.collected = options.hiddenStates ? Array.from({ length: model.config.numLayers + 1 }, () => []) : undefined;
  }

  /** Hidden states collected so far (when the session was created with hiddenStates). */
  get hiddenStates(): Float64Array[][] | undefined {
    return this.collected;
  }

  /** Position the next token will take (layer 0's cache length in the official code). */
  get position(): number {
    return this.nextPosition;
  }

  /** KV cache length per layer (0 for KV consumers), as the fixture records it. */
  kvCacheLengths(): number[] {
    return this.states.map((s) => s.kv?.keys.length ?? 0);
  }

  /**
   * First call of a sequence: prepends the meta tokens and runs every position with `window`
   * (default W) and no trimming. Returns logits for every real token.
   */
  prefill(tokenIds: readonly number[], window = this.model.config.slidingWindow): Float64Array[] {
    if (this.nextPosition !== 0) throw new Error('prefill must be the first call of a session');
    const { metaTokens } = this.model;
    const rule: WindowRule = { window, trimSlidingCache: false };
    for (let m = 0; m < metaTokens.rows; m++) this.run(metaTokens.data.slice(m * metaTokens.cols, (m + 1) * metaTokens.cols), rule);
    return tokenIds.map((id) => this.logits(this.run(this.embedding(id), rule)));
  }

  /** One cached decode step (official rule: trim sliding caches, window W − 1). Returns its logits. */
  decode(tokenId: number): Float64Array {
    if (this.nextPosition === 0) throw new Error('decode needs a prefill first');
    return this.logits(this.run(this.embedding(tokenId), { window: this.model.config.slidingWindow - 1, trimSlidingCache: true }));
  }

  private embedding(id: number): Float64Array {
    const { embed } = this.model;
    if (!Number.isInteger(id) || id < 0 || id >= embed.rows) throw new Error(`token id ${id} is outside the vocabulary 0..${embed.rows - 1}`);
    return embed.data.slice(id * embed.cols, (id + 1) * embed.cols);
  }

  /** Runs one position through every layer and the final norm. */
  private run(input: Float64Array, rule: WindowRule): Float64Array {
    const position = this.nextPosition++;
    let h = input;
    for (let layer = 0; layer < this.model.config.numLayers; layer++) {
      this.collected?.[layer]!.push(h);
      h = layerStep(this.model, layer, this.states, h, position, rule);
    }
    const final = rmsNorm(h, this.model.finalNorm, this.model.config.rmsNormEps);
    this.collected?.[this.model.config.numLayers]!.push(final);
    return final;
  }

  private logits(final: Float64Array): Float64Array {
    return linear(this.model.lmHead, final);
  }
}

/** No-cache forward over a token sequence (meta tokens prepended); logits for every real position. */
export function referenceForward(model: ReferenceModel, tokenIds: readonly number[], options: ForwardOptions = {}): ForwardResult {
  const session = new ReferenceSession(model, { hiddenStates: options.hiddenStates === true });
  const logits = session.prefill(tokenIds, options.window ?? model.config.slidingWindow);
  return session.hiddenStates ? { logits, hiddenStates: session.hiddenStates } : { logits };
}

export interface GreedyResult {
  /** tokens[k] = argmax(logits[k]); row 0 comes from the prefill, rows 1.. from cached steps. */
  readonly tokens: number[];
  readonly logits: Float64Array[];
  /** KV cache length per layer after each row (consumers 0). */
  readonly kvCacheLengths: number[][];
}

/** Official-style greedy generation of `steps` tokens: prefill, then steps − 1 cached decode steps. */
export function referenceGreedy(model: ReferenceModel, promptIds: readonly number[], steps: number): GreedyResult {
  if (promptIds.length === 0) throw new Error('the prompt needs at least one token');
  const session = new ReferenceSession(model);
  const prefill = session.prefill(promptIds);
  const logits = [prefill[prefill.length - 1]!];
  const tokens = [argmax(logits[0]!)];
  const kvCacheLengths = [session.kvCacheLengths()];
  while (tokens.length < steps) {
    const row = session.decode(tokens[tokens.length - 1]!);
    logits.push(row);
    tokens.push(argmax(row));
    kvCacheLengths.push(session.kvCacheLengths());
  }
  return { tokens, logits, kvCacheLengths };
}
