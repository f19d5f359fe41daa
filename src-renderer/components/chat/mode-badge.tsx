/** Shows which model drives the chat and how: Instruct → chat template, Base → plain completion. */
import { useApp } from '../../store/app-store.ts';
import { showView } from '../../store/ui-actions.ts';

export function ModeBadge() {
  const active = useApp((s) => s.models.active);
  const name = useApp((s) => s.models.list.find((m) => m.id === s.models.active?.modelId)?.displayName ?? s.models.active?.loaded?.displayName ?? null);
  let label = 'No model';
  let detail = 'Choose a model on the Models page';
  let tone = 'warning';
  if (active?.status === 'loading') {
    label = 'Loading…';
    detail = name ?? '';
    tone = '';
  } else if (active?.status === 'failed' || active?.status === 'crashed') {
    label = active.status === 'crashed' ? 'Engine stopped' : 'Model failed to load';
    detail = active.error?.message ?? '';
    tone = 'danger';
  } else if (active?.status === 'ready') {
    label = active.mode === 'completion' ? 'Base · plain completion' : 'Instruct · chat template';
    detail = name ?? '';
    tone = active.mode === 'completion' ? 'warning' : 'accent';
  }
  return (
    <button type="button" className="mode-switch" onClick={() => showView('models')} title={`${detail} — click to change the model`}>
      <span className="mode-model">{name ?? ''}</span>
      <span className={`badge ${tone}`} data-testid="mode-badge" data-mode={active?.mode ?? 'none'}>
        {label}
      </span>
    </button>
  );
}
