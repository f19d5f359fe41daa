/**
 * Models slice: installed/embedded packages, the active model and its mode, the open details view and a
 * running import. Pure state and reducers.
 */
import type { AppError } from '../../src-main/contract/errors.ts';
import type { ActiveModelState, ImportProgress, ModelDetails, ModelSummary } from '../../src-main/contract/ipc.ts';

export interface ModelsState {
  readonly list: readonly ModelSummary[];
  readonly loaded: boolean;
  readonly active: ActiveModelState | null;
  readonly detailsId: string | null;
  readonly details: ModelDetails | null;
  readonly importing: ImportProgress | null;
  /** The error of the last import that failed to start or failed while running. */
  readonly importError: AppError | null;
  /** A model id waiting for the user's delete confirmation. */
  readonly confirmDeleteId: string | null;
  readonly error: AppError | null;
}

export const initialModelsState = (): ModelsState => ({
  list: [],
  loaded: false,
  active: null,
  detailsId: null,
  details: null,
  importing: null,
  importError: null,
  confirmDeleteId: null,
  error: null,
});

export function activeModelChanged(state: ModelsState, active: ActiveModelState): ModelsState {
  const list = state.list.map((m) => ({ ...m, active: m.id === active.modelId && active.status !== 'none' }));
  return { ...state, active, list };
}

export function importProgressed(state: ModelsState, progress: ImportProgress): ModelsState {
  if (state.importing && state.importing.importId !== progress.importId) return state;
  if (progress.phase === 'failed') return { ...state, importing: progress, importError: progress.error ?? { code: 'INTERNAL', message: progress.message } };
  return { ...state, importing: progress, importError: null };
}

/** True while an import is between start and a terminal phase. */
export function isImportRunning(state: ModelsState): boolean {
  const phase = state.importing?.phase;
  return phase !== undefined && phase !== 'done' && phase !== 'failed' && phase !== 'cancelled';
}
