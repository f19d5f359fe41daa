/**
 * Renderer entry: picks the API (Electron preload or browser-mode client), wires its events into the
 * store, loads the first data and mounts the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/index.css';
import { resolveApi } from './api/resolve-api.ts';
import { App } from './components/app.tsx';
import { updateSlice } from './store/app-store.ts';
import { connectStore } from './store/api-binding.ts';
import { openConversation, refreshConversations } from './store/chat-actions.ts';
import { refreshMetrics } from './store/dashboard-actions.ts';
import { refreshModels } from './store/models-actions.ts';
import { loadSettings } from './store/settings-actions.ts';
import { getSlice } from './store/app-store.ts';
import { setConnection } from './store/ui-actions.ts';

async function start(): Promise<void> {
  const resolved = resolveApi();
  if ('reason' in resolved) {
    updateSlice('ui', (s) => ({ ...s, fatal: resolved.reason }));
    return;
  }
  updateSlice('ui', (s) => ({ ...s, host: resolved.host, connection: resolved.host === 'electron' ? 'open' : s.connection }));
  connectStore(resolved.api);
  resolved.onDidChangeConnection?.((state) => {
    const wasLost = getSlice('ui').connection === 'lost';
    setConnection(state);
    if (state === 'open' && wasLost) void Promise.all([refreshConversations(), refreshModels(), loadSettings(), refreshMetrics()]);
  });
  await Promise.all([refreshConversations(), refreshModels(), loadSettings(), refreshMetrics()]);
  const newest = getSlice('chat').conversations[0];
  if (newest && !getSlice('chat').openId) await openConversation(newest.id);
}

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  void start();
}
