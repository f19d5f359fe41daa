/**
 * `hymba info`: the cache a model needs — per-layer layout, bytes per token, bytes at a context length by
 * category, and the largest context a budget allows. Works on a model package or a bare Hugging Face folder
 * (config.json only, no weights). Context lengths count real tokens; the meta tokens come on top (§7).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheDtype } from '../../contract/domain.ts';
import { cacheBytesAt, cacheLayout, growthBytesPerToken, kvBytesPerToken, maxTokensForBudget } from '../../engine/runtime/cache-layout.ts';
import { readHymbaConfig } from '../../engine/runtime/package-reader.ts';
import { intFlag, parseCliArgs } from '../args.ts';
import type { CliCommand } from '../cli-command.ts';

const USAGE = `Usage: hymba info --model <package|hf-dir> [--context N] [--budget-mb N] [--cache-dtype float16|float32] [--json]

  --context N       real tokens to size the cache for (default: max_position_embeddings)
  --budget-mb N     cache budget in MiB for the largest-context figure (default 256)
  --cache-dtype     cache element type for a bare HF folder (default float16; a package's manifest decides)
  --json            machine-readable output`;

const FLAGS = {
  model: { type: 'string' },
  context: { type: 'string' },
  'budget-mb': { type: 'string' },
  'cache-dtype': { type: 'string' },
  json: { type: 'boolean' },
} as const;

function packageCacheDtype(dir: string): CacheDtype | null {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return null;
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { cacheDtype?: unknown };
  return manifest.cacheDtype === 'float32' || manifest.cacheDtype === 'float16' ? manifest.cacheDtype : null;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB (${(bytes / 2 ** 20).toFixed(1)} MiB)`;

async function run(args: string[]): Promise<number> {
  const parsed = parseCliArgs(args, FLAGS);
  if (!parsed.ok) return fail(parsed.message);
  const v = parsed.parsed.values;
  if (typeof v.model !== 'string') return fail('--model is required');
  const context = intFlag(v.context, 'context');
  const budgetMb = intFlag(v['budget-mb'], 'budget-mb', 1);
  if (typeof context === 'string') return fail(context);
  if (typeof budgetMb === 'string') return fail(budgetMb);
  const flagDtype = v['cache-dtype'];
  if (flagDtype !== undefined && flagDtype !== 'float16' && flagDtype !== 'float32') return fail('--cache-dtype must be float16 or float32');

  const config = await readHymbaConfig(v.model);
  if (!config.ok) return fail(`${config.error.code}: ${config.error.message}`);
  const dtype: CacheDtype = packageCacheDtype(v.model) ?? (flagDtype as CacheDtype | undefined) ?? 'float16';
  const layout = cacheLayout(config.value, dtype);
  const tokens = context ?? config.value.maxPositionEmbeddings;
  const budgetBytes = (budgetMb ?? 256) * 2 ** 20;
  const bytes = cacheBytesAt(layout, tokens);
  const maxTokens = maxTokensForBudget(layout, budgetBytes);
  const maxContext = maxTokens === null ? null : Math.max(maxTokens, 0);

  if (v.json === true) {
    const { total, ...byCategory } = bytes;
    console.log(
      JSON.stringify(
        {
          cache: {
            totalBytes: total,
            byCategory,
            kvBytesPerToken: growthBytesPerToken(layout),
            kvBytesPerTokenAllLayers: kvBytesPerToken(layout),
            kvDtype: dtype,
            stateDtype: dtype,
            context: tokens,
            metaTokens: layout.numMetaTokens,
            slidingWindow: layout.slidingWindow,
            layers: layout.layers,
          },
          maxContext,
          budgetBytes,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const lines = [
    `model: ${v.model}`,
    `cache dtype: ${dtype} (KV and SSM/conv state); meta tokens ${layout.numMetaTokens}, sliding window ${layout.slidingWindow}`,
    '',
    'layer  attention  kv       source  kv B/token  state B',
    ...layout.layers.map((l) => `${String(l.layer).padStart(5)}  ${l.attention.padEnd(9)}  ${l.kv.padEnd(7)}  ${String(l.kvSourceLayer).padStart(6)}  ${String(l.kvBytesPerToken).padStart(10)}  ${String(l.stateBytes).padStart(7)}`),
    '',
    `KV bytes per token: ${growthBytesPerToken(layout)} B growing (global layers), ${kvBytesPerToken(layout)} B over all KV owners until the window fills`,
    `cache at ${tokens} tokens (+${layout.numMetaTokens} meta): ${mb(bytes.total)}`,
    `  global KV   ${mb(bytes.globalKv)}`,
    `  sliding KV  ${mb(bytes.slidingKv)}`,
    `  SSM state   ${mb(bytes.ssm)}`,
    `  conv state  ${mb(bytes.conv)}`,
    `  (meta prefix inside the KV: ${mb(bytes.meta)})`,
    `largest context for ${budgetBytes / 2 ** 20} MiB: ${maxContext === null ? 'unbounded (no global layers)' : maxContext === 0 && maxTokens === -1 ? 'none: the budget cannot hold the fixed part' : `${maxContext} tokens`}`,
  ];
  console.log(lines.join('\n'));
  return 0;
}

function fail(message: string): number {
  console.error(`hymba info: ${message}\n\n${USAGE}`);
  return 2;
}

export const command: CliCommand = { summary: 'cache layout and memory needs of a model (package or HF folder)', usage: USAGE, run };
