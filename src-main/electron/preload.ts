/**
 * Preload (sandboxed, context-isolated): exposes `window.hymba: HymbaApi`, one method per message and
 * one subscriber per event, built from the contract tables. No raw ipcRenderer reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createApiClient } from '../contract/api-transport.ts';
import { IPC_CHANNELS } from '../contract/ipc.ts';
import type { Result } from '../contract/errors.ts';

const api = createApiClient({
  invoke: (method, args) => ipcRenderer.invoke(IPC_CHANNELS.invoke(method), ...args) as Promise<Result<unknown>>,
  subscribe: (event, listener) => {
    const channel = IPC_CHANNELS.event(event);
    const handler = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
});

contextBridge.exposeInMainWorld('hymba', api);
