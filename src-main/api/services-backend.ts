/**
 * The API over the app services (what Electron main and `hymba serve` hold): the engine through the
 * supervisor, models from the registry, sampling defaults from the settings, and each API request on the
 * dashboard's metrics under the conversation id 'api'. Structural types keep services unaware of the API.
 */
import type { Result } from '../contract/errors.ts';
import type { FinishReason, GenerationMetrics, ModelKind, SamplingParams } from '../contract/domain.ts';
import type { ApiBackend } from './api-backend.ts';
import { startApiFromCli, type ApiCliFlags } from './cli-entry.ts';
import type { RunningApiServer } from './api-server.ts';
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
}

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

/**
 * `hymba serve --api …` in one call: starts the API on the services when `--api` is set (null otherwise),
 * printing `OpenAI API: http://127.0.0.1:<port>/v1`.
 */
export function startApiForServices(
  flags: ApiCliFlags,
  services: ApiHostServices,
  log?: (line: string) => void,
): Promise<Result<RunningApiServer | null>> {
  return startApiFromCli(flags, createServicesBackend(services), {
    defaultSampling: () => services.settings.current().defaultSampling,
    onRequestMetrics: (metrics) => recordApiRequest(services, metrics),
    ...(log ? { log } : {}),
  });
}
