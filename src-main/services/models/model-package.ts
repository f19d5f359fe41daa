/**
 * Reads what the app shows about a model package folder (manifest.json + config.json, design.md "Model
 * package") without loading it: identity, kind, sizes and the per-layer cache map.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelDetails, ModelSource } from '../../contract/api-types.ts';
import type { CacheDtype, CacheLayerInfo, ModelKind, WeightFormat } from '../../contract/domain.ts';
import { appError, err, ok, type Result } from '../../contract/errors.ts';
import { parseHymbaConfig, type HymbaConfig } from '../../engine/config/hymba-config.ts';
import type { CacheProfile } from './context-estimate.ts';

const DTYPE_BYTES: Record<CacheDtype, number> = { float32: 4, float16: 2 };
const WEIGHT_BYTES: Record<WeightFormat, number> = { fp32: 4, fp16: 2, int4: 0.5 };

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Per-layer cache roles and sizes (hymba-architecture §7). */
export function cacheLayers(config: HymbaConfig, dtype: CacheDtype): CacheLayerInfo[] {
  const bytes = DTYPE_BYTES[dtype];
  const kvPerToken = config.numKvHeads * (config.qkHeadDim + config.vHeadDim) * bytes;
  const state = config.mamba.dInner * (config.mamba.dState + config.mamba.dConv) * bytes;
  return config.layers.map((layer) => ({
    layer: layer.index,
    attention: layer.attention,
    kv: layer.ownsKv ? 'owner' : 'shared',
    kvSourceLayer: layer.kvSourceLayer,
    kvBytesPerToken: layer.ownsKv ? kvPerToken : 0,
    stateBytes: state,
  }));
}

export function cacheProfileOf(details: ModelDetails): CacheProfile {
  return { layers: details.layers, metaTokens: details.metaTokens, slidingWindow: details.slidingWindow, maxPositions: details.maxPositionEmbeddings };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}

/** Reads a package folder; MODEL_INVALID when it is not a usable package. `active` is filled in by the caller. */
export async function readModelPackage(dir: string, source: ModelSource): Promise<Result<ModelDetails>> {
  let manifest: Record<string, unknown>;
  let rawConfig: unknown;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    rawConfig = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  } catch (caught) {
    return err(appError('MODEL_INVALID', `${basename(dir)}: unreadable manifest.json or config.json (${caught instanceof Error ? caught.message : String(caught)})`));
  }
  const config = parseHymbaConfig(rawConfig);
  if (!config.ok) return err(appError('MODEL_INVALID', `${basename(dir)}: ${config.error.message}`));
  const weightFormat = pick<WeightFormat>(manifest.weightFormat, ['fp32', 'fp16', 'int4'], 'fp32');
  const cacheDtype = pick<CacheDtype>(manifest.cacheDtype, ['float32', 'float16'], 'float32');
  const kind = pick<ModelKind>(manifest.kind, ['base', 'instruct'], 'base');
  const sizeBytes = await folderBytes(dir);
  const layers = cacheLayers(config.value, cacheDtype);
  const c = config.value;
  const parameters = typeof manifest.parameters === 'number' ? manifest.parameters : Math.round(sizeBytes / WEIGHT_BYTES[weightFormat]);
  const id = typeof manifest.id === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(manifest.id) ? manifest.id : basename(dir).replace(/[^A-Za-z0-9_-]/g, '-');
  return ok({
    id,
    displayName: typeof manifest.displayName === 'string' ? manifest.displayName : id,
    kind,
    weightFormat,
    source,
    sizeBytes,
    parameters,
    cacheBytesPerToken: layers.filter((l) => l.attention === 'global').reduce((sum, l) => sum + l.kvBytesPerToken, 0),
    active: false,
    packageDir: dir,
    layers,
    metaTokens: c.numMetaTokens,
    slidingWindow: c.slidingWindow,
    maxPositionEmbeddings: c.maxPositionEmbeddings,
    vocabSize: c.vocabSize,
    hiddenSize: c.hiddenSize,
    ...(typeof manifest.source === 'object' && manifest.source !== null && typeof (manifest.source as { checkpoint?: unknown }).checkpoint === 'string'
      ? { sourceCheckpoint: (manifest.source as { checkpoint: string }).checkpoint }
      : {}),
  });
}
