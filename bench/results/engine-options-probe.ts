/**
 * Session-option probe behind "After optimisation" in README.md: loads the bench's int4 package through
 * the engine's session options and HymbaForward, prefills PROMPT random tokens, decodes STEPS steps at the
 * filled ~1k cache and at synthetic 512 / 4096-token caches, and prints one JSON line with speeds and
 * VmHWM (peak RSS) after load, after prefill and at the end.
 *
 *   npx tsx bench/results/engine-options-probe.ts            # engine defaults
 *   CHUNK=256 ARENA=0 MEMPAT=0 SHRINK=1 THREADS=2 SPIN=1 EXTRA='{"disable_prepacking":"1"}' ...
 *   EXEC=parallel INTER=2                                     # onnxruntime's parallel executor (inter-op threads)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../../src-main/engine/runtime/devices.ts';
import { promptPlan } from '../../src-main/engine/runtime/loaded-model.ts';
import { DEFAULT_PREFILL_CHUNK, HymbaForward } from '../../src-main/engine/runtime/model-forward.ts';
import { readRuntimePackage } from '../../src-main/engine/runtime/package-reader.ts';
import type { HybridCache, TensorMap } from '../../src-main/engine/runtime/hybrid-cache.ts';
import { syntheticCacheAfter } from '../src/synthetic-cache.ts';

const env = process.env;
const statusGb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1e6;
const memory = (): string => ['VmRSS', 'RssAnon', 'RssFile'].map((k) => `${k}=${statusGb(k).toFixed(2)}`).join(' ');

const pkg = await readRuntimePackage(env.PKG ?? 'bench/work/packages/hymba-1.5b-int4');
if (!pkg.ok) throw new Error(pkg.error.message);
const { config, cacheDtype } = pkg.value;
const options = sessionOptions('cpu', { threads: Number(env.THREADS ?? 2), allowSpinning: env.SPIN === '1' });
if (env.ARENA === '0') options.enableCpuMemArena = false;
if (env.MEMPAT === '0') options.enableMemPattern = false;
if (env.EXEC === 'parallel') options.executionMode = 'parallel';
if (env.INTER) options.interOpNumThreads = Number(env.INTER);
if (env.EXTRA) Object.assign((options.extra as { session: Record<string, unknown> }).session, JSON.parse(env.EXTRA) as Record<string, unknown>);

const started = performance.now();
const session = await ort.InferenceSession.create(pkg.value.modelPath, options);
const runOptions = env.SHRINK === '1' ? ({ extra: { memory: { enable_memory_arena_shrinkage: 'cpu:0' } } } as ort.InferenceSession.RunOptions) : {};
const runner = { run: async (feeds: TensorMap) => (await session.run(feeds, runOptions)) as TensorMap, release: () => session.release() };
const forward = new HymbaForward(runner, config, cacheDtype, Number(env.CHUNK ?? DEFAULT_PREFILL_CHUNK), promptPlan(session.inputNames, 'cpu').ssmParallel);
const meta = await forward.metaPrefix();
await forward.step(meta.fork(), [config.bosTokenId]);
const loadS = (performance.now() - started) / 1000;
const hwmLoad = statusGb('VmHWM');
const afterLoad = memory();

let seed = 12345;
const nextId = (): number => 100 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 30000);
const prompt = Array.from({ length: Number(env.PROMPT ?? 1024) }, nextId);
const filled = meta.fork();
const prefillStart = performance.now();
await forward.prefill(filled, prompt);
const prefillTps = prompt.length / ((performance.now() - prefillStart) / 1000);
const hwmPrefill = statusGb('VmHWM');

/** Tokens per second of `steps` one-token steps, each on a fork of `cache` (one untimed step first). */
async function decode(cache: HybridCache, steps: number): Promise<number> {
  await forward.step(cache.fork(), [500]);
  const from = performance.now();
  for (let i = 0; i < steps; i++) await forward.step(cache.fork(), [600 + i]);
  return steps / ((performance.now() - from) / 1000);
}

/** Zero K/V of the exact shapes for `tokens` positions after the meta prefix. */
const synthetic = (tokens: number): HybridCache => syntheticCacheAfter(meta, config, cacheDtype, tokens);

const steps = Number(env.STEPS ?? 6);
const round = (x: number): number => Number(x.toFixed(2));
const decodeFilled1k = await decode(filled, steps);
const decode512 = await decode(synthetic(512), steps);
const decode4k = await decode(synthetic(4096), steps);
const chosen = Object.fromEntries(['CHUNK', 'ARENA', 'MEMPAT', 'SHRINK', 'THREADS', 'SPIN', 'EXTRA'].filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
console.log(JSON.stringify({
  options: chosen,
  loadS: round(loadS),
  prefillTps: round(prefillTps),
  decode512: round(decode512),
  decodeFilled1k: round(decodeFilled1k),
  decode4kSynthetic: round(decode4k),
  hwmGb: { load: hwmLoad, prefill: hwmPrefill, end: statusGb('VmHWM') },
  afterLoad,
  end: memory(),
  loadAverage: loadavg().map((x) => x.toFixed(2)).join(' '),
}));
await session.release();
