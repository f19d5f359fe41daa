/**
 * Converts a Hugging Face Hymba folder into a model package: model.onnx + model.onnx.data, config and
 * tokenizer files, manifest.json. Tensors are read one at a time; the package is written into a
 * temporary folder beside the destination and renamed into place only when complete. Cancellation
 * (AbortSignal) returns CANCELLED and leaves nothing behind.
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { CacheDtype, ModelKind, WeightFormat } from '../../contract/domain.ts';
import { AppFailure, appError, err, ok, toAppError, type Result } from '../../contract/errors.ts';
import type { HymbaConfig } from '../config/hymba-config.ts';
import { openHymbaCheckpoint } from '../checkpoint/open-checkpoint.ts';
import type { HymbaCheckpoint, OpenCheckpoint } from '../checkpoint/tensor-source.ts';
import { buildHymbaGraph } from '../onnx/hymba/hymba-graph.ts';
import { createInt4Quantizer, serialInt4Quantizer } from '../onnx/int4-quantizer.ts';
import { INT4_BLOCK } from '../onnx/weight-encoding.ts';
import { cacheLayout, GRAPH_REVISION, MANIFEST_FILE, MANIFEST_FORMAT_VERSION, packageId, type PackageManifest } from './manifest.ts';
import { DATA_FILE, MODEL_FILE, writeOnnxModel } from './onnx-writer.ts';
import { describeSourceFiles } from './source-files.ts';

export interface ConvertProgress {
  readonly phase: 'hashing' | 'weights' | 'finishing';
  /** Checkpoint tensors read so far / in total. */
  readonly tensorsDone: number;
  readonly tensorsTotal: number;
  /** Bytes processed in this phase so far / in total. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface ConvertOptions {
  /** Weight format (default int4). */
  readonly dtype?: WeightFormat;
  /** base | instruct; inferred from a chat_template in tokenizer_config.json when absent. */
  readonly kind?: ModelKind;
  readonly displayName?: string;
  readonly id?: string;
  /** MatMulNBits accuracy_level for int4 (default 4: int8 activations, fastest on CPU). */
  readonly int4AccuracyLevel?: number;
  /** Cache element type (default: float32 for fp32 weights, float16 otherwise). */
  readonly cacheDtype?: CacheDtype;
  readonly onProgress?: (progress: ConvertProgress) => void;
  readonly signal?: AbortSignal;
  /** Checkpoint opener (default: the safetensors reader). */
  readonly open?: OpenCheckpoint;
}

export interface ConvertedPackage {
  readonly dir: string;
  readonly manifest: PackageManifest;
  readonly config: HymbaConfig;
}

export const cacheDtypeFor = (format: WeightFormat): CacheDtype => (format === 'fp32' ? 'float32' : 'float16');

/**
 * base | instruct when not given. The real Hymba-1.5B-Base tokenizer_config also ships a chat template, so a
 * template alone does not make a model Instruct: the name (`_name_or_path` in config.json, else the folder name)
 * decides first, and the template only when the name says neither.
 */
async function inferKind(checkpoint: HymbaCheckpoint): Promise<ModelKind> {
  const nameOrPath = checkpoint.rawConfig._name_or_path;
  for (const name of [typeof nameOrPath === 'string' ? nameOrPath : '', basename(checkpoint.dir)]) {
    if (/instruct|chat/i.test(name)) return 'instruct';
    if (/base/i.test(name)) return 'base';
  }
  const path = checkpoint.sideFiles.get('tokenizer_config.json');
  if (!path) return 'base';
  const raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  return typeof raw.chat_template === 'string' || Array.isArray(raw.chat_template) ? 'instruct' : 'base';
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory() ? (await readdir(path)).length > 0 : true;
  } catch {
    return false;
  }
}

export async function convertCheckpoint(hfDir: string, outDirIn: string, options: ConvertOptions = {}): Promise<Result<ConvertedPackage>> {
  const outDir = resolve(outDirIn);
  const format = options.dtype ?? 'int4';
  const accuracyLevel = options.int4AccuracyLevel ?? 4;
  const { signal, onProgress } = options;
  if (await isNonEmptyDir(outDir)) return err(appError('IO_ERROR', `${outDir} already exists; choose another output folder or remove it`, { dir: outDir }));
  const opened = await (options.open ?? openHymbaCheckpoint)(hfDir);
  if (!opened.ok) return opened;
  const checkpoint = opened.value;
  const temp = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}-${Date.now()}`);
  try {
    if (signal?.aborted) throw new AppFailure(appError('CANCELLED', 'conversion cancelled'));
    await mkdir(temp, { recursive: true });
    const manifest = await writePackage(checkpoint, temp, outDir, format, accuracyLevel, options);
    if (signal?.aborted) throw new AppFailure(appError('CANCELLED', 'conversion cancelled'));
    await mkdir(dirname(outDir), { recursive: true });
    await rm(outDir, { recursive: true, force: true });
    await rename(temp, outDir);
    onProgress?.({ phase: 'finishing', tensorsDone: checkpoint.tensors.tensors.size, tensorsTotal: checkpoint.tensors.tensors.size, bytesDone: 1, bytesTotal: 1 });
    return ok({ dir: outDir, manifest, config: checkpoint.config });
  } catch (caught) {
    await rm(temp, { recursive: true, force: true });
    return err(toAppError(caught, 'IO_ERROR'));
  } finally {
    await checkpoint.tensors.close();
  }
}

async function writePackage(checkpoint: HymbaCheckpoint, temp: string, outDir: string, format: WeightFormat, accuracyLevel: number, options: ConvertOptions): Promise<PackageManifest> {
  const { config, tensors } = checkpoint;
  const { signal, onProgress } = options;
  const infos = [...tensors.tensors.values()];
  const tensorsTotal = infos.length;
  const weightBytes = infos.reduce((a, t) => a + t.byteLength, 0);

  const files = await describeSourceFiles(checkpoint.dir, signal, (done, total) => onProgress?.({ phase: 'hashing', tensorsDone: 0, tensorsTotal, bytesDone: done, bytesTotal: total }));

  let tensorsDone = 0;
  let bytesDone = 0;
  const read = async (name: string): Promise<Float32Array> => {
    if (signal?.aborted) throw new AppFailure(appError('CANCELLED', 'conversion cancelled'));
    const info = tensors.tensors.get(name);
    if (!info) throw new AppFailure(appError('CHECKPOINT_INVALID', `tensor ${name} is missing`, { tensor: name }));
    const values = await tensors.readFloat32(name);
    tensorsDone += 1;
    bytesDone += info.byteLength;
    onProgress?.({ phase: 'weights', tensorsDone, tensorsTotal, bytesDone, bytesTotal: weightBytes });
    return values;
  };
  const cacheDtype = options.cacheDtype ?? cacheDtypeFor(format);
  const int4Quantizer = format === 'int4' ? createInt4Quantizer() : serialInt4Quantizer;
  let written: Awaited<ReturnType<typeof writeOnnxModel>>;
  try {
    const graph = buildHymbaGraph(config, read, { format, int4AccuracyLevel: accuracyLevel, int4Quantizer, cacheType: cacheDtype });
    written = await writeOnnxModel(temp, graph, { signal, metadata: { hymba_weight_format: format, hymba_cache_dtype: cacheDtype } });
  } finally {
    await int4Quantizer.close();
  }

  await copyFile(join(checkpoint.dir, 'config.json'), join(temp, 'config.json'));
  for (const [name, path] of checkpoint.sideFiles) await copyFile(path, join(temp, name));

  const displayName = options.displayName ?? basename(outDir);
  const manifest: PackageManifest = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    id: options.id ?? packageId(displayName),
    displayName,
    kind: options.kind ?? (await inferKind(checkpoint)),
    createdAt: new Date().toISOString(),
    source: { dir: checkpoint.dir, files },
    weightFormat: format,
    ...(format === 'int4' ? { int4: { blockSize: INT4_BLOCK, accuracyLevel, zeroPoints: true as const } } : {}),
    cacheDtype,
    parameterCount: infos.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0),
    graph: { file: MODEL_FILE, dataFile: DATA_FILE, opset: 21, numMetaTokens: config.numMetaTokens, slidingWindow: config.slidingWindow, slidingCacheTrimmed: true, revision: GRAPH_REVISION },
    cacheLayout: cacheLayout(config, cacheDtype),
    sizes: { modelBytes: written.modelBytes, dataBytes: written.dataBytes },
  };
  await writeFile(join(temp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
