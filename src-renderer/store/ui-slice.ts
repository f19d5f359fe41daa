/**
 * UI slice: which view is shown, toasts (with an optional action such as Undo), the connection to the
 * host, and one-shot focus requests from keyboard shortcuts.
 */
import type { AppError } from '../../src-main/contract/errors.ts';

export type ViewName = 'chat' | 'models' | 'dashboard' | 'settings';

export interface Toast {
  readonly id: number;
  readonly kind: 'info' | 'success' | 'error';
  readonly message: string;
  readonly actionLabel?: string;
  readonly onAction?: () => void;
  /** Milliseconds before it hides itself; 0 keeps it until dismissed. */
  readonly timeoutMs: number;
}

export interface UiState {
  readonly view: ViewName;
  readonly toasts: readonly Toast[];
  readonly connection: 'connecting' | 'open' | 'lost';
  readonly host: 'electron' | 'browser' | null;
  /** Increments each time the search box should take focus (Ctrl/Cmd+K). */
  readonly searchFocusRequest: number;
  /** Increments each time the composer should take focus (new chat). */
  readonly composerFocusRequest: number;
  readonly sidePanelOpen: boolean;
  /** A failure that keeps the app from starting (no API). */
  readonly fatal: string | null;
}

export const initialUiState = (): UiState => ({
  view: 'chat',
  toasts: [],
  connection: 'connecting',
  host: null,
  searchFocusRequest: 0,
  composerFocusRequest: 0,
  sidePanelOpen: true,
  fatal: null,
});

let nextToastId = 1;

export function toastAdded(state: UiState, toast: Omit<Toast, 'id'>): { state: UiState; id: number } {
  const id = nextToastId++;
  return { state: { ...state, toasts: [...state.toasts.slice(-3), { ...toast, id }] }, id };
}

export function toastDismissed(state: UiState, id: number): UiState {
  return { ...state, toasts: state.toasts.filter((t) => t.id !== id) };
}

export function errorToast(error: AppError, prefix?: string): Omit<Toast, 'id'> {
  return { kind: 'error', message: prefix ? `${prefix}: ${error.message}` : error.message, timeoutMs: 8000 };
}
