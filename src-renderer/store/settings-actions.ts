/** Settings actions: load, save a patch, live budget estimate, devices and app info. */
import type { SettingsPatch } from '../../src-main/contract/ipc.ts';
import { getSlice, updateSlice } from './app-store.ts';
import { getApi } from './api-binding.ts';
import { estimateReceived, settingsReceived } from './settings-slice.ts';
import { errorToast } from './ui-slice.ts';
import { showToast } from './ui-actions.ts';
import { refreshDraftCount } from './chat-actions.ts';

export async function loadSettings(): Promise<void> {
  const [view, devices, info] = await Promise.all([getApi().settings.getSettings(), getApi().settings.listDevices(), getApi().settings.getAppInfo()]);
  updateSlice('settings', (s) => {
    let next = view.ok ? settingsReceived(s, view.value) : { ...s, error: view.error };
    if (devices.ok) next = { ...next, devices: devices.value };
    if (info.ok) next = { ...next, appInfo: info.value };
    return next;
  });
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
