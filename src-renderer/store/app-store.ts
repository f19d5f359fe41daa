/**
 * The one renderer store, made of five slices (chat, models, dashboard, settings, ui). State only:
 * actions are module-level functions (store/*-actions.ts) that call the API and fold results and
 * events in through `setState`. Components read it through narrow selectors with `useApp`.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { initialChatState, type ChatState } from './chat-slice.ts';
import { initialModelsState, type ModelsState } from './models-slice.ts';
import { initialDashboardState, type DashboardState } from './dashboard-slice.ts';
import { initialSettingsState, type SettingsState } from './settings-slice.ts';
import { initialUiState, type UiState } from './ui-slice.ts';

export interface AppState {
  readonly chat: ChatState;
  readonly models: ModelsState;
  readonly dashboard: DashboardState;
  readonly settings: SettingsState;
  readonly ui: UiState;
}

export type SliceName = keyof AppState;

export const initialAppState = (): AppState => ({
  chat: initialChatState(),
  models: initialModelsState(),
  dashboard: initialDashboardState(),
  settings: initialSettingsState(),
  ui: initialUiState(),
});

export const appStore = createStore<AppState>()(() => initialAppState());

/** Replaces one slice with the result of a pure reducer over it. */
export function updateSlice<K extends SliceName>(slice: K, reduce: (state: AppState[K]) => AppState[K]): void {
  appStore.setState((state) => ({ [slice]: reduce(state[slice]) }) as unknown as Partial<AppState>);
}

export function getSlice<K extends SliceName>(slice: K): AppState[K] {
  return appStore.getState()[slice];
}

/** Back to a fresh state (tests; also after the host restarts). */
export function resetAppStore(): void {
  appStore.setState(initialAppState(), true);
}

/** React hook: subscribe to a narrow piece of the store. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}
