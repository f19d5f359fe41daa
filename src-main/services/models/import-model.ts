/**
 * Imports a Hugging Face Hymba folder: validate it, convert it through a `ModelConverter` into a
 * temporary folder inside `<dataDir>/models`, then rename it into place only when complete. Progress is
 * reported through a callback; an AbortSignal cancels (the temporary folder is removed).
 *
 * The converter is injected: the engine's package converter (src-main/engine/package) plugs in here.
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ImportPhase, ImportProgress, ImportRequest } from '../../contract/api-types.ts';
import type { WeightFormat } from '../../contract/domain.ts';
import { appError, err, ok, toAppError, type AppError, type Result } from '../../contract/errors.ts';
import { parseHymbaConfig } from '../../engine/config/hymba-config.ts';
import { readModelPackage } from './model-package.ts';

export interface ConvertOptions {
  readonly sourceDir: string;
  /** Empty folder to write the package into. */
  readonly outputDir: string;
  readonly id: string;
  readonly displayName: string;
  /** Absent: the converter's default. */
  readonly weightFormat?: WeightFormat;
  readonly signal: AbortSignal;
  /** fraction 0..1 of the conversion. */
  readonly onProgress: (fraction: number, message: string) => void;
}

/** Writes a model package (manifest.json, model.onnx + .data, tokenizer/config files) from an HF folder. */
export interface ModelConverter {
  convert(options: ConvertOptions): Promise<Result<void>>;
}

/** Used until the engine's converter is wired in: every import fails with a clear message. */
export const unavailableConverter: ModelConverter = {
  convert: async () => err(appError('INTERNAL', 'Model conversion is not available in this build')),
};

/** Checks that a folder looks like a Hymba checkpoint before any work starts. */
export async function validateSourceFolder(sourceDir: string): Promise<Result<{ suggestedName: string }>> {
  if (!isAbsolute(sourceDir)) return err(appError('BAD_REQUEST', 'Give the absolute path of the folder'));
  let names: string[];
  try {
    if (!(await stat(sourceDir)).isDirectory()) return err(appError('CHECKPOINT_INVALID', `${sourceDir} is not a folder`));
    names = await readdir(sourceDir);
  } catch {
    return err(appError('CHECKPOINT_INVALID', `Folder not found: ${sourceDir}`));
  }
  if (!names.includes('config.json')) return err(appError('CHECKPOINT_INVALID', 'The folder has no config.json: it is not a Hugging Face model folder'));
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(sourceDir, 'config.json'), 'utf8'));
  } catch {
    return err(appError('CHECKPOINT_INVALID', 'config.json is not valid JSON'));
  }
  const config = parseHymbaConfig(raw);
  if (!config.ok) return err(appError('CHECKPOINT_INVALID', `Not a supported Hymba config: ${config.error.message}`));
  if (!names.some((n) => n.endsWith('.safetensors'))) return err(appError('CHECKPOINT_INVALID', 'The folder has no .safetensors weights'));
  if (!names.includes('tokenizer.json')) return err(appError('CHECKPOINT_INVALID', 'The folder has no tokenizer.json'));
  return ok({ suggestedName: basename(sourceDir) });
}

export interface ImportJob {
  readonly importId: string;
  readonly done: Promise<Result<string>>;
  cancel(): void;
}

/** Starts an import; progress goes to `report`; `done` resolves with the new model id. */
export function startImport(installedDir: string, request: ImportRequest, converter: ModelConverter, report: (progress: ImportProgress) => void): ImportJob {
  const importId = randomUUID();
  const controller = new AbortController();
  const send = (phase: ImportPhase, fraction: number, message: string, extra: { modelId?: string; error?: AppError } = {}) =>
    report({ importId, phase, fraction, message, ...extra });
  const run = async (): Promise<Result<string>> => {
    send('validating', 0, `Checking ${request.sourceDir}`);
    const valid = await validateSourceFolder(request.sourceDir);
    if (!valid.ok) return valid;
    const displayName = request.displayName ?? valid.value.suggestedName;
    const id = `${displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'model'}-${importId.slice(0, 8)}`;
    await mkdir(installedDir, { recursive: true });
    const temp = join(installedDir, `.import-${importId}`);
    try {
      const converted = await converter.convert({
        sourceDir: request.sourceDir,
        outputDir: temp,
        id,
        displayName,
        ...(request.weightFormat ? { weightFormat: request.weightFormat } : {}),
        signal: controller.signal,
        onProgress: (fraction, message) => send('converting', 0.05 + 0.85 * Math.min(1, Math.max(0, fraction)), message),
      });
      if (controller.signal.aborted) return err(appError('CANCELLED', 'Import cancelled'));
      if (!converted.ok) return converted;
      send('verifying', 0.92, 'Checking the converted package');
      const check = await readModelPackage(temp, 'installed');
      if (!check.ok) return check;
      send('installing', 0.97, 'Installing');
      await rename(temp, join(installedDir, check.value.id));
      return ok(check.value.id);
    } catch (caught) {
      return err(controller.signal.aborted ? appError('CANCELLED', 'Import cancelled') : toAppError(caught, 'IO_ERROR'));
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  };
  const done = run().then((result) => {
    if (result.ok) send('done', 1, 'Imported', { modelId: result.value });
    else if (result.error.code === 'CANCELLED') send('cancelled', 0, 'Import cancelled');
    else send('failed', 0, result.error.message, { error: result.error });
    return result;
  });
  return { importId, done, cancel: () => controller.abort() };
}
