/**
 * What the runtime reads from a model package folder (design.md "Model package"): manifest.json (id, display
 * name, kind, weight format, cache dtype), config.json, model.onnx (with its external .data beside it) and the
 * tokenizer files. Only the fields the runtime needs are read; the package module owns the full format.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { CacheDtype, ModelKind, WeightFormat } from '../../contract/domain.ts';
import { appError, err, ok, toAppError, type Result } from '../../contract/errors.ts';
import { parseHymbaConfig, type HymbaConfig } from '../config/hymba-config.ts';

export interface RuntimePackage {
  readonly dir: string;
  readonly id: string;
  readonly displayName: string;
  readonly kind: ModelKind;
  readonly weightFormat: WeightFormat;
  readonly cacheDtype: CacheDtype;
  readonly config: HymbaConfig;
  readonly modelPath: string;
  /** The graph cuts sliding caches itself (manifest.graph.slidingCacheTrimmed), so caches may stay on a GPU. */
  readonly slidingCacheTrimmed: boolean;
}

const KINDS: readonly ModelKind[] = ['base', 'instruct'];
const FORMATS: readonly WeightFormat[] = ['fp32', 'fp16', 'int4'];
const CACHE_DTYPES: readonly CacheDtype[] = ['float32', 'float16'];

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Reads a config.json (package or bare Hugging Face folder). */
export async function readHymbaConfig(dir: string): Promise<Result<HymbaConfig>> {
  try {
    return parseHymbaConfig(await readJson(join(dir, 'config.json')));
  } catch (caught) {
    return err(toAppError(caught, 'CONFIG_INVALID'));
  }
}

export async function readRuntimePackage(dirIn: string): Promise<Result<RuntimePackage>> {
  const dir = resolve(dirIn);
  try {
    const manifestPath = join(dir, 'manifest.json');
    try {
      await stat(manifestPath);
    } catch {
      return err(appError('MODEL_NOT_FOUND', `${dir} is not a model package (no manifest.json)`));
    }
    const manifest = await readJson(manifestPath);
    const config = await readHymbaConfig(dir);
    if (!config.ok) return config;
    const modelPath = join(dir, 'model.onnx');
    await stat(modelPath);
    return ok({
      dir,
      id: typeof manifest.id === 'string' ? manifest.id : basename(dir),
      displayName: typeof manifest.displayName === 'string' ? manifest.displayName : basename(dir),
      kind: pick(manifest.kind, KINDS, 'base'),
      weightFormat: pick(manifest.weightFormat, FORMATS, 'fp32'),
      cacheDtype: pick(manifest.cacheDtype, CACHE_DTYPES, 'float32'),
      config: config.value,
      modelPath,
      slidingCacheTrimmed: (manifest.graph as { slidingCacheTrimmed?: unknown } | undefined)?.slidingCacheTrimmed === true,
    });
  } catch (caught) {
    return err(toAppError(caught, 'MODEL_INVALID'));
  }
}
