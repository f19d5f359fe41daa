/** The Models screen: the installed and embedded models, switching, details, delete and import. */
import type { ModelSummary } from '../../../src-main/contract/ipc.ts';
import { useApp } from '../../store/app-store.ts';
import { activateModel, askDeleteModel, confirmDeleteModel, showModelDetails } from '../../store/models-actions.ts';
import { ConfirmDialog } from '../common/dialog.tsx';
import { formatBytes, formatParameters } from '../common/format.ts';
import { TrashIcon } from '../common/icons.tsx';
import { ImportPanel } from './import-panel.tsx';
import { ModelDetailsPanel } from './model-details.tsx';

function KindBadge({ kind }: { kind: ModelSummary['kind'] }) {
  return kind === 'instruct' ? (
    <span className="badge accent" title="Chats through its chat template">
      Instruct
    </span>
  ) : (
    <span className="badge warning" title="Continues plain text (completion)">
      Base
    </span>
  );
}

function ModelRow({ model }: { model: ModelSummary }) {
  const activeStatus = useApp((s) => (s.models.active?.modelId === model.id ? s.models.active.status : null));
  const busy = useApp((s) => s.models.active?.status === 'loading' || s.chat.running !== null);
  const selected = useApp((s) => s.models.detailsId === model.id);
  const isActive = activeStatus === 'ready';
  return (
    <tr className={`model-row${selected ? ' selected' : ''}`} data-testid="model-row" data-model-id={model.id} data-kind={model.kind} data-active={isActive}>
      <td>
        <button type="button" className="link-button model-name" onClick={() => void showModelDetails(selected ? null : model.id)} data-testid="details-button">
          {model.displayName}
        </button>
        <div className="faint mono model-id">{model.id}</div>
      </td>
      <td>
        <KindBadge kind={model.kind} />
        {model.source === 'embedded' ? <span className="badge">Built-in</span> : null}
      </td>
      <td className="num">{formatParameters(model.parameters)}</td>
      <td className="num">{formatBytes(model.sizeBytes)}</td>
      <td>
        <span className="mono">{model.weightFormat}</span>
      </td>
      <td className="num">{formatBytes(model.cacheBytesPerToken)}</td>
      <td>
        <div className="model-actions">
          {activeStatus === 'ready' ? (
            <span className="badge success" data-testid="active-badge">
              Active
            </span>
          ) : activeStatus === 'loading' ? (
            <span className="badge">Loading…</span>
          ) : (
            <button type="button" className="button small" data-testid="activate-button" disabled={busy} onClick={() => void activateModel(model.id)}>
              Use
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            aria-label={`Delete ${model.displayName}`}
            data-testid="delete-model-button"
            disabled={model.source === 'embedded' || isActive}
            title={model.source === 'embedded' ? 'Built-in models cannot be deleted' : isActive ? 'Switch to another model first' : 'Delete'}
            onClick={() => askDeleteModel(model.id)}
          >
            <TrashIcon />
          </button>
        </div>
      </td>
    </tr>
  );
}

export function ModelsView() {
  const models = useApp((s) => s.models.list);
  const loaded = useApp((s) => s.models.loaded);
  const error = useApp((s) => s.models.error);
  const confirmId = useApp((s) => s.models.confirmDeleteId);
  const confirmModel = models.find((m) => m.id === confirmId);
  const detailsId = useApp((s) => s.models.detailsId);
  return (
    <div className="page models-view">
      <header className="page-header">
        <h1>Models</h1>
        <p className="muted">Instruct models chat through their template; Base models continue plain text.</p>
      </header>
      {error ? (
        <div className="notice danger" role="alert">
          {error.message}
        </div>
      ) : null}
      <section className="card table-card">
        <table className="models-table" data-testid="models-table">
          <thead>
            <tr>
              <th>Model</th>
              <th>Kind</th>
              <th className="num">Parameters</th>
              <th className="num">Size</th>
              <th>Weights</th>
              <th className="num" title="Cache bytes each further context token costs">
                Cache / token
              </th>
              <th />
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <ModelRow key={model.id} model={model} />
            ))}
            {loaded && models.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty-note">
                  No models yet. Import a Hugging Face Hymba folder below.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
      {detailsId ? <ModelDetailsPanel /> : null}
      <ImportPanel />
      {confirmModel ? (
        <ConfirmDialog title={`Delete ${confirmModel.displayName}?`} confirmLabel="Delete" danger onConfirm={() => void confirmDeleteModel()} onCancel={() => askDeleteModel(null)}>
          <p>
            This removes the converted package ({formatBytes(confirmModel.sizeBytes)}) from this computer. The original checkpoint folder is not touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
