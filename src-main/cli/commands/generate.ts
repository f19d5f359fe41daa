/**
 * `hymba generate`: one generation from a model package in the engine process, streamed to stdout (or one
 * JSON object with --json). Instruct packages get the prompt as a user message through the chat template
 * (unless --raw); base packages run it as a plain completion.
 */
import { DEFAULT_SAMPLING, type DevicePreference, type GenerationInput, type SamplingParams } from '../../contract/domain.ts';
import { startLocalEngine } from '../../engine/process/local-engine.ts';
import { intFlag, parseCliArgs, type ParsedArgs } from '../args.ts';
import type { CliCommand } from '../cli-command.ts';
import { DEFAULT_MODEL_DIR } from '../default-model.ts';

const USAGE = `Usage: hymba generate [--model <package>] --prompt "…" [options]

  --max-tokens N          tokens to generate at most (default ${DEFAULT_SAMPLING.maxTokens})
  --device D              auto | cpu | webgpu | cuda | dml | coreml (default auto)
  --budget-mb N           cache budget in MiB (default 256)
  --threads N             intra-op threads, 0 = physical cores (default 0)
  --seed N                sampling seed (same seed, same text)
  --temperature T         0 = greedy (default ${DEFAULT_SAMPLING.temperature})
  --top-k N, --top-p P, --min-p P, --repetition-penalty R
  --stop S                stop string (repeatable)
  --system S              system message (instruct models)
  --raw                   plain completion even for an instruct model
  --json                  print { text, metrics } as JSON instead of streaming`;

export const DEVICES: readonly DevicePreference[] = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'];

/** The engine and sampling flags `settingsFromFlags` reads (shared with `hymba chat`). */
export const RUN_FLAGS = {
  model: { type: 'string' },
  system: { type: 'string' },
  device: { type: 'string' },
  'budget-mb': { type: 'string' },
  threads: { type: 'string' },
  'max-tokens': { type: 'string' },
  seed: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  'min-p': { type: 'string' },
  'repetition-penalty': { type: 'string' },
} as const;

const FLAGS = {
  ...RUN_FLAGS,
  prompt: { type: 'string' },
  stop: { type: 'string', multiple: true },
  raw: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Engine settings and sampling from the shared flags; a string is an error message. */
export function settingsFromFlags(values: ParsedArgs['values']): { device: DevicePreference; budgetBytes: number; threads: number; sampling: SamplingParams } | string {
  const device = (values.device ?? 'auto') as DevicePreference;
  if (!DEVICES.includes(device)) return `--device must be one of ${DEVICES.join(', ')}`;
  const ints: Record<string, number | undefined> = {};
  for (const [flag, min] of [['max-tokens', 1], ['budget-mb', 1], ['threads', 0], ['seed', 0], ['top-k', 0]] as const) {
    const v = intFlag(values[flag], flag, min);
    if (typeof v === 'string') return v;
    ints[flag] = v;
  }
  const floats: Record<string, number | undefined> = {};
  for (const flag of ['temperature', 'top-p', 'min-p', 'repetition-penalty']) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) return `--${flag} must be a number >= 0, got "${String(raw)}"`;
    floats[flag] = n;
  }
  const stop = values.stop as string[] | undefined;
  const sampling: SamplingParams = {
    temperature: floats.temperature ?? DEFAULT_SAMPLING.temperature,
    topK: ints['top-k'] ?? DEFAULT_SAMPLING.topK,
    topP: floats['top-p'] ?? DEFAULT_SAMPLING.topP,
    minP: floats['min-p'] ?? DEFAULT_SAMPLING.minP,
    repetitionPenalty: floats['repetition-penalty'] ?? DEFAULT_SAMPLING.repetitionPenalty,
    maxTokens: ints['max-tokens'] ?? DEFAULT_SAMPLING.maxTokens,
    ...(ints.seed !== undefined ? { seed: ints.seed } : {}),
    ...(stop && stop.length > 0 ? { stop } : {}),
  };
  return { device, budgetBytes: (ints['budget-mb'] ?? 256) * 2 ** 20, threads: ints.threads ?? 0, sampling };
}

async function run(args: string[]): Promise<number> {
  const parsed = parseCliArgs(args, FLAGS);
  if (!parsed.ok) return usageError(parsed.message);
  const v = parsed.parsed.values;
  const modelDir = typeof v.model === 'string' ? v.model : DEFAULT_MODEL_DIR;
  if (typeof v.prompt !== 'string') return usageError('--prompt is required');
  const options = settingsFromFlags(v);
  if (typeof options === 'string') return usageError(options);

  const started = await startLocalEngine(modelDir, { device: options.device, threads: options.threads, cacheBudgetBytes: options.budgetBytes });
  if (!started.ok) {
    console.error(`hymba generate: ${started.error.code}: ${started.error.message}`);
    return 1;
  }
  const { client, model } = started.value;
  try {
    if (model.fallbackReason && v.json !== true) console.error(`note: ${model.fallbackReason}`);
    const chat = model.kind === 'instruct' && v.raw !== true;
    const input: GenerationInput = chat
      ? { mode: 'chat', messages: [...(typeof v.system === 'string' ? [{ role: 'system' as const, content: v.system }] : []), { role: 'user', content: v.prompt }] }
      : { mode: 'completion', prompt: v.prompt };
    const handle = client.generate(input, options.sampling, (event) => {
      if (v.json === true) return;
      if (event.type === 'token') process.stdout.write(event.text);
      if (event.type === 'contextDrop') console.error(`\nnote: ${event.drop.reason}`);
    });
    const onSigint = (): void => handle.cancel();
    process.once('SIGINT', onSigint);
    const result = await handle.result;
    process.off('SIGINT', onSigint);
    if (!result.ok) {
      console.error(`hymba generate: ${result.error.code}: ${result.error.message}`);
      return 1;
    }
    const { text, metrics, finishReason } = result.value;
    if (v.json === true) {
      const { cache, ...rest } = metrics;
      console.log(JSON.stringify({ text, finishReason, device: model.device, loadMs: model.loadMs, ...(model.fallbackReason ? { fallbackReason: model.fallbackReason } : {}), metrics: { ...rest, cacheBytes: cache.total, cache } }, null, 2));
    } else {
      process.stdout.write('\n');
      console.error(
        `[${finishReason}] ${metrics.promptTokens} prompt tokens (${metrics.reusedTokens} reused), ${metrics.generatedTokens} generated; ` +
          `TTFT ${metrics.ttftMs.toFixed(0)} ms, prefill ${metrics.prefillTokensPerSec.toFixed(1)} tok/s, decode ${metrics.decodeTokensPerSec.toFixed(1)} tok/s; ` +
          `cache ${(metrics.cache.total / 1e6).toFixed(2)} MB on ${model.device}`,
      );
    }
    return 0;
  } finally {
    await client.stop();
  }
}

function usageError(message: string): number {
  console.error(`hymba generate: ${message}\n\n${USAGE}`);
  return 2;
}

export const command: CliCommand = { summary: 'generate text from a model package (streams; --json for scripts)', usage: USAGE, run };
