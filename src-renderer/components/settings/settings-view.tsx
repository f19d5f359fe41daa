/** The Settings screen: appearance, device, memory budget, threads, default generation, local API, data folder. */
import { useEffect, useState } from 'react';
import type { DevicePreference } from '../../../src-main/contract/domain.ts';
import type { Theme } from '../../../src-main/contract/ipc.ts';
import { useApp } from '../../store/app-store.ts';
import { loadSettings, updateSettings } from '../../store/settings-actions.ts';
import { IntegerField } from '../common/integer-field.tsx';
import { SamplingFields } from '../common/sampling-fields.tsx';
import { ApiSection } from './api-section.tsx';
import { BudgetField } from './budget-field.tsx';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'System' },
];

const DEVICE_NAMES: Record<DevicePreference, string> = {
  auto: 'Automatic',
  cpu: 'CPU',
  webgpu: 'WebGPU',
  cuda: 'NVIDIA CUDA',
  dml: 'DirectML',
  coreml: 'Core ML',
};

function DeviceField() {
  const devices = useApp((s) => s.settings.devices);
  const current = useApp((s) => s.settings.view?.settings.device ?? 'auto');
  return (
    <fieldset className="field device-field">
      <legend className="field-label">Device</legend>
      <div className="device-options">
        {devices.map((option) => (
          <label key={option.device} className={`device-option card${option.device === current ? ' selected' : ''}${option.available ? '' : ' unavailable'}`}>
            <input
              type="radio"
              name="device"
              value={option.device}
              data-testid={`device-option-${option.device}`}
              checked={option.device === current}
              disabled={!option.available}
              onChange={() => void updateSettings({ device: option.device })}
            />
            <span className="device-text">
              <strong>{DEVICE_NAMES[option.device]}</strong>
              {option.available ? null : <span className="badge">Not available</span>}
              <span className="muted device-detail">{option.detail}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function ThreadsField() {
  const threads = useApp((s) => s.settings.view?.settings.threads ?? 0);
  return <IntegerField id="threads" testId="threads-input" label="CPU threads" hint="0 = one per physical core" value={threads} min={0} max={256} onSave={(value) => void updateSettings({ threads: value })} />;
}

function DataFolderField() {
  const dataDir = useApp((s) => s.settings.view?.settings.dataDir ?? '');
  const restartRequired = useApp((s) => s.settings.view?.restartRequired ?? false);
  const [text, setText] = useState(dataDir);
  useEffect(() => setText(dataDir), [dataDir]);
  return (
    <div className="field">
      <label className="field-label" htmlFor="data-dir">
        Data folder
        <span className="faint field-hint">Conversations and installed models; a change applies after a restart</span>
      </label>
      <div className="field-row">
        <input id="data-dir" className="input mono grow" data-testid="data-dir" value={text} onChange={(event) => setText(event.target.value)} />
        <button type="button" className="button" disabled={!text.trim() || text === dataDir} onClick={() => void updateSettings({ dataDir: text.trim() })}>
          Save
        </button>
      </div>
      {restartRequired ? <div className="notice warning">Restart Hymba Desk to use the new data folder.</div> : null}
    </div>
  );
}

export function SettingsView() {
  const view = useApp((s) => s.settings.view);
  const info = useApp((s) => s.settings.appInfo);
  useEffect(() => {
    void loadSettings();
  }, []);
  if (!view) return <div className="page">Loading settings…</div>;
  const theme = view.settings.theme;
  return (
    <div className="page settings-view">
      <header className="page-header">
        <h1>Settings</h1>
        <p className="muted">Changes are saved as you make them.</p>
      </header>
      <section className="card settings-section">
        <h2>Appearance</h2>
        <div className="segmented" role="radiogroup" aria-label="Theme">
          {THEMES.map((option) => (
            <button
              key={option.value}
              type="button"
              role="radio"
              aria-checked={theme === option.value}
              className={theme === option.value ? 'selected' : ''}
              data-testid={`theme-${option.value}`}
              onClick={() => void updateSettings({ theme: option.value })}
            >
              {option.label}
            </button>
          ))}
        </div>
      </section>
      <section className="card settings-section">
        <h2>Engine</h2>
        <DeviceField />
        <BudgetField />
        <ThreadsField />
      </section>
      <section className="card settings-section">
        <h2>Default generation settings</h2>
        <p className="muted small-note">New chats start with these; each chat can change its own in the chat panel.</p>
        <SamplingFields value={view.settings.defaultSampling} onChange={(patch) => void updateSettings({ defaultSampling: patch })} />
      </section>
      <ApiSection />
      <section className="card settings-section">
        <h2>Storage</h2>
        <DataFolderField />
      </section>
      {info ? (
        <p className="faint about-line">
          Hymba Desk {info.version} · {info.host === 'electron' ? 'desktop app' : 'browser mode'} · {info.platform}
        </p>
      ) : null}
    </div>
  );
}
