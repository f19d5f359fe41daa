/**
 * Test support: a tiny real model package built at test time — a small Hymba config with the real 1.5B
 * tokenizer, random weights from the checkpoint synthesiser, converted by the package converter. Cached in
 * the OS temp folder under a hash of the config and the converter sources, so the suite builds it once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WeightFormat } from '../../contract/domain.ts';
import { synthCheckpoint } from '../checkpoint/synth-checkpoint.ts';
import { convertCheckpoint } from '../package/convert.ts';

export const HF_FILES_DIR = fileURLToPath(new URL('../../../../shared/fixtures/hymba-1.5b-files/', import.meta.url));
const ENGINE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface TinyModelOptions {
  readonly layers?: number;
  readonly hidden?: number;
  readonly window?: number;
  readonly meta?: number;
  readonly format?: WeightFormat;
  /** Without the chat template: a base model. */
  readonly base?: boolean;
  readonly seed?: number;
}

/** The tiny config: 1.5B layout rules at a small size (globals first and last, pairs share KV). */
export function tinyConfig(options: TinyModelOptions = {}): Record<string, unknown> {
  const real = JSON.parse(readFileSync(join(HF_FILES_DIR, 'config.json'), 'utf8')) as Record<string, unknown>;
  const layers = options.layers ?? 5;
  const hidden = options.hidden ?? 64;
  const groups: number[][] = [];
  for (let i = 1; i + 1 < layers - 1; i += 2) groups.push([i, i + 1]);
  return {
    ...real,
    hidden_size: hidden,
    num_hidden_layers: layers,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    intermediate_size: 2 * hidden,
    num_memory_tokens: options.meta ?? 8,
    sliding_window: options.window ?? 16,
    global_attn_idx: [0, layers - 1],
    kv_reuse_group: groups,
    mamba_dt_rank: 8,
    conv_dim: Object.fromEntries(Array.from({ length: layers }, (_, i) => [String(i), 2 * hidden])),
    layer_type: Array.from({ length: layers }, () => 'h'),
  };
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) hash.update(name).update(readFileSync(path));
    }
  };
  for (const sub of ['onnx', 'package', 'checkpoint', 'config']) walk(join(ENGINE_DIR, sub));
  return hash.digest('hex').slice(0, 16);
}

/** Builds (or reuses) a tiny package and returns its folder. */
export async function tinyPackage(options: TinyModelOptions = {}): Promise<string> {
  const config = tinyConfig(options);
  const format = options.format ?? 'fp32';
  const key = createHash('sha256').update(JSON.stringify({ config, format, base: options.base ?? false, seed: options.seed ?? 1, src: sourceHash() })).digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'hymba-runtime-tests');
  const packageDir = join(root, `pkg-${key}`);
  if (existsSync(join(packageDir, 'manifest.json'))) return packageDir;
  const work = join(root, `work-${key}-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(join(work, 'src'), { recursive: true });
  await writeFile(join(work, 'src', 'config.json'), JSON.stringify(config, null, 2));
  for (const name of ['tokenizer.json', 'special_tokens_map.json', 'added_tokens.json', 'generation_config.json']) await copyFile(join(HF_FILES_DIR, name), join(work, 'src', name));
  const tokenizerConfig = JSON.parse(await readFile(join(HF_FILES_DIR, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  if (options.base) delete tokenizerConfig.chat_template;
  await writeFile(join(work, 'src', 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  const synth = await synthCheckpoint({ configPath: join(work, 'src', 'config.json'), outDir: join(work, 'hf'), dtype: 'F32', seed: options.seed ?? 1 });
  if (!synth.ok) throw new Error(`synth failed: ${synth.error.message}`);
  const converted = await convertCheckpoint(join(work, 'hf'), join(work, 'pkg'), { dtype: format, kind: options.base ? 'base' : 'instruct', displayName: `tiny-${key}` });
  if (!converted.ok) throw new Error(`convert failed: ${converted.error.message}`);
  try {
    await rename(join(work, 'pkg'), packageDir); // atomic: the folder is complete or absent
  } catch (caught) {
    if (!existsSync(join(packageDir, 'manifest.json'))) throw caught; // otherwise a parallel run finished first
  }
  await rm(work, { recursive: true, force: true });
  return packageDir;
}
