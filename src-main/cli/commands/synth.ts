/**
 * `hymba synth`: writes a random-weight Hymba checkpoint (official Hugging Face layout) for any
 * config, e.g. to test conversion of the real 1.5B architecture without its weights.
 */
import { intFlag, parseCliArgs } from '../args.ts';
import type { CliCommand } from '../cli-command.ts';
import { synthCheckpoint } from '../../engine/checkpoint/synth-checkpoint.ts';
import type { StoredDtype } from '../../engine/checkpoint/tensor-source.ts';

const DTYPES: Record<string, StoredDtype> = { bf16: 'BF16', fp16: 'F16', fp32: 'F32' };

const usage = `Usage: hymba synth --config <config.json> --out <dir> [--dtype bf16|fp16|fp32] [--seed N] [--max-shard-mb N]

Writes a random-weight checkpoint of the given Hymba config into <dir> (which must not exist or be
empty): model.safetensors (or shards + index with --max-shard-mb), config.json, and any tokenizer /
generation files found beside the config. Same seed, same bytes.

  --config        path of a Hymba config.json
  --out           destination folder
  --dtype         stored dtype (default bf16)
  --seed          random seed, an integer >= 0 (default 0)
  --max-shard-mb  split the weights into shards of at most this many MiB`;

const flags = {
  config: { type: 'string' },
  out: { type: 'string' },
  dtype: { type: 'string', default: 'bf16' },
  seed: { type: 'string', default: '0' },
  'max-shard-mb': { type: 'string' },
} as const;

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

export const command: CliCommand = {
  summary: 'write a random-weight Hymba checkpoint for a config',
  usage,
  async run(args) {
    const parsed = parseCliArgs(args, flags);
    if (!parsed.ok) {
      console.error(`hymba synth: ${parsed.message}\n\n${usage}`);
      return 2;
    }
    const { values } = parsed.parsed;
    const dtype = DTYPES[String(values.dtype)];
    const seed = intFlag(values.seed, 'seed');
    const shardMb = intFlag(values['max-shard-mb'], 'max-shard-mb', 1);
    const problems = [
      typeof values.config !== 'string' ? '--config is required' : undefined,
      typeof values.out !== 'string' ? '--out is required' : undefined,
      dtype === undefined ? `--dtype must be one of ${Object.keys(DTYPES).join(', ')}, got "${String(values.dtype)}"` : undefined,
      typeof seed === 'string' ? seed : undefined,
      typeof shardMb === 'string' ? shardMb : undefined,
    ].filter((p) => p !== undefined);
    if (problems.length > 0) {
      console.error(`hymba synth: ${problems.join('; ')}\n\n${usage}`);
      return 2;
    }
    const started = Date.now();
    let lastPrinted = 0;
    const result = await synthCheckpoint({
      configPath: values.config as string,
      outDir: values.out as string,
      dtype: dtype!,
      seed: seed as number,
      ...(typeof shardMb === 'number' ? { maxShardBytes: shardMb * 1024 * 1024 } : {}),
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastPrinted < 1000 && p.tensorIndex !== p.tensorCount) return;
        lastPrinted = now;
        const percent = ((100 * p.bytesWritten) / Math.max(1, p.bytesTotal)).toFixed(1);
        console.log(`[${p.tensorIndex}/${p.tensorCount}] ${percent}% ${formatBytes(p.bytesWritten)} / ${formatBytes(p.bytesTotal)}  ${p.tensor}`);
      },
    });
    if (!result.ok) {
      console.error(`hymba synth: ${result.error.code}: ${result.error.message}`);
      return 1;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`wrote ${result.value.dir} (${formatBytes(result.value.weightBytes)} of weights, ${seconds} s): ${result.value.files.join(', ')}`);
    return 0;
  },
};
