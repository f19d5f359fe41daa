/**
 * Settings → OpenAI-compatible API: the switch, the port, the token (hidden until shown; copy; make a new
 * one), what the server is doing, and, while it runs, the base URL and a curl example to copy.
 */
import { useState } from 'react';
import { apiConnectionInfo, DEFAULT_API_HOST } from '../../../src-main/contract/api-connection.ts';
import type { ApiServerStatus, ApiSettings } from '../../../src-main/contract/ipc.ts';
import { useApp } from '../../store/app-store.ts';
import { regenerateApiToken, updateApiSettings } from '../../store/settings-actions.ts';
import { ConfirmDialog } from '../common/dialog.tsx';
import { CopyButton } from '../common/copy-button.tsx';
import { IntegerField } from '../common/integer-field.tsx';

/** Shown in the curl example in place of a token this screen does not know. */
const COMMAND_LINE_TOKEN = '<token given to hymba serve>';

function statusText(status: ApiServerStatus | null, enabled: boolean): { label: string; tone: string } {
  switch (status?.state) {
    case 'running':
      return { label: 'Running', tone: 'success' };
    case 'starting':
      return { label: 'Starting…', tone: 'accent' };
    case 'error':
      return { label: 'Not running', tone: 'danger' };
    default:
      return { label: enabled ? 'Stopped' : 'Off', tone: '' };
  }
}


function TokenField({ token, shown, setShown }: { token: string; shown: boolean; setShown: (shown: boolean) => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="field">
      <span className="field-label">
        Token
        <span className="faint field-hint">Clients send it as Authorization: Bearer &lt;token&gt;</span>
      </span>
      <div className="field-row">
        <code className="input mono grow api-token" data-testid="api-token" data-shown={shown}>
          {shown ? token : '•'.repeat(24)}
        </code>
        <button type="button" className="button small" onClick={() => setShown(!shown)} data-testid="api-token-toggle">
          {shown ? 'Hide' : 'Show'}
        </button>
        <CopyButton text={token} label="Copy the token" testId="api-token-copy" />
        <button type="button" className="button small" onClick={() => setConfirming(true)} data-testid="api-token-regenerate">
          New token
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Make a new API token?"
          confirmLabel="Make new token"
          onConfirm={() => {
            setConfirming(false);
            void regenerateApiToken();
          }}
          onCancel={() => setConfirming(false)}
        >
          Programs that use the current token will be refused until they are given the new one.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function ConnectionDetails({ status, api, tokenShown }: { status: ApiServerStatus; api: ApiSettings; tokenShown: boolean }) {
  const model = useApp((s) => s.models.list.find((m) => m.active) ?? null);
  const baseUrl = status.baseUrl ?? '';
  const token = status.tokenOverridden ? COMMAND_LINE_TOKEN : api.token;
  const endpoint = { host: status.host, port: status.port, ...(model ? { modelId: model.id, modelKind: model.kind } : {}) };
  const example = apiConnectionInfo({ ...endpoint, token });
  const shownExample = tokenShown || status.tokenOverridden ? example : apiConnectionInfo({ ...endpoint, token: '•'.repeat(12) });
  return (
    <div className="api-connection">
      <div className="field">
        <span className="field-label">Base URL</span>
        <div className="field-row">
          <code className="input mono grow" data-testid="api-base-url">
            {baseUrl}
          </code>
          <CopyButton text={baseUrl} label="Copy the base URL" testId="api-base-url-copy" />
        </div>
      </div>
      <div className="field">
        <span className="field-label">
          Try it
          <span className="faint field-hint">{model ? `Asks ${model.displayName}` : 'Load a model in Models first'}</span>
        </span>
        <div className="api-curl">
          <pre className="mono" data-testid="api-curl">
            {shownExample.curlExample}
          </pre>
          <CopyButton text={example.curlExample} label="Copy the curl command" testId="api-curl-copy" />
        </div>
      </div>
    </div>
  );
}

/** The on/off switch; it shows the new position at once while the host applies it. */
function EnableSwitch({ enabled }: { enabled: boolean }) {
  const [pending, setPending] = useState<boolean | null>(null);
  const toggle = async (next: boolean): Promise<void> => {
    setPending(next);
    await updateApiSettings({ enabled: next });
    setPending(null);
  };
  return (
    <label className="switch">
      <input type="checkbox" role="switch" data-testid="api-enabled" checked={pending ?? enabled} onChange={(event) => void toggle(event.target.checked)} />
      <span>Enable the local API</span>
    </label>
  );
}

export function ApiSection() {
  const api = useApp((s) => s.settings.view?.settings.api ?? null);
  const status = useApp((s) => s.settings.apiStatus);
  const [tokenShown, setTokenShown] = useState(false);
  if (!api) return null;
  const { label, tone } = statusText(status, api.enabled);
  const fromCommandLine = status?.source === 'command-line';
  return (
    <section className="card settings-section api-section" data-testid="api-section">
      <h2>OpenAI-compatible API</h2>
      <p className="muted small-note">
        Lets editors, scripts and other apps on this computer use the loaded model through the OpenAI API. Requests wait behind your
        chats and show on the dashboard.
      </p>
      <div className="field-row api-switch-row">
        <EnableSwitch enabled={api.enabled} />
        <span className={`badge ${tone}`} data-testid="api-status" data-state={status?.state ?? 'stopped'}>
          {label}
        </span>
      </div>
      {status?.state === 'error' && status.error ? (
        <div className="notice danger" data-testid="api-error">
          {status.error.message}
        </div>
      ) : null}
      {fromCommandLine ? (
        <div className="notice">
          Started by <code>hymba serve --api</code>: its flags take precedence over these settings until the app restarts
          {status?.tokenOverridden ? ', including its own token' : ''}.
        </div>
      ) : null}
      <IntegerField id="api-port" testId="api-port" label="Port" hint="0 picks a free port at each start" value={api.port} min={0} max={65535} onSave={(port) => void updateApiSettings({ port })} />
      <TokenField token={api.token} shown={tokenShown} setShown={setTokenShown} />
      <p className="faint small-note" data-testid="api-host-note">
        {api.host === DEFAULT_API_HOST
          ? 'Listens on 127.0.0.1: only programs on this computer can reach it.'
          : `Listens on ${api.host} (set in the settings file): other machines may reach it.`}
      </p>
      {status?.state === 'running' ? <ConnectionDetails status={status} api={api} tokenShown={tokenShown} /> : null}
    </section>
  );
}
