/** Models actions: list, activate, details, import with progress and cancel, delete with confirmation. */
import type { ImportProgress, ImportRequest } from '../../src-main/contract/ipc.ts';
import { getSlice, updateSlice } from './app-store.ts';
import { getApi } from './api-binding.ts';
import { activeModelChanged, isImportRunning } from './models-slice.ts';
import { errorToast } from './ui-slice.ts';
import { showToast } from './ui-actions.ts';
import { refreshDraftCount } from './chat-actions.ts';

export async function refreshModels(): Promise<void> {
  const [list, active] = await Promise.all([getApi().models.listModels(), getApi().models.getActiveModel()]);
  if (!list.ok) {
    updateSlice('models', (s) => ({ ...s, error: list.error }));
    return;
  }
  updateSlice('models', (s) => {
    const next = { ...s, list: list.value, loaded: true, error: null };
    return active.ok ? activeModelChanged(next, active.value) : next;
  });
}

export async function activateModel(modelId: string): Promise<void> {
  updateSlice('models', (s) => ({ ...s, active: s.active ? { ...s.active, modelId, status: 'loading' } : s.active }));
  const result = await getApi().models.setActiveModel({ modelId });
  if (!result.ok) {
    showToast(errorToast(result.error, 'Could not load the model'));
    await refreshModels();
    return;
  }
  updateSlice('models', (s) => activeModelChanged(s, result.value));
  if (result.value.status === 'failed' && result.value.error) showToast(errorToast(result.value.error, 'Could not load the model'));
  void refreshDraftCount();
}

export async function showModelDetails(modelId: string | null): Promise<void> {
  updateSlice('models', (s) => ({ ...s, detailsId: modelId, details: modelId === s.detailsId ? s.details : null }));
  if (!modelId) return;
  const result = await getApi().models.getModelDetails({ modelId });
  if (!result.ok) {
    showToast(errorToast(result.error, 'Could not read the model'));
    return;
  }
  updateSlice('models', (s) => (s.detailsId === modelId ? { ...s, details: result.value } : s));
}

export async function startImport(request: ImportRequest): Promise<void> {
  if (isImportRunning(getSlice('models'))) return;
  updateSlice('models', (s) => ({ ...s, importError: null, importing: null }));
  const result = await getApi().models.importModel(request);
  if (!result.ok) {
    updateSlice('models', (s) => ({ ...s, importError: result.error }));
    return;
  }
  const { importId } = result.value;
  updateSlice('models', (s) =>
    s.importing?.importId === importId ? s : { ...s, importing: { importId, phase: 'validating', fraction: 0, message: 'Starting…' } },
  );
}

export async function cancelImport(): Promise<void> {
  const importing = getSlice('models').importing;
  if (!importing || !isImportRunning(getSlice('models'))) return;
  const result = await getApi().models.cancelImport({ importId: importing.importId });
  if (!result.ok) showToast(errorToast(result.error, 'Could not cancel'));
}

export function dismissImport(): void {
  updateSlice('models', (s) => (isImportRunning(s) ? s : { ...s, importing: null, importError: null }));
}

/** Called for every import progress event after the slice has folded it in. */
export function onImportProgress(progress: ImportProgress): void {
  if (progress.phase === 'done') {
    showToast({ kind: 'success', message: 'Model imported', timeoutMs: 5000 });
    void refreshModels();
  }
}

export function askDeleteModel(modelId: string | null): void {
  updateSlice('models', (s) => ({ ...s, confirmDeleteId: modelId }));
}

export async function confirmDeleteModel(): Promise<void> {
  const modelId = getSlice('models').confirmDeleteId;
  if (!modelId) return;
  const result = await getApi().models.deleteModel({ modelId });
  updateSlice('models', (s) => ({ ...s, confirmDeleteId: null, ...(s.detailsId === modelId ? { detailsId: null, details: null } : {}) }));
  if (!result.ok) showToast(errorToast(result.error, 'Could not delete the model'));
  await refreshModels();
}
