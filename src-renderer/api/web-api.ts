/**
 * The browser-mode client: HymbaApi over the `hymba serve` wire protocol (ipc.ts WIRE).
 * Calls are `POST /api/invoke` with the per-launch bearer token; events come from one shared
 * Server-Sent Events stream that is opened on the first subscription and reconnects by itself.
 */
import { createApiClient, type ApiTransport } from '../../src-main/contract/api-transport.ts';
import { appError, err, isAppError, type Result } from '../../src-main/contract/errors.ts';
import { WIRE, type ApiEventName, type ApiMethodName, type HymbaApi, type Unsubscribe } from '../../src-main/contract/ipc.ts';

export type ConnectionState = 'connecting' | 'open' | 'lost';

/** What the client needs from its environment; the defaults are the browser's own. */
export interface WebApiEnvironment {
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly createEventSource?: (url: string) => EventSource;
}

export interface WebApi {
  readonly api: HymbaApi;
  /** Reports the event stream's state (open, reconnecting). */
  onDidChangeConnection(listener: (state: ConnectionState) => void): Unsubscribe;
  close(): void;
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { ok?: unknown; error?: unknown };
  return candidate.ok === true || (candidate.ok === false && isAppError(candidate.error));
}

export function createWebApi(token: string, environment: WebApiEnvironment = {}): WebApi {
  const baseUrl = environment.baseUrl ?? '';
  const doFetch = environment.fetch ?? ((input, init) => fetch(input, init));
  const createEventSource = environment.createEventSource ?? ((url: string) => new EventSource(url));
  const listeners = new Map<ApiEventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let source: EventSource | null = null;

  const announce = (state: ConnectionState): void => connectionListeners.forEach((listener) => listener(state));

  const attach = (name: ApiEventName): void => {
    source?.addEventListener(name, (event) => {
      let payload: unknown;
      try {
        payload = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      listeners.get(name)?.forEach((listener) => listener(payload));
    });
  };

  const ensureSource = (): void => {
    if (source) return;
    const url = `${baseUrl}${WIRE.eventsPath}?${WIRE.tokenParam}=${encodeURIComponent(token)}`;
    source = createEventSource(url);
    announce('connecting');
    source.addEventListener(WIRE.readyEvent, () => announce('open'));
    source.addEventListener('error', () => announce('lost'));
    for (const name of listeners.keys()) attach(name);
  };

  const transport: ApiTransport = {
    async invoke(method: ApiMethodName, args: readonly unknown[]): Promise<Result<unknown>> {
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}${WIRE.invokePath}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `${WIRE.authorizationScheme} ${token}` },
          body: JSON.stringify({ method, args }),
        });
      } catch (caught) {
        return err(appError('IO_ERROR', `Cannot reach the Hymba Desk server (${caught instanceof Error ? caught.message : String(caught)}).`));
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return err(appError('IO_ERROR', `The server answered ${response.status} without a readable body.`));
      }
      if (isResult(body)) return body;
      return err(appError('INTERNAL', `Unexpected answer from the server for ${method} (HTTP ${response.status}).`));
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        attach(event);
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      ensureSource();
      return () => {
        set.delete(wrapped);
      };
    },
  };

  return {
    api: createApiClient(transport),
    onDidChangeConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      source?.close();
      source = null;
    },
  };
}
