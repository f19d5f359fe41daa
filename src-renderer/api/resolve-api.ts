/**
 * Picks the API the renderer talks to: the Electron preload's `window.hymba`, or the browser-mode
 * client authenticated by the token in the page URL (kept for reloads in sessionStorage and removed
 * from the address bar).
 */
import type { HymbaApi } from '../../src-main/contract/ipc.ts';
import { createWebApi, type ConnectionState } from './web-api.ts';

declare global {
  interface Window {
    /** Present in the Electron app (exposed by the preload through contextBridge). */
    readonly hymba?: HymbaApi;
  }
}

const TOKEN_KEY = 'hymba-desk-token';

export interface ResolvedApi {
  readonly api: HymbaApi;
  readonly host: 'electron' | 'browser';
  readonly onDidChangeConnection?: (listener: (state: ConnectionState) => void) => () => void;
}

export type ResolveFailure = { readonly reason: string };

export function resolveApi(): ResolvedApi | ResolveFailure {
  if (window.hymba) return { api: window.hymba, host: 'electron' };
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) return { reason: 'This page needs the link printed by `hymba serve` (it carries the access token).' };
  const client = createWebApi(token);
  return { api: client.api, host: 'browser', onDidChangeConnection: client.onDidChangeConnection };
}
