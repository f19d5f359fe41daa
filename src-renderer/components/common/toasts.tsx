/** Toast stack in the bottom corner; each hides itself after its timeout unless it is hovered. */
import { useEffect, useState } from 'react';
import { useApp } from '../../store/app-store.ts';
import { dismissToast } from '../../store/ui-actions.ts';
import type { Toast } from '../../store/ui-slice.ts';
import { CloseIcon } from './icons.tsx';

function ToastItem({ toast }: { toast: Toast }) {
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (toast.timeoutMs <= 0 || paused) return;
    const timer = window.setTimeout(() => dismissToast(toast.id), toast.timeoutMs);
    return () => window.clearTimeout(timer);
  }, [toast.id, toast.timeoutMs, paused]);
  return (
    <div
      className={`toast toast-${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      data-testid="toast"
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
    >
      <span className="toast-message">{toast.message}</span>
      {toast.actionLabel && toast.onAction ? (
        <button
          type="button"
          className="button small"
          data-testid="toast-action"
          onClick={() => {
            toast.onAction?.();
            dismissToast(toast.id);
          }}
        >
          {toast.actionLabel}
        </button>
      ) : null}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
        <CloseIcon />
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useApp((s) => s.ui.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}
