/**
 * Opens a Hugging Face Hymba folder: config.json, the safetensors weights (single file or sharded
 * through model.safetensors.index.json) and the tokenizer/generation side files, and checks the
 * stored tensor set against the config (every fault reported, see hymba-tensors.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { appError, err, ok, toAppError, type Result } from '../../contract/errors.ts';
import { parseHymbaConfig, type HymbaConfig } from '../config/hymba-config.ts';
import { checkHymbaTensors } from './hymba-tensors.ts';
import { openSafetensorsSource, openShardedSafetensorsSource } from './safetensors-source.ts';
import { CONFIG_FILE, SIDE_FILES, SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from './checkpoint-files.ts';
import type { HymbaCheckpoint, OpenCheckpoint } from './tensor-source.ts';

export { CONFIG_FILE, SIDE_FILES, SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE };

/** Weight files of other formats that we recognise only to explain why they cannot be used. */
const UNSUPPORTED_WEIGHTS = ['pytorch_model.bin', 'pytorch_model.bin.index.json', 'model.pt', 'consolidated.00.pth'];

export type WeightsLayout =
  | { readonly kind: 'single'; readonly path: string }
  | { readonly kind: 'sharded'; readonly indexPath: string }
  | { readonly kind: 'none' };

/** A Hymba folder's config and files, read without touching the weights (for `hymba info`). */
export interface HymbaFolder {
  readonly dir: string;
  readonly config: HymbaConfig;
  readonly rawConfig: Record<string, unknown>;
  readonly weights: WeightsLayout;
  readonly sideFiles: ReadonlyMap<string, string>;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readConfig(dir: string): Promise<Result<{ config: HymbaConfig; rawConfig: Record<string, unknown> }>> {
  const path = join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (caught) {
    const error = toAppError(caught, 'IO_ERROR');
    if (error.code === 'MODEL_NOT_FOUND') return err(appError('MODEL_NOT_FOUND', `${dir} has no ${CONFIG_FILE}`, { dir, file: path }));
    return err(error);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (caught) {
    return err(appError('CONFIG_INVALID', `${path}: not valid JSON (${caught instanceof Error ? caught.message : String(caught)})`, { file: path }));
  }
  const parsed = parseHymbaConfig(raw);
  if (!parsed.ok) return err(appError(parsed.error.code, parsed.error.message, { ...parsed.error.details, file: path }));
  return ok({ config: parsed.value, rawConfig: raw as Record<string, unknown> });
}

async function findWeights(dir: string): Promise<WeightsLayout> {
  const indexPath = join(dir, WEIGHTS_INDEX_FILE);
  if (await isFile(indexPath)) return { kind: 'sharded', indexPath };
  const single = join(dir, SINGLE_WEIGHTS_FILE);
  if (await isFile(single)) return { kind: 'single', path: single };
  return { kind: 'none' };
}

async function findSideFiles(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const name of SIDE_FILES) {
    const path = join(dir, name);
    if (await isFile(path)) found.set(name, path);
  }
  return found;
}

/** Reads and validates a folder's config.json and lists its files; needs no weights. */
export async function readHymbaFolderConfig(folder: string): Promise<Result<HymbaFolder>> {
  const dir = resolve(folder);
  try {
    if (!(await stat(dir)).isDirectory()) return err(appError('MODEL_NOT_FOUND', `${dir} is not a folder`, { dir }));
  } catch {
    return err(appError('MODEL_NOT_FOUND', `${dir} does not exist`, { dir }));
  }
  const config = await readConfig(dir);
  if (!config.ok) return config;
  return ok({ dir, ...config.value, weights: await findWeights(dir), sideFiles: await findSideFiles(dir) });
}

async function noWeightsError(dir: string): Promise<Result<never>> {
  const others: string[] = [];
  for (const name of UNSUPPORTED_WEIGHTS) if (await isFile(join(dir, name))) others.push(name);
  const hint = others.length > 0 ? ` It has ${others.join(', ')}: only safetensors weights are supported; re-save the model with safetensors.` : '';
  return err(
    appError('MODEL_NOT_FOUND', `no weights: ${dir} has ${CONFIG_FILE} but neither ${SINGLE_WEIGHTS_FILE} nor ${WEIGHTS_INDEX_FILE}.${hint}`, {
      dir,
      file: join(dir, SINGLE_WEIGHTS_FILE),
    }),
  );
}

/** Opens a Hymba folder and validates its weights against config.json. */
export const openHymbaCheckpoint: OpenCheckpoint = async (folder) => {
  const read = await readHymbaFolderConfig(folder);
  if (!read.ok) return read;
  const { dir, config, rawConfig, weights, sideFiles } = read.value;
  if (weights.kind === 'none') return noWeightsError(dir);
  const opened = weights.kind === 'single' ? await openSafetensorsSource(weights.path) : await openShardedSafetensorsSource(weights.indexPath);
  if (!opened.ok) return opened;
  const report = checkHymbaTensors(config, opened.value.tensors);
  if (report.problems.length > 0) {
    await opened.value.close();
    const shown = report.problems.slice(0, 12).join('; ');
    const more = report.problems.length > 12 ? `; and ${report.problems.length - 12} more` : '';
    return err(
      appError('CHECKPOINT_INVALID', `${dir}: the weights do not match config.json (${report.problems.length} problems): ${shown}${more}`, {
        dir,
        file: weights.kind === 'single' ? weights.path : weights.indexPath,
        missing: report.missing,
        unexpected: report.unexpected,
        misShaped: report.misShaped,
        problems: report.problems,
      }),
    );
  }
  const checkpoint: HymbaCheckpoint = { dir, config, rawConfig, tensors: opened.value, sideFiles };
  return ok(checkpoint);
};
