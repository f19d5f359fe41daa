/** Import a Hugging Face Hymba folder: path, optional name and weight format, progress with cancel. */
import { useState } from 'react';
import type { WeightFormat } from '../../../src-main/contract/domain.ts';
import { useApp } from '../../store/app-store.ts';
import { cancelImport, dismissImport, startImport } from '../../store/models-actions.ts';
import { isImportRunning } from '../../store/models-slice.ts';
import { formatPercent } from '../common/format.ts';
import { FolderIcon } from '../common/icons.tsx';
import { Meter } from '../common/meter.tsx';

const PHASE_LABEL: Record<string, string> = {
  validating: 'Checking the folder',
  converting: 'Converting weights',
  verifying: 'Verifying',
  installing: 'Installing',
  done: 'Imported',
  failed: 'Import failed',
  cancelled: 'Cancelled',
};

export function ImportPanel() {
  const importing = useApp((s) => s.models.importing);
  const importError = useApp((s) => s.models.importError);
  const running = useApp((s) => isImportRunning(s.models));
  const [sourceDir, setSourceDir] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [weightFormat, setWeightFormat] = useState<WeightFormat>('fp32');

  const submit = (): void => {
    if (!sourceDir.trim()) return;
    void startImport({ sourceDir: sourceDir.trim(), weightFormat, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) });
  };

  return (
    <section className="card import-panel" aria-label="Import a model">
      <h2>Import a Hugging Face checkpoint</h2>
      <p className="muted small-note">
        A folder with <span className="mono">config.json</span>, <span className="mono">*.safetensors</span> and the tokenizer files of a Hymba model (Base or Instruct).
      </p>
      <form
        className="import-form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label className="search-box grow">
          <FolderIcon />
          <input
            aria-label="Checkpoint folder"
            data-testid="import-path"
            placeholder="/path/to/Hymba-1.5B-Instruct"
            value={sourceDir}
            disabled={running}
            onChange={(event) => setSourceDir(event.target.value)}
          />
        </label>
        <input
          className="input name-input"
          aria-label="Display name (optional)"
          placeholder="Name (optional)"
          value={displayName}
          disabled={running}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        <select className="select format-select" aria-label="Weight format" value={weightFormat} disabled={running} onChange={(event) => setWeightFormat(event.target.value as WeightFormat)}>
          <option value="fp32">fp32</option>
          <option value="fp16">fp16</option>
          <option value="int4">int4</option>
        </select>
        <button type="submit" className="button primary" data-testid="import-button" disabled={running || !sourceDir.trim()}>
          Import
        </button>
      </form>
      {importing && importing.phase !== 'failed' ? (
        <div className={`import-progress phase-${importing.phase}`} data-testid="import-progress" data-phase={importing.phase}>
          <div className="import-progress-header">
            <strong>{PHASE_LABEL[importing.phase] ?? importing.phase}</strong>
            <span className="muted import-message">{importing.message}</span>
            <span className="import-percent">{formatPercent(importing.fraction)}</span>
          </div>
          <Meter
            fraction={importing.fraction}
            tone={importing.phase === 'done' ? 'success' : 'accent'}
            label="Import progress"
            testId="import-progress-bar"
          />
          <div className="button-row">
            {running ? (
              <button type="button" className="button small" data-testid="import-cancel" onClick={() => void cancelImport()}>
                Cancel
              </button>
            ) : (
              <button type="button" className="button small" onClick={dismissImport}>
                Dismiss
              </button>
            )}
          </div>
        </div>
      ) : null}
      {importError ? (
        <div className="notice danger import-error" role="alert" data-testid="import-error">
          <span>
            <strong>Could not import this folder.</strong> {importError.message}
          </span>
          <button type="button" className="button small" onClick={dismissImport}>
            Dismiss
          </button>
        </div>
      ) : null}
    </section>
  );
}
