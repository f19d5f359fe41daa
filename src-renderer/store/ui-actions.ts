/** UI actions: navigation, toasts and focus requests. */
import { updateSlice } from './app-store.ts';
import { toastAdded, toastDismissed, type Toast, type ViewName } from './ui-slice.ts';

export function showView(view: ViewName): void {
  updateSlice('ui', (s) => (s.view === view ? s : { ...s, view }));
}

export function showToast(toast: Omit<Toast, 'id'>): number {
  let id = 0;
  updateSlice('ui', (s) => {
    const added = toastAdded(s, toast);
    id = added.id;
    return added.state;
  });
  return id;
}

export function dismissToast(id: number): void {
  updateSlice('ui', (s) => toastDismissed(s, id));
}

export function requestSearchFocus(): void {
  updateSlice('ui', (s) => ({ ...s, view: 'chat', searchFocusRequest: s.searchFocusRequest + 1 }));
}

export function requestComposerFocus(): void {
  updateSlice('ui', (s) => ({ ...s, composerFocusRequest: s.composerFocusRequest + 1 }));
}

export function toggleSidePanel(): void {
  updateSlice('ui', (s) => ({ ...s, sidePanelOpen: !s.sidePanelOpen }));
}

export function setConnection(connection: 'connecting' | 'open' | 'lost'): void {
  updateSlice('ui', (s) => (s.connection === connection ? s : { ...s, connection }));
}
