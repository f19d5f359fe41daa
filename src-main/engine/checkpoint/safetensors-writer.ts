/**
 * Streaming safetensors writer: the header is written first (every tensor's dtype and shape are
 * known up front), then each tensor's bytes in order as its producer yields them, so a writer never
 * holds more than one chunk. Each file is written under a temporary name and renamed into place
 * when complete. Optionally splits the tensors into shards of at most `maxShardBytes` of data each
 * with a Hugging Face `model.safetensors.index.json`.
 */
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppFailure, appError, err, ok, toAppError, type Result } from '../../contract/errors.ts';
import { DTYPE_BYTES } from './dtype.ts';
import { SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from './checkpoint-files.ts';
import type { StoredDtype } from './tensor-source.ts';

/** One tensor to write; `bytes()` is called once, when its turn comes, and must yield exactly its byte length. */
export interface TensorToWrite {
  readonly name: string;
  readonly dtype: StoredDtype;
  readonly shape: readonly number[];
  bytes(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface WriteProgress {
  readonly tensor: string;
  readonly tensorIndex: number;
  readonly tensorCount: number;
  readonly bytesWritten: number;
  readonly bytesTotal: number;
}

export interface WriteOptions {
  /** Stored as the header's `__metadata__` (string values only). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Called after each tensor is fully written. */
  readonly onProgress?: (progress: WriteProgress) => void;
}

export const tensorByteLength = (t: Pick<TensorToWrite, 'dtype' | 'shape'>): number =>
  t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype]!;

/** The header bytes (u64 length + JSON padded with spaces to a multiple of 8) for tensors in this order. */
export function encodeHeader(tensors: readonly TensorToWrite[], metadata?: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name in header) throw new AppFailure(appError('BAD_REQUEST', `tensor "${t.name}" is listed twice`, { tensor: t.name }));
    const length = tensorByteLength(t);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}

const temporaryName = (path: string): string => `${path}.partial-${process.pid}`;

async function writeFileStreaming(
  path: string,
  tensors: readonly TensorToWrite[],
  options: WriteOptions,
  progress: { done: number; total: number; index: number; count: number },
): Promise<void> {
  const temporary = temporaryName(path);
  const handle = await open(temporary, 'w');
  try {
    await handle.write(encodeHeader(tensors, options.metadata));
    for (const tensor of tensors) {
      const expected = tensorByteLength(tensor);
      let written = 0;
      for await (const chunk of tensor.bytes()) {
        if (written + chunk.byteLength > expected) break;
        await handle.write(chunk);
        written += chunk.byteLength;
      }
      if (written !== expected) {
        throw new AppFailure(
          appError('INTERNAL', `tensor "${tensor.name}" produced a wrong byte count (expected ${expected})`, { tensor: tensor.name, file: basename(path) }),
        );
      }
      progress.done += expected;
      progress.index += 1;
      options.onProgress?.({ tensor: tensor.name, tensorIndex: progress.index, tensorCount: progress.count, bytesWritten: progress.done, bytesTotal: progress.total });
    }
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
  } catch (caught) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw caught;
  }
}

/** Writes one safetensors file atomically (temporary file, then rename). */
export async function writeSafetensorsFile(path: string, tensors: readonly TensorToWrite[], options: WriteOptions = {}): Promise<Result<{ bytes: number }>> {
  try {
    const total = tensors.reduce((sum, t) => sum + tensorByteLength(t), 0);
    await writeFileStreaming(path, tensors, options, { done: 0, total, index: 0, count: tensors.length });
    return ok({ bytes: total });
  } catch (caught) {
    return err(toAppError(caught, 'IO_ERROR'));
  }
}

/** Splits tensors in order into groups whose data stays within maxShardBytes (a larger tensor gets its own shard). */
export function planShards(tensors: readonly TensorToWrite[], maxShardBytes: number): TensorToWrite[][] {
  const shards: TensorToWrite[][] = [];
  let current: TensorToWrite[] = [];
  let size = 0;
  for (const tensor of tensors) {
    const length = tensorByteLength(tensor);
    if (current.length > 0 && size + length > maxShardBytes) {
      shards.push(current);
      current = [];
      size = 0;
    }
    current.push(tensor);
    size += length;
  }
  if (current.length > 0 || shards.length === 0) shards.push(current);
  return shards;
}

export const shardFileName = (index: number, count: number): string =>
  `model-${String(index + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.safetensors`;

/**
 * Writes a checkpoint's weights into `dir`: `model.safetensors`, or, when `maxShardBytes` splits
 * them, `model-0000k-of-0000n.safetensors` shards plus `model.safetensors.index.json` (written last).
 * Returns the file names written.
 */
export async function writeSafetensorsWeights(
  dir: string,
  tensors: readonly TensorToWrite[],
  options: WriteOptions & { readonly maxShardBytes?: number } = {},
): Promise<Result<{ files: string[]; bytes: number }>> {
  try {
    const total = tensors.reduce((sum, t) => sum + tensorByteLength(t), 0);
    const shards = options.maxShardBytes === undefined ? [tensors.slice()] : planShards(tensors, options.maxShardBytes);
    const progress = { done: 0, total, index: 0, count: tensors.length };
    if (shards.length === 1) {
      await writeFileStreaming(join(dir, SINGLE_WEIGHTS_FILE), tensors, options, progress);
      return ok({ files: [SINGLE_WEIGHTS_FILE], bytes: total });
    }
    const weightMap: Record<string, string> = {};
    const files: string[] = [];
    for (const [index, shard] of shards.entries()) {
      const name = shardFileName(index, shards.length);
      await writeFileStreaming(join(dir, name), shard, options, progress);
      for (const t of shard) weightMap[t.name] = name;
      files.push(name);
    }
    const indexPath = join(dir, WEIGHTS_INDEX_FILE);
    await writeFile(temporaryName(indexPath), `${JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2)}\n`);
    await rename(temporaryName(indexPath), indexPath);
    return ok({ files: [...files, WEIGHTS_INDEX_FILE], bytes: total });
  } catch (caught) {
    return err(toAppError(caught, 'IO_ERROR'));
  }
}
