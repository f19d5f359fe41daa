/**
 * Which HymbaApi the actions use, and the wiring of every API event into the store. `connectStore`
 * is called once at startup (and by tests with a fake API); it returns a function that unsubscribes all.
 * Streamed tokens are applied once per frame (token-batcher.ts); `scheduleFrame` lets tests step frames.
 */
import type { HymbaApi, Unsubscribe } from '../../src-main/contract/ipc.ts';
import { updateSlice } from './app-store.ts';
import { contextDropped, generationFailed, generationFinished, tokensReceived } from './chat-slice.ts';
import { activeModelChanged, importProgressed } from './models-slice.ts';
import { snapshotReceived } from './dashboard-slice.ts';
import { apiStatusReceived, settingsReceived } from './settings-slice.ts';
import { onImportProgress, refreshModels } from './models-actions.ts';
import { onConversationsChanged, onGenerationEnded } from './chat-actions.ts';
import { createTokenBatcher, nextFrame, type FrameScheduler } from './token-batcher.ts';

let current: HymbaApi | null = null;

export function getApi(): HymbaApi {
  if (!current) throw new Error('The store is not connected to an API yet (call connectStore first).');
  return current;
}

export function connectStore(api: HymbaApi, scheduleFrame: FrameScheduler = nextFrame): Unsubscribe {
  current = api;
  const tokens = createTokenBatcher((events) => updateSlice('chat', (s) => tokensReceived(s, events)), scheduleFrame);
  const subscriptions: Unsubscribe[] = [
    api.chat.onDidReceiveToken((event) => tokens.push(event)),
    api.chat.onDidFinishGeneration((event) => {
      tokens.flush();
      updateSlice('chat', (s) => generationFinished(s, event));
      onGenerationEnded(event.conversationId);
    }),
    api.chat.onDidFailGeneration((event) => {
      tokens.flush();
      updateSlice('chat', (s) => generationFailed(s, event));
      onGenerationEnded(event.conversationId);
    }),
    api.chat.onDidDropContext((event) => {
      tokens.flush();
      updateSlice('chat', (s) => contextDropped(s, event));
    }),
    api.chat.onDidChangeConversations((event) => onConversationsChanged(event)),
    api.models.onDidProgressImport((progress) => {
      updateSlice('models', (s) => importProgressed(s, progress));
      onImportProgress(progress);
    }),
    api.models.onDidChangeModels((active) => {
      updateSlice('models', (s) => activeModelChanged(s, active));
      void refreshModels();
    }),
    api.settings.onDidChangeSettings((view) => updateSlice('settings', (s) => settingsReceived(s, view))),
    api.settings.onDidChangeApiStatus((status) => updateSlice('settings', (s) => apiStatusReceived(s, status))),
    api.metrics.onDidTick((snapshot) => updateSlice('dashboard', (s) => snapshotReceived(s, snapshot))),
  ];
  return () => {
    tokens.close();
    subscriptions.splice(0).forEach((unsubscribe) => unsubscribe());
    if (current === api) current = null;
  };
}
