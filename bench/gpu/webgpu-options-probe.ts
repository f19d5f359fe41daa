/**
 * WebGPU session-option probe: one package, one variant, a fresh session through the engine's session options
 * (caches resident, prompt plan for the device) with one change: intra-op threads for the host-side index
 * math or the WebGPU EP's validation mode. Each variant: meta prefix, a PROMPT-token prefill,
 * one untimed and STEPS timed decode steps; prints one JSON line (load s, prefill tok/s, decode tok/s).
 * `--contexts 512,8192` adds decode at those contexts on synthetic caches (zero tensors of the exact shapes,
 * absorbed by HybridCache as the benchmark's synthetic rows are), for bench/gpu/run-on-device.sh's ROUNDS;
 * `--label` names the line there (default: the variant), e.g. to tell two packages apart.
 * The WebGPU device (and with it the validation mode) is created once per process, so run one variant per
 * process, as bench/gpu/run-on-device.sh does.
 *
 *   npx tsx bench/gpu/webgpu-options-probe.ts <package> --variant engine|validationBasic|validationWgpuOnly|hostThreads|before
 *                                             [--threads N (0: onnxruntime's default)] [--prompt 512] [--steps 48]
 *                                             [--contexts 512,8192] [--label name]
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../../src-main/engine/runtime/devices.ts';
import { cacheResidency, promptPlan } from '../../src-main/engine/runtime/loaded-model.ts';
import { HymbaForward, type GraphRunner } from '../../src-main/engine/runtime/model-forward.ts';
import { readRuntimePackage } from '../../src-main/engine/runtime/package-reader.ts';
import type { HybridCache, TensorMap } from '../../src-main/engine/runtime/hybrid-cache.ts';
import { syntheticCacheAfter } from '../src/synthetic-cache.ts';
import { promptIds } from '../src/hymba-session.ts';

type Options = ort.InferenceSession.SessionOptions;
const withEp = (o: Options, ep: Record<string, unknown>): Options => ({ ...o, executionProviders: [{ name: 'webgpu', ...ep } as ort.InferenceSession.ExecutionProviderConfig] });
/** Variants of the engine's WebGPU options (devices.ts: validation disabled, one host thread). */
const VARIANTS: Record<string, (o: Options, threads: number) => Options> = {
  engine: (o) => o,
  validationBasic: (o) => withEp(o, { validationMode: 'basic' }),
  validationWgpuOnly: (o) => withEp(o, { validationMode: 'wgpuOnly' }),
  hostThreads: (o, threads) => ({ ...o, intraOpNumThreads: threads }),
  // The engine's options before this probe: ORT's default validation and the CPU's thread count.
  before: (o, threads) => withEp({ ...o, intraOpNumThreads: threads }, { validationMode: 'basic' }),
};

const { values, positionals } = parseArgs({ allowPositionals: true, options: { prompt: { type: 'string', default: '512' }, steps: { type: 'string', default: '48' }, variant: { type: 'string', default: 'engine' }, threads: { type: 'string', default: '0' }, contexts: { type: 'string', default: '' }, label: { type: 'string' } } });
const pkg = await readRuntimePackage(positionals[0] ?? 'bench/work/packages/hymba-1.5b-int4');
if (!pkg.ok) throw new Error(pkg.error.message);
const { config, cacheDtype, modelPath } = pkg.value;
const prompt = promptIds(Number(values.prompt), 5);
const steps = Number(values.steps);
const contexts = values.contexts ? values.contexts.split(',').map(Number) : [];

/** One untimed step (it moves a synthetic cache onto the device), then `steps` timed ones: tok/s. */
async function timedDecode(forward: HymbaForward, cache: HybridCache): Promise<number> {
  const ids = promptIds(steps + 1, 6);
  await forward.step(cache, [ids[0]!]);
  const started = performance.now();
  for (let i = 1; i <= steps; i++) await forward.step(cache, [ids[i]!]);
  return steps / ((performance.now() - started) / 1000);
}

for (const name of [values.variant]) {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`unknown variant ${name}`);
  const options = variant(sessionOptions('webgpu', { threads: 1, allowSpinning: false }, cacheResidency(pkg.value)), Number(values.threads));
  try {
    const started = performance.now();
    const session = await ort.InferenceSession.create(modelPath, options);
    const runner: GraphRunner = { run: async (feeds: TensorMap) => (await session.run(feeds)) as TensorMap, release: () => session.release() };
    const plan = promptPlan(session.inputNames, 'webgpu');
    const forward = new HymbaForward(runner, config, cacheDtype, plan.prefillChunk, plan.ssmParallel);
    const meta = await forward.metaPrefix();
    const loadS = (performance.now() - started) / 1000;
    const cache = meta.fork();
    const prefillStart = performance.now();
    await forward.prefill(cache, prompt);
    const prefillTps = prompt.length / ((performance.now() - prefillStart) / 1000);
    const context = cache.positions - config.numMetaTokens;
    const decodeTps = await timedDecode(forward, cache);
    cache.release();
    const synthetic: Record<string, number> = {};
    for (const tokens of contexts) {
      const filled = syntheticCacheAfter(meta, config, cacheDtype, tokens);
      synthetic[tokens] = +(await timedDecode(forward, filled)).toFixed(2);
      filled.release();
    }
    console.log(JSON.stringify({ variant: name, ...(values.label ? { label: values.label } : {}), loadS: +loadS.toFixed(2), prefillTps: +prefillTps.toFixed(1), decodeTps: +decodeTps.toFixed(2), context, ...(contexts.length > 0 ? { synthetic } : {}) }));
    meta.release();
    await forward.release();
  } catch (caught) {
    console.log(JSON.stringify({ variant: name, error: caught instanceof Error ? caught.message : String(caught) }));
  }
}
