/**
 * The engine's own path on a GPU against the CPU, on one package: loadModel (device chain, GPU-resident
 * caches), HymbaForward prefill and teacher-forced decode steps past M + W positions, so the in-graph
 * sliding trim, the host-side SSM scan of prompt chunks and the one-token GPU step are all exercised.
 * Reports per-device decode speed and the logit agreement of every step; writes one JSON object.
 * Run it on an int4 package converted with `--int4-accuracy 0` for an exactness check: at accuracy level 4
 * (the default) the CPU and WebGPU MatMulNBits kernels each quantize activations to int8 their own way, so
 * logits differ by that quantization (measured on lavapipe: about 0.7 on random weights, 1e-3 at level 0).
 *
 * Usage: npx tsx bench/gpu/device-agreement.ts <package> --device webgpu [--prompt 1100] [--steps 64] [--out f.json]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExecutionDevice } from '../../src-main/contract/domain.ts';
import { cacheBytesAt, slidingCapacity } from '../../src-main/engine/runtime/cache-layout.ts';
import { loadModel } from '../../src-main/engine/runtime/loaded-model.ts';
import { promptIds } from '../src/hymba-session.ts';

interface DeviceRun {
  readonly device: string;
  readonly fallbackReason?: string;
  readonly loadMs: number;
  readonly prefillMs: number;
  readonly decodeMsPerToken: number;
  /** Logits [V] after the prompt, then after each decode step. */
  readonly logits: Float32Array[];
  readonly slidingEntries: number;
  readonly cacheBytes: number;
  readonly formulaBytes: number;
}

async function runOn(packageDir: string, device: ExecutionDevice, prompt: readonly number[], steps: readonly number[]): Promise<DeviceRun> {
  const loaded = await loadModel(packageDir, { device, threads: 0, allowSpinning: false });
  if (!loaded.ok) throw new Error(`${device}: ${loaded.error.message}`);
  const model = loaded.value;
  try {
    const cache = model.metaCache.fork();
    const prefillStart = performance.now();
    const logits = [await model.forward.prefill(cache, prompt)];
    const prefillMs = performance.now() - prefillStart;
    const decodeStart = performance.now();
    for (const id of steps) logits.push(await model.forward.step(cache, [id]));
    const decodeMs = performance.now() - decodeStart;
    let slidingEntries = 0;
    for (const [layer, length] of cache.kvLengths()) if (model.pkg.config.layers[layer]?.attention === 'sliding') slidingEntries = Math.max(slidingEntries, length);
    const run: DeviceRun = {
      device: model.info.device,
      ...(model.info.fallbackReason ? { fallbackReason: model.info.fallbackReason } : {}),
      loadMs: model.info.loadMs,
      prefillMs,
      decodeMsPerToken: decodeMs / steps.length,
      logits,
      slidingEntries,
      cacheBytes: cache.bytes().total,
      formulaBytes: cacheBytesAt(model.layout, cache.positions - model.layout.numMetaTokens).total,
    };
    if (slidingEntries > slidingCapacity(model.layout)) throw new Error(`${device}: a sliding cache holds ${slidingEntries} entries`);
    cache.release();
    return run;
  } finally {
    await model.release();
  }
}

const argmax = (x: Float32Array): number => x.reduce((best, v, i) => (v > x[best]! ? i : best), 0);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { device: { type: 'string', default: 'webgpu' }, prompt: { type: 'string', default: '1100' }, steps: { type: 'string', default: '64' }, out: { type: 'string' } },
  });
  const packageDir = positionals[0];
  if (!packageDir) throw new Error('usage: device-agreement.ts <package> --device webgpu [--prompt N] [--steps N] [--out file]');
  const prompt = promptIds(Number(values.prompt), 5);
  const steps = promptIds(Number(values.steps), 6);
  const reference = await runOn(packageDir, 'cpu', prompt, steps);
  const candidate = await runOn(packageDir, values.device as ExecutionDevice, prompt, steps);
  let maxAbs = 0;
  let scale = 0;
  let top1 = 0;
  reference.logits.forEach((ref, i) => {
    const other = candidate.logits[i]!;
    for (let j = 0; j < ref.length; j++) {
      maxAbs = Math.max(maxAbs, Math.abs(ref[j]! - other[j]!));
      scale = Math.max(scale, Math.abs(ref[j]!));
    }
    if (argmax(ref) === argmax(other)) top1 += 1;
  });
  const summary = (run: DeviceRun) => ({ ...run, logits: undefined, decodeTokensPerSec: 1000 / run.decodeMsPerToken, prefillTokensPerSec: (prompt.length * 1000) / run.prefillMs });
  const manifest = JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')) as { weightFormat: string; int4?: { accuracyLevel: number } };
  const result = {
    packageDir,
    weightFormat: manifest.weightFormat,
    // 4: both providers quantize activations to int8 per block, each its own way; 0: float activations (exactness check).
    int4AccuracyLevel: manifest.int4?.accuracyLevel ?? null,
    promptTokens: prompt.length,
    decodeSteps: steps.length,
    comparedPositions: reference.logits.length,
    maxAbsLogitDiff: maxAbs,
    maxAbsLogit: scale,
    top1Agreement: top1 / reference.logits.length,
    cpu: summary(reference),
    [values.device as string]: summary(candidate),
  };
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  if (values.out) await writeFile(values.out, `${text}\n`);
}

await main();
