/**
 * Writes a random-weight Hugging Face Hymba folder for any config: config.json (copied verbatim),
 * the tokenizer/generation side files found beside it, and streamed safetensors weights
 * (synth-weights.ts). Everything goes into a temporary sibling folder that is renamed to the
 * destination only when complete, so a failed run never leaves a half-written model.
 */
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { appError, err, ok, toAppError, type Result } from '../../contract/errors.ts';
import { parseHymbaConfig } from '../config/hymba-config.ts';
import { CONFIG_FILE, SIDE_FILES } from './checkpoint-files.ts';
import { writeSafetensorsWeights, type WriteProgress } from './safetensors-writer.ts';
import { synthTensors } from './synth-weights.ts';
import type { StoredDtype } from './tensor-source.ts';

export interface SynthOptions {
  /** Path of the config.json to synthesise weights for. */
  readonly configPath: string;
  /** Destination folder; must not exist, or be empty. */
  readonly outDir: string;
  readonly dtype: StoredDtype;
  readonly seed: number;
  /** Split the weights into shards of at most this many bytes (default: one file). */
  readonly maxShardBytes?: number;
  readonly onProgress?: (progress: WriteProgress) => void;
}

export interface SynthResult {
  readonly dir: string;
  readonly files: readonly string[];
  readonly weightBytes: number;
}

async function destinationFree(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

async function existingSideFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of SIDE_FILES) {
    try {
      if ((await stat(join(folder, name))).isFile()) found.push(name);
    } catch {
      // absent: side files are optional
    }
  }
  return found;
}

/** Copies a file and makes the copy writable by its owner (sources may be read-only fixtures). */
async function copyWritable(from: string, to: string): Promise<void> {
  await copyFile(from, to);
  await chmod(to, 0o644);
}

export async function synthCheckpoint(options: SynthOptions): Promise<Result<SynthResult>> {
  const configPath = resolve(options.configPath);
  const outDir = resolve(options.outDir);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (caught) {
    if (caught instanceof SyntaxError) return err(appError('CONFIG_INVALID', `${configPath}: not valid JSON (${caught.message})`, { file: configPath }));
    const error = toAppError(caught, 'IO_ERROR');
    return err(error.code === 'MODEL_NOT_FOUND' ? appError('MODEL_NOT_FOUND', `${configPath} does not exist`, { file: configPath }) : error);
  }
  const config = parseHymbaConfig(raw);
  if (!config.ok) return err(appError(config.error.code, config.error.message, { ...config.error.details, file: configPath }));
  if (!(await destinationFree(outDir))) return err(appError('BAD_REQUEST', `${outDir} already exists and is not an empty folder`, { dir: outDir }));

  const temporary = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}`);
  try {
    await rm(temporary, { recursive: true, force: true });
    await mkdir(temporary, { recursive: true });
    const tensors = synthTensors(config.value, { dtype: options.dtype, seed: options.seed });
    const writeOptions = { ...(options.onProgress ? { onProgress: options.onProgress } : {}), metadata: { format: 'pt' } };
    const written = await writeSafetensorsWeights(temporary, tensors, options.maxShardBytes === undefined ? writeOptions : { ...writeOptions, maxShardBytes: options.maxShardBytes });
    if (!written.ok) throw written.error;
    const copied = [CONFIG_FILE];
    await copyWritable(configPath, join(temporary, CONFIG_FILE));
    const configFolder = dirname(configPath);
    for (const name of await existingSideFiles(configFolder)) {
      await copyWritable(join(configFolder, name), join(temporary, name));
      copied.push(name);
    }
    await rmdir(outDir).catch(() => undefined); // an empty destination folder (checked above) makes way for the rename
    await rename(temporary, outDir);
    return ok({ dir: outDir, files: [...copied, ...written.value.files], weightBytes: written.value.bytes });
  } catch (caught) {
    await rm(temporary, { recursive: true, force: true });
    return err(toAppError(caught, 'IO_ERROR'));
  }
}
