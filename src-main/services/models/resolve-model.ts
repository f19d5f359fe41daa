/** Resolves a model id to its package (embedded or installed). */
import type { ModelDetails } from '../../contract/api-types.ts';
import { appError, err, ok, type Result } from '../../contract/errors.ts';
import { listModels, type ModelFolders } from './list-models.ts';

export async function resolveModel(folders: ModelFolders, modelId: string): Promise<Result<ModelDetails>> {
  const { models } = await listModels(folders);
  const found = models.find((m) => m.id === modelId);
  return found ? ok(found) : err(appError('MODEL_NOT_FOUND', `No model with id ${modelId}`));
}

/**
 * The model to start with: the chosen one if it still exists, else the embedded Instruct model (chat works
 * out of the box), else any embedded one, else any.
 */
export async function resolveStartupModel(folders: ModelFolders, chosenId: string | null): Promise<ModelDetails | null> {
  const { models } = await listModels(folders);
  const embedded = models.filter((m) => m.source === 'embedded');
  return models.find((m) => m.id === chosenId) ?? embedded.find((m) => m.kind === 'instruct') ?? embedded[0] ?? models[0] ?? null;
}
