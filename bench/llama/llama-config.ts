/**
 * The Llama-3.2-3B shape used as the benchmark's baseline (issue 7): a plain GQA transformer with no SSM,
 * no meta tokens and no KV sharing. Weights are random; only the shapes matter for speed and cache size.
 */

export interface LlamaShape {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly intermediateSize: number;
  readonly ropeTheta: number;
  readonly rmsNormEps: number;
}

/** Llama-3.2-3B: 28 layers, 24 query heads, 8 KV heads, head dim 128, FFN 8192, vocab 128256, tied embeddings. */
export const LLAMA_3_2_3B: LlamaShape = {
  vocabSize: 128256,
  hiddenSize: 3072,
  numLayers: 28,
  numHeads: 24,
  numKvHeads: 8,
  headDim: 128,
  intermediateSize: 8192,
  ropeTheta: 500000,
  rmsNormEps: 1e-5,
};

/** Parameters of the shape (tied embedding counted once). */
export function llamaParameterCount(shape: LlamaShape): number {
  const { hiddenSize: d, numHeads: H, numKvHeads: Hkv, headDim: hd, intermediateSize: I, numLayers: n, vocabSize: V } = shape;
  const perLayer = d * (H * hd + 2 * Hkv * hd) + H * hd * d + 3 * d * I + 2 * d;
  return V * d + n * perLayer + d;
}

/** KV cache bytes per token over all layers (K and V, `bytesPerElement` each). */
export function llamaKvBytesPerToken(shape: LlamaShape, bytesPerElement: number): number {
  return 2 * shape.numLayers * shape.numKvHeads * shape.headDim * bytesPerElement;
}
