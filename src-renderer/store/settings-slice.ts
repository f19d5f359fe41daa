/**
 * Settings slice: the saved settings as the settings service reports them, the devices detected on this
 * machine, the app info, the live "fits N tokens" estimate for a budget being edited, and the state of the
 * local OpenAI-compatible API server.
 */
import type { AppError } from '../../src-main/contract/errors.ts';
import type { ApiServerStatus, AppInfo, ContextEstimate, DeviceOption, SettingsView } from '../../src-main/contract/ipc.ts';

export interface SettingsState {
  readonly view: SettingsView | null;
  readonly devices: readonly DeviceOption[];
  readonly appInfo: AppInfo | null;
  /** The budget the user is dragging to (not saved yet), or null when it equals the saved one. */
  readonly budgetDraft: number | null;
  /** Estimate for `budgetDraft`, or for the saved budget when there is no draft. */
  readonly estimate: ContextEstimate | null;
  readonly saving: boolean;
  readonly error: AppError | null;
  /** The local API server as the host last reported it (null until asked). */
  readonly apiStatus: ApiServerStatus | null;
}

export const initialSettingsState = (): SettingsState => ({
  view: null,
  devices: [],
  appInfo: null,
  budgetDraft: null,
  estimate: null,
  saving: false,
  error: null,
  apiStatus: null,
});

export function apiStatusReceived(state: SettingsState, apiStatus: ApiServerStatus): SettingsState {
  return { ...state, apiStatus };
}

export function settingsReceived(state: SettingsState, view: SettingsView): SettingsState {
  const draftSettled = state.budgetDraft === null || state.budgetDraft === view.settings.memoryBudgetBytes;
  return {
    ...state,
    view,
    budgetDraft: draftSettled ? null : state.budgetDraft,
    estimate: draftSettled ? view.estimate : state.estimate,
    error: null,
  };
}

/** Applies an estimate only if it is for the budget currently shown (answers can arrive out of order). */
export function estimateReceived(state: SettingsState, estimate: ContextEstimate): SettingsState {
  const shown = state.budgetDraft ?? state.view?.settings.memoryBudgetBytes;
  return shown === estimate.memoryBudgetBytes ? { ...state, estimate } : state;
}
