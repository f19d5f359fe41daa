/**
 * ipcMain wiring generated from the contract: one handler per method, each checking the sender (only
 * our own window's top frame on the app:// origin) and validating arguments before dispatch; every app
 * event is forwarded to the window.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { dispatchApiCall, forwardAllEvents } from '../contract/api-transport.ts';
import { appError, err } from '../contract/errors.ts';
import { API_METHOD_NAMES, IPC_CHANNELS, type HymbaApi } from '../contract/ipc.ts';
import { APP_ORIGIN } from './app-protocol.ts';

function trustedSender(event: IpcMainInvokeEvent, window: WebContents): boolean {
  const frame = event.senderFrame;
  return event.sender === window && frame !== null && frame === event.sender.mainFrame && new URL(frame.url).origin === APP_ORIGIN;
}

/** Registers every method; returns a function that removes them and stops forwarding events. */
export function wireIpc(api: HymbaApi, window: WebContents): () => void {
  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(IPC_CHANNELS.invoke(method), (event, ...args: unknown[]) =>
      trustedSender(event, window) ? dispatchApiCall(api, method, args) : err(appError('BAD_REQUEST', 'Untrusted sender')),
    );
  }
  const stopEvents = forwardAllEvents(api, (event, payload) => {
    if (!window.isDestroyed()) window.send(IPC_CHANNELS.event(event), payload);
  });
  return () => {
    stopEvents();
    for (const method of API_METHOD_NAMES) ipcMain.removeHandler(IPC_CHANNELS.invoke(method));
  };
}
