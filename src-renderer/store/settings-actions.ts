/** Settings actions: load, save a patch, live budget estimate, devices, app info and the local API. */
import type { ApiSettings, SettingsPatch } from '../../src-main/contract/ipc.ts';
import { getSlice, updateSlice } from './app-store.ts';
import { getApi } from './api-binding.ts';
import { apiStatusReceived, estimateReceived, settingsReceived } from './settings-slice.ts';
import { errorToast } from './ui-slice.ts';
import { showToast } from './ui-actions.ts';
import { refreshDraftCount } from './chat-actions.ts';

export async function loadSettings(): Promise<void> {
  const api = getApi().settings;
  const [view, devices, info, apiStatus] = await Promise.all([api.getSettings(), api.listDevices(), api.getAppInfo(), api.getApiStatus()]);
  updateSlice('settings', (s) => {
    let next = view.ok ? settingsReceived(s, view.value) : { ...s, error: view.error };
    if (devices.ok) next = { ...next, devices: devices.value };
    if (info.ok) next = { ...next, appInfo: info.value };
    if (apiStatus.ok) next = apiStatusReceived(next, apiStatus.value);
    return next;
  });
}

/** Asks for the API server's state (the host answers a settings change once the server followed it). */
async function refreshApiStatus(): Promise<void> {
  const status = await getApi().settings.getApiStatus();
  if (status.ok) updateSlice('settings', (s) => apiStatusReceived(s, status.value));
}

/** Saves a change to the local API settings; the server starts, stops or restarts to match. */
export async function updateApiSettings(patch: Partial<ApiSettings>): Promise<boolean> {
  const saved = await updateSettings({ api: patch });
  await refreshApiStatus();
  return saved;
}

/** Replaces the API token; clients must use the new one from now on. */
export async function regenerateApiToken(): Promise<void> {
  const result = await getApi().settings.regenerateApiToken();
  if (!result.ok) {
    showToast(errorToast(result.error, 'Could not make a new token'));
    return;
  }
  updateSlice('settings', (s) => settingsReceived(s, result.value));
  await refreshApiStatus();
  showToast({ kind: 'success', message: 'New API token saved. Clients need the new one.', timeoutMs: 4000 });
}

export async function updateSettings(patch: SettingsPatch): Promise<boolean> {
  updateSlice('settings', (s) => ({ ...s, saving: true }));
  const result = await getApi().settings.updateSettings(patch);
  if (!result.ok) {
    updateSlice('settings', (s) => ({ ...s, saving: false, error: result.error }));
    showToast(errorToast(result.error, 'Could not save the settings'));
    return false;
  }
  updateSlice('settings', (s) => ({ ...settingsReceived(s, result.value), saving: false }));
  if (patch.memoryBudgetBytes !== undefined) void refreshDraftCount();
  return true;
}

/** The user moved the budget control: show "fits N tokens" for it without saving. */
export async function previewBudget(memoryBudgetBytes: number): Promise<void> {
  updateSlice('settings', (s) => ({ ...s, budgetDraft: memoryBudgetBytes }));
  const result = await getApi().settings.estimateContext({ memoryBudgetBytes });
  if (!result.ok) return;
  updateSlice('settings', (s) => estimateReceived(s, result.value));
}

/** Saves the budget being previewed. */
export async function commitBudget(): Promise<void> {
  const draft = getSlice('settings').budgetDraft;
  if (draft === null) return;
  await updateSettings({ memoryBudgetBytes: draft });
}
