/**
 * The app's local OpenAI-compatible API server, kept in line with the settings (`api.*`): started when
 * enabled, restarted when its host, port or token change, stopped when disabled and on dispose. The server
 * itself comes from the host through an `ApiServerStarter` (src-main/api builds it on these services), so
 * the services know nothing of HTTP. `hymba serve --api` flags override the settings for one run.
 *
 * Changes are applied one after another (a queue), so a quick on/off/on never leaves two servers or a
 * stale status; every status change fires `onDidChangeStatus`.
 */
import { apiBaseUrl } from '../contract/api-connection.ts';
import type { ApiServerStatus, ApiSettings } from '../contract/api-types.ts';
import { appError, toAppError, type Result } from '../contract/errors.ts';
import { Emitter } from './emitter.ts';

/** Where a server listens and the token it requires. */
export interface ApiEndpoint {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly token: string;
}

/** A listening server, as the host's starter returns it. */
export interface ApiServerHandle {
  /** The bound port. */
  readonly port: number;
  /** Stops listening and ends every request it runs. */
  close(): Promise<void>;
}

/** Starts a server at one endpoint; errors (port in use) are values. */
export type ApiServerStarter = (endpoint: ApiEndpoint) => Promise<Result<ApiServerHandle>>;

/** What `hymba serve --api` flags set for this run; unset keys follow the settings. */
export interface ApiRunOverride {
  readonly host?: string;
  readonly port?: number;
  readonly token?: string;
}

interface Wanted {
  readonly endpoint: ApiEndpoint;
  readonly source: ApiServerStatus['source'];
}

const sameEndpoint = (a: ApiEndpoint, b: ApiEndpoint): boolean => a.host === b.host && a.port === b.port && a.token === b.token;

export class ApiHost {
  readonly onDidChangeStatus = new Emitter<ApiServerStatus>();
  private running: { readonly handle: ApiServerHandle; readonly endpoint: ApiEndpoint } | null = null;
  private override: ApiRunOverride | null = null;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private current: ApiServerStatus;

  /**
   * @param settings reads the current `api` settings
   * @param starter the host's server factory; without one (a host with no API) enabling reports an error
   */
  constructor(
    private readonly settings: () => ApiSettings,
    private readonly starter: ApiServerStarter | undefined,
  ) {
    const api = settings();
    this.current = { state: 'stopped', source: 'settings', host: api.host, port: api.port, baseUrl: null, tokenOverridden: false };
  }

  status(): ApiServerStatus {
    return this.current;
  }

  /** Brings the server in line with the settings (and the run override); resolves with the status then. */
  apply(): Promise<ApiServerStatus> {
    const next = this.queue.then(() => this.reconcile());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** `hymba serve --api`: run the server for this launch whatever `api.enabled` says, with these values first. */
  overrideForRun(override: ApiRunOverride): Promise<ApiServerStatus> {
    this.override = override;
    return this.apply();
  }

  /** Stops the server for good (host shutdown); later settings changes start nothing. */
  dispose(): Promise<void> {
    this.disposed = true;
    return this.apply().then(() => undefined);
  }

  private wanted(): Wanted | null {
    if (this.disposed) return null;
    const api = this.settings();
    const base = { host: api.host, port: api.port, token: api.token };
    if (this.override) return { endpoint: { ...base, ...this.override }, source: 'command-line' };
    return api.enabled ? { endpoint: base, source: 'settings' } : null;
  }

  private async reconcile(): Promise<ApiServerStatus> {
    const wanted = this.wanted();
    if (this.running && wanted && sameEndpoint(this.running.endpoint, wanted.endpoint)) {
      return this.setStatus({ ...this.current, source: wanted.source });
    }
    if (this.running) {
      const { handle } = this.running;
      this.running = null;
      await handle.close().catch(() => undefined);
    }
    const tokenOverridden = this.override?.token !== undefined;
    if (!wanted) {
      const api = this.settings();
      return this.setStatus({ state: 'stopped', source: this.override ? 'command-line' : 'settings', host: api.host, port: api.port, baseUrl: null, tokenOverridden });
    }
    const { endpoint, source } = wanted;
    const shown = { source, host: endpoint.host, port: endpoint.port, tokenOverridden };
    if (!this.starter) {
      return this.setStatus({ ...shown, state: 'error', baseUrl: null, error: appError('BAD_REQUEST', 'This host cannot run the OpenAI-compatible API.') });
    }
    if (endpoint.token === '') {
      return this.setStatus({ ...shown, state: 'error', baseUrl: null, error: appError('CONFIG_INVALID', 'The API token is empty; generate a new one.') });
    }
    this.setStatus({ ...shown, state: 'starting', baseUrl: null });
    let started: Result<ApiServerHandle>;
    try {
      started = await this.starter(endpoint);
    } catch (caught) {
      started = { ok: false, error: toAppError(caught) };
    }
    if (!started.ok) return this.setStatus({ ...shown, state: 'error', baseUrl: null, error: started.error });
    this.running = { handle: started.value, endpoint };
    const port = started.value.port;
    return this.setStatus({ ...shown, state: 'running', port, baseUrl: apiBaseUrl(endpoint.host, port) });
  }

  private setStatus(status: ApiServerStatus): ApiServerStatus {
    const changed = JSON.stringify(status) !== JSON.stringify(this.current);
    this.current = status;
    if (changed) this.onDidChangeStatus.fire(status);
    return status;
  }
}
