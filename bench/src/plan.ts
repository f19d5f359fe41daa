/**
 * What a benchmark run measures: the full plan (issue 7's contexts) and the quick plan (same 1.5B layout,
 * fewer repetitions, shorter filled contexts; longer contexts read from synthetic caches of the exact shape).
 */
import type { DevicePreference, WeightFormat } from '../../src-main/contract/domain.ts';

export interface BenchOptions {
  readonly quick: boolean;
  readonly outDir: string;
  readonly workDir: string;
  readonly device: DevicePreference;
  readonly threads: number;
  readonly formats: readonly WeightFormat[];
  readonly skipLlama: boolean;
  /** Folder with the real config.json and tokenizer files (default ../shared/fixtures/hymba-1.5b-files). */
  readonly sourceDir: string;
  /** GPU sessions may run unsupported nodes on the CPU (off: the engine's rule). */
  readonly allowCpuFallback: boolean;
  /** Use this read bandwidth (GB/s) instead of probing the CPU's (GPU runs pass the GPU's). */
  readonly bandwidthGBps: number | null;
  /** Timed decode steps per measurement instead of the plan's (Hymba and Llama). */
  readonly decodeSteps: number | null;
  /** A PyTorch decode reference on the same GPU (torch_hymba_decode.py JSON): adds the GPU target. */
  readonly gpuReferencePath: string | null;
  /** Reuse phases a stopped run with the same inputs finished (work folder `phases/`). */
  readonly resume: boolean;
  /** The exact command line, recorded in the results. */
  readonly command: string;
}

export interface BenchPlan {
  readonly prefillLengths: readonly number[];
  readonly prefillRepeats: number;
  readonly ttftPromptTokens: number;
  readonly ttftRepeats: number;
  readonly generateTokens: number;
  /** Filled by real prefill: live cache read here. */
  readonly cacheContexts: readonly number[];
  /** Read from synthetic caches (no fill). */
  readonly syntheticCacheContexts: readonly number[];
  readonly decodeContexts: readonly number[];
  readonly syntheticDecodeContexts: readonly number[];
  readonly decodeSteps: number;
  readonly profile: { readonly context: number; readonly steps: number } | null;
  readonly llamaDecodeContexts: readonly number[];
  readonly llamaDecodeSteps: number;
  readonly llamaPrefillTokens: number;
  /** Context of the headline decode figure (tokens/s vs roofline). */
  readonly headlineDecodeContext: number;
}

/**
 * Full: prompts of 128 / 1024 / 4096 (1024 and 4096 are the first chunks of one long sequence, which is the
 * same sequence of chunked runs as a fresh prompt), decode at 512 / 4k / 8k, cache at 1k / 4k / 8k filled by
 * the model and 32k synthetic, Hymba decode at 8k also on a synthetic cache (the Llama baseline's method).
 */
export const FULL_PLAN: BenchPlan = {
  prefillLengths: [128],
  prefillRepeats: 1,
  ttftPromptTokens: 128,
  ttftRepeats: 1,
  generateTokens: 8,
  cacheContexts: [1024, 4096, 8192],
  syntheticCacheContexts: [32768],
  decodeContexts: [512, 4096, 8192],
  syntheticDecodeContexts: [8192],
  decodeSteps: 8,
  profile: { context: 128, steps: 4 },
  llamaDecodeContexts: [512, 8192],
  llamaDecodeSteps: 4,
  llamaPrefillTokens: 0,
  headlineDecodeContext: 512,
};

/** Quick: the real 1.5B and Llama shapes, filled to 1k only; 4k/8k/32k caches and 8k decode are synthetic. */
export const QUICK_PLAN: BenchPlan = {
  prefillLengths: [128],
  prefillRepeats: 1,
  ttftPromptTokens: 64,
  ttftRepeats: 1,
  generateTokens: 8,
  cacheContexts: [1024],
  syntheticCacheContexts: [4096, 8192, 32768],
  decodeContexts: [512],
  syntheticDecodeContexts: [8192],
  decodeSteps: 6,
  profile: { context: 4096, steps: 3 },
  llamaDecodeContexts: [8192],
  llamaDecodeSteps: 3,
  llamaPrefillTokens: 0,
  headlineDecodeContext: 512,
};

/** Prompt lengths whose prefill throughput comes from the long sequence (fresh-prompt equivalent). */
export const SEQUENCE_PREFILL_LENGTHS = [1024, 4096];
