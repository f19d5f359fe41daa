/**
 * Shared pieces of the parity and weight-format tests: fixture location, a converted-package helper and
 * a checkpoint opener that transforms tensors as they are read. Used only by *.test.ts files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openHymbaCheckpoint } from '../checkpoint/open-checkpoint.ts';
import type { OpenCheckpoint } from '../checkpoint/tensor-source.ts';
import { convertCheckpoint, type ConvertedPackage, type ConvertOptions } from '../package/convert.ts';
import { MODEL_FILE } from '../package/onnx-writer.ts';
import type { PackageModel } from './weight-accuracy.ts';

export const FIXTURE_DIR = fileURLToPath(new URL('../../../../shared/fixtures/hymba-ref-a/', import.meta.url));

export function temporaryFolder(prefix = 'hymba-h2-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function convertOrThrow(hfDir: string, outDir: string, options: ConvertOptions): Promise<ConvertedPackage> {
  const result = await convertCheckpoint(hfDir, outDir, options);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

export const packageModel = (converted: ConvertedPackage): PackageModel => ({ modelPath: join(converted.dir, MODEL_FILE), cacheDtype: converted.manifest.cacheDtype });

/** Opens checkpoints normally but passes every tensor read through `transform(name, values)`. */
export function transformingOpener(transform: (name: string, values: Float32Array, shape: readonly number[]) => Float32Array): OpenCheckpoint {
  return async (dir) => {
    const opened = await openHymbaCheckpoint(dir);
    if (!opened.ok) return opened;
    const source = opened.value.tensors;
    const tensors = {
      tensors: source.tensors,
      close: () => source.close(),
      readFloat32: async (name: string) => transform(name, await source.readFloat32(name), source.tensors.get(name)!.shape),
    };
    return { ok: true, value: { ...opened.value, tensors } };
  };
}
