/**
 * One benchmark run, start to finish: machine description → workspace (synth + convert, cached) →
 * bandwidth probe → Hymba engine phase (child process) → Llama baseline phase (child process) → a second
 * bandwidth probe (the better of the two counts: both ran under the same shared load) → results files.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHymbaConfig } from '../../src-main/engine/runtime/package-reader.ts';
import { LLAMA_3_2_3B } from '../llama/llama-config.ts';
import type { LlamaPhaseInput, LlamaPhaseOutput } from '../llama/llama-phase.ts';
import { givenBandwidth, measureBandwidth, type BandwidthResult } from './bandwidth.ts';
import { runPhase } from './child-phase.ts';
import { phaseStore } from './phase-store.ts';
import type { HymbaPhaseInput, HymbaPhaseOutput } from './hymba-phase.ts';
import { describeMachine, loadAverage } from './machine.ts';
import { FULL_PLAN, QUICK_PLAN, type BenchOptions } from './plan.ts';
import { writeResults } from './report.ts';
import { assembleResults, type GpuReference } from './results.ts';
import { hymbaRooflines } from './roofline.ts';
import { prepareWorkspace } from './workspace.ts';

const HYMBA_PHASE = fileURLToPath(new URL('./hymba-phase.ts', import.meta.url));
const LLAMA_PHASE = fileURLToPath(new URL('../llama/llama-phase.ts', import.meta.url));
export const SOURCE_FILES_DIR = fileURLToPath(new URL('../../../shared/fixtures/hymba-1.5b-files/', import.meta.url));

const better = (a: BandwidthResult, b: BandwidthResult): BandwidthResult => (b.readGBps > a.readGBps ? b : a);

export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<string[]> {
  const startedAt = new Date();
  const basePlan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const plan = options.decodeSteps ? { ...basePlan, decodeSteps: options.decodeSteps, llamaDecodeSteps: options.decodeSteps } : basePlan;
  const machine = describeMachine();
  const threads = options.threads || machine.logicalCores;
  log(`${options.quick ? 'quick' : 'full'} run on ${machine.cpuModel} (${machine.logicalCores} cores, load ${machine.loadAverageStart.join('/')})`);

  const workspace = await prepareWorkspace(options.workDir, options.sourceDir, options.formats, log);
  const packageDir = workspace.packages.int4 ?? Object.values(workspace.packages)[0]!;
  const config = await readHymbaConfig(packageDir);
  if (!config.ok) throw new Error(config.error.message);
  const manifest = JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')) as { parameterCount: number; sizes: { dataBytes: number } };

  const probe = (): Promise<BandwidthResult> => (options.bandwidthGBps ? Promise.resolve(givenBandwidth(options.bandwidthGBps)) : measureBandwidth(join(options.workDir, 'bin'), threads));
  let bandwidth = await probe();
  log(`bandwidth: read ${bandwidth.readGBps.toFixed(2)} GB/s, triad ${bandwidth.triadGBps.toFixed(2)} GB/s (${bandwidth.probe})`);

  const hymbaInput: HymbaPhaseInput = {
    packageDir,
    switchPackageDir: workspace.switchPackageDir,
    device: options.device,
    threads,
    prefillLengths: plan.prefillLengths,
    prefillRepeats: plan.prefillRepeats,
    ttftPromptTokens: plan.ttftPromptTokens,
    ttftRepeats: plan.ttftRepeats,
    generateTokens: plan.generateTokens,
    cacheContexts: plan.cacheContexts,
    syntheticCacheContexts: plan.syntheticCacheContexts,
    decodeContexts: plan.decodeContexts,
    syntheticDecodeContexts: plan.syntheticDecodeContexts,
    decodeSteps: plan.decodeSteps,
    profile: plan.profile ? { ...plan.profile, dir: join(options.workDir, 'profiles') } : null,
    hostCacheContext: options.device === 'cpu' ? null : 512,
    allowCpuFallback: options.allowCpuFallback,
  };
  if (plan.profile) await mkdir(join(options.workDir, 'profiles'), { recursive: true });
  const phases = phaseStore(join(options.workDir, 'phases'), options.resume);
  const hymbaLog = (line: string) => log(`hymba: ${line}`);
  const hymba = await phases.run(HYMBA_PHASE, hymbaInput, () => runPhase<HymbaPhaseInput, HymbaPhaseOutput>(HYMBA_PHASE, hymbaInput, hymbaLog), hymbaLog);

  let llama: LlamaPhaseOutput | null = null;
  if (!options.skipLlama) {
    const llamaInput: LlamaPhaseInput = { modelPath: workspace.llama.modelPath, shape: LLAMA_3_2_3B, device: options.device, threads, decodeContexts: plan.llamaDecodeContexts, decodeSteps: plan.llamaDecodeSteps, prefillTokens: plan.llamaPrefillTokens, allowCpuFallback: options.allowCpuFallback };
    const llamaLog = (line: string) => log(`llama: ${line}`);
    llama = await phases.run(LLAMA_PHASE, llamaInput, () => runPhase<LlamaPhaseInput, LlamaPhaseOutput>(LLAMA_PHASE, llamaInput, llamaLog), llamaLog);
  }

  bandwidth = better(bandwidth, await probe());
  // The phases' raw outputs, kept so a report can be re-rendered without measuring again.
  await writeFile(join(options.workDir, `raw-${options.quick ? 'quick' : 'full'}.json`), JSON.stringify({ options, hymba, llama, bandwidth, machine, startedAt, built: workspace.built }));
  machine.loadAverageEnd = loadAverage();
  const results = assembleResults({
    kind: options.quick ? 'quick' : 'full',
    startedAt,
    command: options.command,
    machine,
    requestedDevice: options.device,
    threads,
    plan,
    bandwidth,
    rooflines: hymbaRooflines(config.value, bandwidth.readGBps),
    parameterCount: manifest.parameterCount,
    dataBytes: manifest.sizes.dataBytes,
    hymba,
    llama: llama ? { ...llama, shape: LLAMA_3_2_3B, weightBytesPerToken: workspace.llama.dataBytes } : null,
    workspaceBuilt: workspace.built,
    gpuReference: options.gpuReferencePath ? (JSON.parse(await readFile(options.gpuReferencePath, 'utf8')) as GpuReference) : null,
  });
  return writeResults(options.outDir, results);
}
