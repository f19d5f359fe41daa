/**
 * One safetensors file opened for lazy reading: the header is parsed and validated at open, tensor
 * bytes are read by offset through a file handle only when asked for (never the whole file).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppFailure, appError, err, ok, toAppError, type Result } from '../../contract/errors.ts';
import { decodeToFloat32, isStoredDtype } from './dtype.ts';
import { headerLength, parseHeader, type SafetensorsEntry } from './safetensors-header.ts';

export interface SafetensorsFile {
  readonly path: string;
  /** Every tensor of the file, any dtype, by name. */
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Raw little-endian bytes of one tensor. Rejects with AppFailure for an unknown name or a short read. */
  readBytes(name: string): Promise<Uint8Array>;
  /** One F32/F16/BF16 tensor as float32; other dtypes reject with CHECKPOINT_INVALID naming tensor and dtype. */
  readFloat32(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

async function readExactly(handle: FileHandle, length: number, position: number, file: string): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) {
      throw new AppFailure(appError('CHECKPOINT_INVALID', `${file}: unexpected end of file at byte ${position + filled}`, { file }));
    }
    filled += bytesRead;
  }
  return buffer;
}

/** Opens and validates one safetensors file. A missing file is MODEL_NOT_FOUND; a bad header CHECKPOINT_INVALID. */
export async function openSafetensorsFile(path: string): Promise<Result<SafetensorsFile>> {
  const file = basename(path);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (caught) {
    const error = toAppError(caught, 'IO_ERROR');
    return err(error.code === 'MODEL_NOT_FOUND' ? appError('MODEL_NOT_FOUND', `${path} does not exist`, { file: path }) : error);
  }
  try {
    const { size } = await handle.stat();
    const prefix = await readExactly(handle, Math.min(8, size), 0, file);
    const length = headerLength(prefix, size, file);
    const header = parseHeader(await readExactly(handle, length, 8, file), size, file);
    return ok(fileReader(path, handle, header.entries, header.metadata));
  } catch (caught) {
    await handle.close();
    return err(toAppError(caught, 'IO_ERROR'));
  }
}

function fileReader(
  path: string,
  handle: FileHandle,
  list: readonly SafetensorsEntry[],
  metadata: Readonly<Record<string, string>>,
): SafetensorsFile {
  const file = basename(path);
  const entries = new Map(list.map((e) => [e.name, e]));
  const entryOf = (name: string): SafetensorsEntry => {
    const entry = entries.get(name);
    if (!entry) throw new AppFailure(appError('CHECKPOINT_INVALID', `${file}: no tensor "${name}"`, { file, tensor: name }));
    return entry;
  };
  const readBytes = async (name: string): Promise<Uint8Array> => {
    const entry = entryOf(name);
    return readExactly(handle, entry.byteLength, entry.fileOffset, file);
  };
  return {
    path,
    entries,
    metadata,
    readBytes,
    async readFloat32(name) {
      const entry = entryOf(name);
      if (!isStoredDtype(entry.dtype)) {
        throw new AppFailure(
          appError('CHECKPOINT_INVALID', `${file}: tensor "${name}" has dtype ${entry.dtype}; only F32, F16 and BF16 are supported`, {
            file,
            tensor: name,
            dtype: entry.dtype,
          }),
        );
      }
      return decodeToFloat32(await readBytes(name), entry.dtype);
    },
    close: () => handle.close(),
  };
}
