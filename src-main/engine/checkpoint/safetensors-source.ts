/**
 * TensorSource over safetensors weights: one `model.safetensors`, or shards listed by a
 * `model.safetensors.index.json` (`{ "metadata": {...}, "weight_map": { tensor: shard file } }`).
 * Only float tensors (F32, F16, BF16) are accepted; any other dtype is an error naming the tensor.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppFailure, appError, err, ok, toAppError, type AppError, type Result } from '../../contract/errors.ts';
import { isStoredDtype } from './dtype.ts';
import { openSafetensorsFile, type SafetensorsFile } from './safetensors-file.ts';
import type { StoredDtype, TensorInfo, TensorSource } from './tensor-source.ts';

function invalid(message: string, details: Record<string, unknown>): AppError {
  return appError('CHECKPOINT_INVALID', message, details);
}

/** Checks every tensor of a file is a float dtype and returns its TensorInfo list. */
function floatInfos(shard: SafetensorsFile): Result<TensorInfo[]> {
  const file = basename(shard.path);
  const infos: TensorInfo[] = [];
  for (const entry of shard.entries.values()) {
    if (!isStoredDtype(entry.dtype)) {
      return err(
        invalid(`${file}: tensor "${entry.name}" has dtype ${entry.dtype}; only F32, F16 and BF16 are supported`, {
          file,
          tensor: entry.name,
          dtype: entry.dtype,
        }),
      );
    }
    infos.push({ name: entry.name, dtype: entry.dtype as StoredDtype, shape: entry.shape, byteLength: entry.byteLength });
  }
  return ok(infos);
}

function sourceOver(tensors: Map<string, TensorInfo>, owner: Map<string, SafetensorsFile>, files: SafetensorsFile[]): TensorSource {
  return {
    tensors,
    readFloat32(name) {
      const file = owner.get(name);
      if (!file) return Promise.reject(new AppFailure(invalid(`no tensor "${name}" in the checkpoint`, { tensor: name })));
      return file.readFloat32(name);
    },
    async close() {
      await Promise.all(files.map((f) => f.close()));
    },
  };
}

/** Opens a single safetensors file as a TensorSource. */
export async function openSafetensorsSource(path: string): Promise<Result<TensorSource>> {
  const opened = await openSafetensorsFile(path);
  if (!opened.ok) return opened;
  const infos = floatInfos(opened.value);
  if (!infos.ok) {
    await opened.value.close();
    return infos;
  }
  const owner = new Map(infos.value.map((i) => [i.name, opened.value]));
  return ok(sourceOver(new Map(infos.value.map((i) => [i.name, i])), owner, [opened.value]));
}

/** Reads an index file's weight_map, rejecting anything that is not tensor name → plain shard file name. */
async function readWeightMap(indexPath: string): Promise<Map<string, string>> {
  const file = basename(indexPath);
  let text: string;
  try {
    text = await readFile(indexPath, 'utf8');
  } catch (caught) {
    const error = toAppError(caught, 'IO_ERROR');
    throw new AppFailure(error.code === 'MODEL_NOT_FOUND' ? appError('MODEL_NOT_FOUND', `${indexPath} does not exist`, { file: indexPath }) : error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (caught) {
    throw new AppFailure(invalid(`${file}: not valid JSON (${caught instanceof Error ? caught.message : String(caught)})`, { file }));
  }
  const weightMap = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new AppFailure(invalid(`${file}: "weight_map" must be an object of tensor name → shard file`, { file }));
  }
  const map = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard === '' || shard !== basename(shard) || shard === '.' || shard === '..') {
      throw new AppFailure(invalid(`${file}: tensor "${tensor}" maps to ${JSON.stringify(shard)}, not a shard file name in the same folder`, { file, tensor }));
    }
    map.set(tensor, shard);
  }
  if (map.size === 0) throw new AppFailure(invalid(`${file}: "weight_map" lists no tensors`, { file }));
  return map;
}

/**
 * Opens sharded weights through their index file. Every shard the index names must exist, every
 * tensor must be in the shard the index says, and every tensor of a shard must be in the index.
 */
export async function openShardedSafetensorsSource(indexPath: string): Promise<Result<TensorSource>> {
  const file = basename(indexPath);
  const opened: SafetensorsFile[] = [];
  const closeAll = () => Promise.all(opened.map((f) => f.close()));
  try {
    const weightMap = await readWeightMap(indexPath);
    const shards = new Map<string, SafetensorsFile>();
    for (const shardName of new Set(weightMap.values())) {
      const shard = await openSafetensorsFile(join(dirname(indexPath), shardName));
      if (!shard.ok) {
        const missing = shard.error.code === 'MODEL_NOT_FOUND';
        throw new AppFailure(
          missing ? appError('MODEL_NOT_FOUND', `${file} names shard ${shardName}, which does not exist`, { file: shardName, index: file }) : shard.error,
        );
      }
      opened.push(shard.value);
      shards.set(shardName, shard.value);
    }
    const tensors = new Map<string, TensorInfo>();
    const owner = new Map<string, SafetensorsFile>();
    for (const [shardName, shard] of shards) {
      const infos = floatInfos(shard);
      if (!infos.ok) throw new AppFailure(infos.error);
      for (const info of infos.value) {
        if (weightMap.get(info.name) !== shardName) {
          const listed = weightMap.get(info.name);
          const why = listed === undefined ? 'is not listed in the index' : `is listed in the index under ${listed}`;
          throw new AppFailure(invalid(`${shardName}: tensor "${info.name}" ${why}`, { file: shardName, tensor: info.name, index: file }));
        }
        tensors.set(info.name, info);
        owner.set(info.name, shard);
      }
    }
    for (const [tensor, shardName] of weightMap) {
      if (!tensors.has(tensor)) {
        throw new AppFailure(invalid(`${file} places tensor "${tensor}" in ${shardName}, which does not contain it`, { file: shardName, tensor, index: file }));
      }
    }
    return ok(sourceOver(tensors, owner, opened));
  } catch (caught) {
    await closeAll();
    return err(toAppError(caught, 'IO_ERROR'));
  }
}
