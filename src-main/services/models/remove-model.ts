/** Removes an installed model package; embedded packages are read-only. */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { appError, err, ok, type Result } from '../../contract/errors.ts';
import { resolveModel } from './resolve-model.ts';
import type { ModelFolders } from './list-models.ts';

export async function removeModel(folders: ModelFolders, modelId: string): Promise<Result<{ deleted: true }>> {
  const resolved = await resolveModel(folders, modelId);
  if (!resolved.ok) return resolved;
  if (resolved.value.source === 'embedded') return err(appError('BAD_REQUEST', 'Embedded models are part of the app and cannot be deleted'));
  // Rename first so a half-deleted folder is never listed as a model.
  const doomed = join(folders.installedDir, `.deleting-${modelId}-${Date.now()}`);
  try {
    await rename(resolved.value.packageDir, doomed);
    await rm(doomed, { recursive: true, force: true });
  } catch (caught) {
    return err(appError('IO_ERROR', `Could not delete ${modelId}: ${caught instanceof Error ? caught.message : String(caught)}`));
  }
  return ok({ deleted: true });
}
