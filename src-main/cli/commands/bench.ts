/**
 * `hymba bench`: the benchmark of issue 7 (bench/): speed, cache and memory of the real 1.5B layout with
 * random weights, against the machine's memory-bandwidth roofline and a Llama-3.2-3B-shaped baseline.
 * Writes JSON, Markdown and SVG charts into the results folder. Not part of `npm test`.
 */
import { resolve } from 'node:path';
import type { DevicePreference, WeightFormat } from '../../contract/domain.ts';
import { runBench, SOURCE_FILES_DIR } from '../../../bench/src/run-bench.ts';
import { intFlag, parseCliArgs } from '../args.ts';
import { DEVICES } from './generate.ts';
import type { CliCommand } from '../cli-command.ts';

const USAGE = `Usage: hymba bench [--quick] [--out bench/results] [--device cpu|webgpu|cuda|auto] [--threads N] [--work bench/work] [--formats int4[,fp16]] [--no-llama]
                   [--source <hf-files-dir>] [--allow-cpu-fallback] [--bandwidth-gbps N] [--decode-steps N] [--resume]
                   [--gpu-reference <torch-reference.json>]

Synthesises the real Hymba-1.5B layout (config + tokenizer from ../shared/fixtures/hymba-1.5b-files) with
random weights into the work folder (git-ignored, reused between runs), converts it, and measures prefill,
decode, time to first token, live cache bytes beside the formula, peak RSS, load and switch times, the
memory-bandwidth roofline and a Llama-3.2-3B-shaped baseline.

  --quick    the same models with fewer repetitions and shorter filled contexts (a few minutes)
  --out      results folder (default bench/results)
  --device   execution provider (default cpu)
  --threads  intra-op threads (default: all logical cores)
  --work     cache folder for checkpoints and packages (default bench/work)
  --formats  packages to convert; the first measured is int4 when listed (default int4)
  --no-llama skip the Llama baseline
  --source   folder with the real config.json + tokenizer (default ../shared/fixtures/hymba-1.5b-files)
  --allow-cpu-fallback  let GPU sessions run nodes their provider lacks on the CPU (the engine allows it on WebGPU only)
  --bandwidth-gbps      use this memory bandwidth for the rooflines instead of probing the CPU (GPU runs: the GPU's)
  --decode-steps        timed decode steps per measurement, Hymba and Llama (default: the plan's; GPU runs want more)
  --resume              reuse the phases a stopped run finished with the same inputs (stored in <work>/phases)
  --gpu-reference       a PyTorch decode reference on the same GPU (bench/gpu/torch_hymba_decode.py): adds the GPU target`;

const FLAGS = {
  quick: { type: 'boolean' },
  out: { type: 'string', default: 'bench/results' },
  device: { type: 'string', default: 'cpu' },
  threads: { type: 'string' },
  work: { type: 'string', default: 'bench/work' },
  formats: { type: 'string', default: 'int4' },
  'no-llama': { type: 'boolean' },
  source: { type: 'string' },
  'allow-cpu-fallback': { type: 'boolean' },
  'bandwidth-gbps': { type: 'string' },
  'decode-steps': { type: 'string' },
  resume: { type: 'boolean' },
  'gpu-reference': { type: 'string' },
} as const;

const FORMATS: readonly WeightFormat[] = ['int4', 'fp16', 'fp32'];

function fail(message: string): number {
  console.error(`hymba bench: ${message}\n\n${USAGE}`);
  return 2;
}

async function run(args: string[]): Promise<number> {
  const parsed = parseCliArgs(args, FLAGS);
  if (!parsed.ok) return fail(parsed.message);
  const { values, positionals } = parsed.parsed;
  if (positionals.length > 0) return fail(`unexpected argument ${positionals[0]}`);
  const device = String(values.device) as DevicePreference;
  if (!DEVICES.includes(device)) return fail(`--device must be one of ${DEVICES.join(', ')}`);
  const threads = intFlag(values.threads, 'threads', 1);
  if (typeof threads === 'string') return fail(threads);
  const decodeSteps = intFlag(values['decode-steps'], 'decode-steps', 1);
  if (typeof decodeSteps === 'string') return fail(decodeSteps);
  const bandwidth = values['bandwidth-gbps'] === undefined ? null : Number(values['bandwidth-gbps']);
  if (bandwidth !== null && !(bandwidth > 0)) return fail('--bandwidth-gbps must be a positive number');
  const formats = String(values.formats).split(',') as WeightFormat[];
  if (formats.length === 0 || formats.some((x) => !FORMATS.includes(x))) return fail(`--formats must list some of ${FORMATS.join(', ')}`);
  try {
    const written = await runBench(
      {
        quick: values.quick === true,
        outDir: resolve(String(values.out)),
        workDir: resolve(String(values.work)),
        device,
        threads: threads ?? 0,
        formats,
        skipLlama: values['no-llama'] === true,
        sourceDir: typeof values.source === 'string' ? resolve(values.source) : SOURCE_FILES_DIR,
        allowCpuFallback: values['allow-cpu-fallback'] === true,
        bandwidthGBps: bandwidth,
        decodeSteps: decodeSteps ?? null,
        resume: values.resume === true,
        gpuReferencePath: typeof values['gpu-reference'] === 'string' ? resolve(values['gpu-reference']) : null,
        command: `hymba bench ${args.join(' ')}`.trim(),
      },
      (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
    );
    console.log(`wrote ${written.join(', ')} to ${resolve(String(values.out))}`);
    return 0;
  } catch (caught) {
    console.error(`hymba bench: ${caught instanceof Error ? (caught.stack ?? caught.message) : String(caught)}`);
    return 1;
  }
}

export const command: CliCommand = { summary: 'benchmark speed, cache and memory against the roofline and a Llama baseline', usage: USAGE, run };
