/**
 * Child process: the Llama-3.2-3B-shaped baseline. Loads the package through the engine's device chain,
 * measures decode at each context on a synthetic KV cache of the exact shape (filling 8k tokens of a 3B
 * model by prefill would dominate the run; decode cost depends only on the cache shape), reads the live
 * cache bytes there, and optionally times a short prefill to show the graph runs prompts too.
 */
import type { DevicePreference } from '../../src-main/contract/domain.ts';
import { servePhase } from '../src/child-phase.ts';
import { peakRssBytes } from '../src/machine.ts';
import { promptIds } from '../src/hymba-session.ts';
import type { LlamaShape } from './llama-config.ts';
import { LlamaCache, LlamaForward } from './llama-forward.ts';

export interface LlamaPhaseInput {
  readonly modelPath: string;
  readonly shape: LlamaShape;
  readonly device: DevicePreference;
  readonly threads: number;
  readonly decodeContexts: readonly number[];
  readonly decodeSteps: number;
  /** Tokens of a timed prefill from an empty cache (0 skips it). */
  readonly prefillTokens: number;
  readonly allowCpuFallback: boolean;
}

export interface LlamaDecode {
  readonly context: number;
  readonly steps: number;
  readonly msPerToken: number;
  readonly tokensPerSec: number;
  /** Live K/V bytes at `context` positions (before the timed steps). */
  readonly cacheBytes: number;
}

export interface LlamaPhaseOutput {
  readonly device: string;
  readonly loadMs: number;
  readonly decode: LlamaDecode[];
  readonly prefill: { readonly tokens: number; readonly tokensPerSec: number } | null;
  readonly peakRssBytes: number;
}

async function run(input: LlamaPhaseInput, progress: (line: string) => void): Promise<LlamaPhaseOutput> {
  const started = performance.now();
  const forward = await LlamaForward.load(input.modelPath, input.shape, input.device, input.threads, input.allowCpuFallback);
  const loadMs = performance.now() - started;
  progress(`llama loaded in ${(loadMs / 1000).toFixed(1)} s on ${forward.device}`);
  await forward.step(LlamaCache.filled(input.shape, 0), [1]); // warm-up
  const decode: LlamaDecode[] = [];
  for (const context of input.decodeContexts) {
    // small non-zero half-float K/V (bits 0x2000..0x23ff ≈ 0.0078..0.0137)
    const cache = LlamaCache.filled(input.shape, context, (i) => 0x2000 + (i % 1024));
    const cacheBytes = cache.bytes();
    const ids = promptIds(input.decodeSteps + 1, 3);
    await forward.step(cache, [ids[0]!]);
    const t = performance.now();
    for (let i = 1; i <= input.decodeSteps; i++) await forward.step(cache, [ids[i]!]);
    const ms = performance.now() - t;
    decode.push({ context, steps: input.decodeSteps, msPerToken: ms / input.decodeSteps, tokensPerSec: (input.decodeSteps * 1000) / ms, cacheBytes });
    progress(`llama decode at ${context}: ${decode.at(-1)!.tokensPerSec.toFixed(2)} tok/s, cache ${(cacheBytes / 1e6).toFixed(1)} MB`);
  }
  let prefill: LlamaPhaseOutput['prefill'] = null;
  if (input.prefillTokens > 0) {
    const t = performance.now();
    await forward.step(LlamaCache.filled(input.shape, 0), promptIds(input.prefillTokens, 4));
    prefill = { tokens: input.prefillTokens, tokensPerSec: (input.prefillTokens * 1000) / (performance.now() - t) };
    progress(`llama prefill ${input.prefillTokens}: ${prefill.tokensPerSec.toFixed(1)} tok/s`);
  }
  const peak = peakRssBytes();
  await forward.release();
  return { device: forward.device, loadMs, decode, prefill, peakRssBytes: peak };
}

servePhase(run);
