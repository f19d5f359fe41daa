/**
 * The API over the app services (what Electron main and `hymba serve` hold): the engine through the
 * supervisor, models from the registry, sampling defaults from the settings, and each API request on the
 * dashboard's metrics under the conversation id 'api'. Structural types keep services unaware of the API:
 * the services' ApiHost (src-main/services/api-host.ts) runs servers made by `servicesApiServerStarter`.
 */
import type { ApiServerStatus } from '../contract/api-types.ts';
import { err, ok, type Result } from '../contract/errors.ts';
import type { FinishReason, GenerationMetrics, ModelKind, SamplingParams } from '../contract/domain.ts';
import type { ApiBackend } from './api-backend.ts';
import { readApiFlags, startApiFromCli, type ApiCliFlags } from './cli-entry.ts';
import { createApiServer, type RunningApiServer } from './api-server.ts';
import { createEngineBackend } from './engine-backend.ts';
import { enginePortFromSupervisor, type EngineSupervisorLike } from './engine-port.ts';
import type { ApiRequestMetrics } from './request-metrics.ts';

/** The dashboard's conversation id for API requests. */
export const API_CONVERSATION_ID = 'api';

/** The parts of AppServices (src-main/services/app-services.ts) the API uses. */
export interface ApiHostServices {
  readonly engine: EngineSupervisorLike;
  readonly models: { list(): Promise<Result<readonly { readonly id: string; readonly kind: ModelKind }[]>> };
  readonly settings: { current(): { readonly defaultSampling: SamplingParams } };
  readonly metrics: {
    requestFinished(requestId: string, conversationId: string, finishReason: FinishReason | 'failed', metrics: GenerationMetrics | null): void;
  };
  /** The app's settings-driven API server, when the host has one; `--api` flags override it for the run. */
  readonly apiHost?: {
    overrideForRun(override: { readonly host?: string; readonly port?: number; readonly token?: string }): Promise<ApiServerStatus>;
    dispose(): Promise<void>;
  };
}

/** The server a command started: its address, and close() to stop it. */
export type ApiServerRun = Pick<RunningApiServer, 'host' | 'port' | 'baseUrl' | 'close'>;

export function createServicesBackend(services: ApiHostServices): ApiBackend {
  return createEngineBackend(enginePortFromSupervisor(services.engine), {
    listModels: async () => {
      const models = await services.models.list();
      return models.ok ? models.value.map((m) => ({ id: m.id, kind: m.kind, created: 0 })) : [];
    },
  });
}

/** Feeds one finished API request to the dashboard (requests refused before generating are not shown). */
export function recordApiRequest(services: ApiHostServices, metrics: ApiRequestMetrics): void {
  if (metrics.generation === undefined && metrics.outcome !== 'failed') return;
  const finishReason = metrics.outcome === 'failed' ? 'failed' : (metrics.finishReason ?? 'stop');
  services.metrics.requestFinished(metrics.requestId, API_CONVERSATION_ID, finishReason, metrics.generation ?? null);
}

/** What the services' ApiHost calls to start a server: the OpenAI API on these services at one endpoint. */
export function servicesApiServerStarter(services: ApiHostServices) {
  const backend = createServicesBackend(services);
  return (endpoint: { readonly host: string; readonly port: number; readonly token: string }): Promise<Result<RunningApiServer>> =>
    createApiServer({
      backend,
      ...endpoint,
      defaultSampling: () => services.settings.current().defaultSampling,
      onRequestMetrics: (metrics) => recordApiRequest(services, metrics),
    });
}

/**
 * `hymba serve --api …` in one call: starts the API on the services when `--api` is set (null otherwise),
 * printing `OpenAI API: http://127.0.0.1:<port>/v1`. Where the services run the settings-driven API
 * (`apiHost`), the flags override those settings for this run: the same server, now on whatever the flags
 * give (else the settings), with the Settings token unless --api-token or $HYMBA_API_TOKEN name one. The
 * returned close() stops the app's API for the rest of the run.
 */
export async function startApiForServices(
  flags: ApiCliFlags,
  services: ApiHostServices,
  log: (line: string) => void = (line) => console.log(line),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Result<ApiServerRun | null>> {
  const apiHost = services.apiHost;
  if (!apiHost) {
    return startApiFromCli(flags, createServicesBackend(services), {
      defaultSampling: () => services.settings.current().defaultSampling,
      onRequestMetrics: (metrics) => recordApiRequest(services, metrics),
      log,
      env,
    });
  }
  if (flags['api'] !== true) return ok(null);
  const values = readApiFlags(flags, env);
  if (!values.ok) return values;
  const status = await apiHost.overrideForRun(values.value);
  if (status.state !== 'running' || status.baseUrl === null) return err(status.error ?? { code: 'INTERNAL', message: 'The OpenAI API did not start.' });
  log(`OpenAI API: ${status.baseUrl}`);
  return ok({ host: status.host, port: status.port, baseUrl: status.baseUrl, close: () => apiHost.dispose() });
}
