/**
 * Reads what the app shows about a model package folder (manifest.json + config.json, design.md "Model
 * package") without loading it: identity, kind, sizes and the per-layer cache map.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelDetails, ModelSource } from '../../contract/api-types.ts';
import type { CacheDtype, ModelKind, WeightFormat } from '../../contract/domain.ts';
import { appError, err, ok, type Result } from '../../contract/errors.ts';
import { parseHymbaConfig } from '../../engine/config/hymba-config.ts';
import { GRAPH_REVISION, graphRevisionOf } from '../../engine/package/manifest.ts';
import { cacheLayout } from '../../engine/runtime/cache-layout.ts';

const WEIGHT_BYTES: Record<WeightFormat, number> = { fp32: 4, fp16: 2, int4: 0.5 };

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
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
  const layers = [...cacheLayout(config.value, cacheDtype).layers];
  const c = config.value;
  const parameters = typeof manifest.parameterCount === 'number' ? manifest.parameterCount : Math.round(sizeBytes / WEIGHT_BYTES[weightFormat]);
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
    ...(typeof manifest.source === 'object' && manifest.source !== null && typeof (manifest.source as { dir?: unknown }).dir === 'string'
      ? { sourceCheckpoint: (manifest.source as { dir: string }).dir }
      : {}),
    ...outdatedGraph(manifest.graph),
  });
}

/**
 * Packages from an older converter still run (the runtime adapts to their graph), but slower on a GPU
 * (manifest.ts, GRAPH_REVISION). Converting the same folder again gives the same weights and the current graph.
 */
function outdatedGraph(graph: unknown): { outdatedGraph?: string } {
  const revision = graphRevisionOf(graph);
  if (revision >= GRAPH_REVISION) return {};
  const cost = revision === 1 ? 'on a GPU its caches return to the CPU after every token and prompts run one position at a time' : 'it runs slower on a GPU';
  return { outdatedGraph: `Converted by an older Hymba Desk (graph revision ${revision} of ${GRAPH_REVISION}): ${cost}. Convert its Hugging Face folder again to update it: the weights come out the same.` };
}
