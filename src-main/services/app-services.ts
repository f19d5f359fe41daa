/**
 * The app services behind HymbaApi, in plain Node (no Electron): both hosts (Electron main and
 * `hymba serve`) build one of these and expose `api` through their transport.
 */
import { join } from 'node:path';
import { platform } from 'node:process';
import type { ModelDetails, SettingsView } from '../contract/api-types.ts';
import { appError, err, ok, toAppError, type Result } from '../contract/errors.ts';
import type { HymbaApi } from '../contract/ipc.ts';
import { applySamplingPatch } from '../contract/sampling-patch.ts';
import type { EngineSettings } from '../engine/process/protocol.ts';
import { ApiHost, type ApiServerStarter } from './api-host.ts';
import { ChatService } from './chat-service.ts';
import { ConversationStore } from './conversations/conversation-store.ts';
import { exportConversation } from './conversations/conversation-export.ts';
import { deviceOptions } from './devices.ts';
import type { EngineChannelFactory } from './engine/engine-channel.ts';
import { EngineSupervisor } from './engine/engine-supervisor.ts';
import { MetricsService } from './metrics/metrics-service.ts';
import { unavailableConverter, type ModelConverter } from './models/import-model.ts';
import { ModelsService } from './models-service.ts';
import { openSettingsBackend, type SettingsBackendFactory } from './settings/settings-backend.ts';
import { SettingsService } from './settings/settings-service.ts';

export interface AppServicesOptions {
  readonly host: 'electron' | 'browser';
  readonly version: string;
  /** Folder of settings.json (and the default data folder). */
  readonly configDir: string;
  /** Read-only embedded model packages (assets/models). */
  readonly embeddedModelsDir: string;
  readonly engineChannel: EngineChannelFactory;
  readonly settingsBackend: SettingsBackendFactory;
  readonly converter?: ModelConverter;
  /** Extra package folders to list (read-only), e.g. `hymba serve --model <pkg>`. */
  readonly extraModelDirs?: readonly string[];
  /**
   * The local OpenAI-compatible API server on these services (src-main/api `servicesApiServerStarter`);
   * without it, enabling the API in Settings reports that this host cannot run it.
   */
  readonly apiServer?: (services: AppServices) => ApiServerStarter;
}

export interface StartupReport {
  /** The model loaded at launch, or null when there is none. */
  readonly model: ModelDetails | null;
  readonly modelError?: string;
}

/** Wraps a service call so a thrown error becomes an error value. */
async function guardCall<T>(run: () => Promise<Result<T>> | Result<T>): Promise<Result<T>> {
  try {
    return await run();
  } catch (caught) {
    return err(toAppError(caught));
  }
}

export class AppServices {
  readonly settings: SettingsService;
  readonly engine: EngineSupervisor;
  readonly metrics: MetricsService;
  readonly models: ModelsService;
  readonly chat: ChatService;
  /** The local OpenAI-compatible API server, following the `api` settings. */
  readonly apiHost: ApiHost;
  readonly api: HymbaApi;
  /** Settles when the conversations are loaded; chat calls wait for it (Electron opens its window first). */
  private readonly storage: Promise<unknown>;
  private resolveStorage: (value: unknown) => void = () => undefined;

  constructor(private readonly options: AppServicesOptions) {
    const { backend } = openSettingsBackend(options.configDir, options.settingsBackend);
    this.settings = new SettingsService(backend, options.configDir, () => this.models.cacheProfile());
    this.engine = new EngineSupervisor(options.engineChannel, this.engineSettings());
    const engine = this.engine;
    this.metrics = new MetricsService(
      {
        get state() {
          return engine.state;
        },
        get pid() {
          return engine.pid;
        },
        get restarts() {
          return engine.restarts;
        },
        status: async () => {
          const status = await engine.status();
          return status.ok ? status.value : null;
        },
      },
      () => this.settings.current().memoryBudgetBytes,
    );
    const dataDir = this.settings.dataDir;
    this.models = new ModelsService(
      { installedDir: join(dataDir, 'models'), embeddedDir: options.embeddedModelsDir, extraPackageDirs: options.extraModelDirs ?? [] },
      this.engine,
      options.converter ?? unavailableConverter,
      (modelId) => void this.settings.update({ activeModelId: modelId }),
    );
    this.models.onDidChange.event((state) => this.metrics.setModel(state.modelId, state.loaded?.device ?? null, state.loaded?.fallbackReason));
    this.chat = new ChatService(new ConversationStore(join(dataDir, 'conversations')), this.engine, this.metrics, {
      activeModel: () => {
        const state = this.models.state;
        return state.status === 'ready' && state.modelId && state.mode ? { modelId: state.modelId, mode: state.mode } : null;
      },
      defaultSampling: () => this.settings.current().defaultSampling,
    });
    this.apiHost = new ApiHost(() => this.settings.current().api, options.apiServer?.(this));
    this.settings.onDidChange.event(() => {
      void this.engine.configure(this.engineSettings());
      void this.apiHost.apply();
    });
    this.storage = new Promise((resolve) => (this.resolveStorage = resolve));
    this.api = this.buildApi();
  }

  private engineSettings(): EngineSettings {
    const s = this.settings.current();
    return { device: s.device, threads: s.threads, cacheBudgetBytes: s.memoryBudgetBytes };
  }

  /**
   * Loads conversations, starts metrics ticks and the local API (when enabled), starts the engine and
   * loads `preferredModelId`, else the remembered or embedded model.
   */
  async start(preferredModelId?: string): Promise<StartupReport> {
    try {
      await this.chat.store.load();
    } finally {
      this.resolveStorage(undefined);
    }
    this.metrics.start();
    await this.apiHost.apply();
    const started = await this.engine.start();
    if (!started.ok) return { model: null, modelError: started.error.message };
    const model = await this.models.loadStartupModel(preferredModelId ?? this.settings.current().activeModelId);
    const state = this.models.state;
    return state.status === 'failed' ? { model, modelError: state.error?.message ?? 'load failed' } : { model };
  }

  async dispose(): Promise<void> {
    await this.apiHost.dispose();
    this.models.cancelAllImports();
    this.chat.stopAll();
    await this.chat.settle();
    this.metrics.stop();
    this.engine.stop();
  }

  private buildApi(): HymbaApi {
    const { chat, models, settings, metrics, apiHost } = this;
    /** A settings change answers once the API server follows it, so the caller sees the new status. */
    const andApplyApi = async (result: Result<SettingsView>): Promise<Result<SettingsView>> => {
      if (result.ok) await apiHost.apply();
      return result;
    };
    const store = chat.store;
    const guard = async <T>(run: () => Promise<Result<T>> | Result<T>): Promise<Result<T>> => {
      await this.storage;
      return guardCall(run);
    };
    return {
      chat: {
        listConversations: () => guard(() => ok({ conversations: store.list(), quarantined: store.quarantined })),
        createConversation: (r) => guard(async () => ok(await chat.create(r.title))),
        getConversation: (r) => guard(() => ok(store.get(r.conversationId))),
        renameConversation: (r) =>
          guard(async () => {
            const c = await store.update(r.conversationId, (x) => ({ ...x, title: r.title.trim() || x.title }));
            chat.onDidChangeConversations.fire({ reason: 'renamed', conversationId: c.id });
            return ok(c);
          }),
        deleteConversation: (r) =>
          guard(async () => {
            chat.stop(r.conversationId);
            const undoToken = await store.delete(r.conversationId);
            chat.onDidChangeConversations.fire({ reason: 'deleted', conversationId: r.conversationId });
            return ok({ undoToken });
          }),
        undoDelete: (r) =>
          guard(async () => {
            const c = await store.undoDelete(r.undoToken);
            chat.onDidChangeConversations.fire({ reason: 'restored', conversationId: c.id });
            return ok(c);
          }),
        searchConversations: (r) => guard(() => ok(store.search(r.query))),
        sendMessage: (r) => guard(() => chat.send(r.conversationId, r.content)),
        stopGeneration: (r) => guard(() => chat.stop(r.conversationId)),
        regenerate: (r) => guard(() => chat.regenerate(r.conversationId)),
        editAndResend: (r) =>
          guard(async () => {
            const started = await chat.editAndResend(r.conversationId, r.messageId, r.content);
            return started.ok ? ok({ ...started.value, userMessageId: r.messageId }) : started;
          }),
        setSystemPrompt: (r) => guard(async () => ok(await store.update(r.conversationId, (x) => ({ ...x, systemPrompt: r.systemPrompt })))),
        setGenerationSettings: (r) =>
          guard(async () => ok(await store.update(r.conversationId, (x) => ({ ...x, sampling: applySamplingPatch(x.sampling, r.sampling) })))),
        countDraftTokens: (r) => guard(() => chat.countDraft(r.conversationId, r.draft)),
        exportConversation: (r) => guard(() => ok(exportConversation(store.get(r.conversationId), r.format))),
        onDidReceiveToken: chat.onDidReceiveToken.event,
        onDidFinishGeneration: chat.onDidFinishGeneration.event,
        onDidFailGeneration: chat.onDidFailGeneration.event,
        onDidDropContext: chat.onDidDropContext.event,
        onDidChangeConversations: chat.onDidChangeConversations.event,
      },
      models: {
        listModels: () => guardCall(() => models.list()),
        getModelDetails: (r) => guardCall(() => models.details(r.modelId)),
        getActiveModel: () => guardCall(() => ok(models.state)),
        setActiveModel: (r) => guardCall(() => models.setActive(r.modelId)),
        importModel: (r) => guardCall(() => models.startImport(r)),
        cancelImport: (r) => guardCall(() => models.cancelImport(r.importId)),
        deleteModel: (r) => guardCall(() => models.remove(r.modelId)),
        onDidProgressImport: models.onDidProgressImport.event,
        onDidChangeModels: models.onDidChange.event,
      },
      settings: {
        getSettings: () => guardCall(() => ok(settings.view())),
        updateSettings: (r) => guardCall(() => (r.api === undefined ? settings.update(r) : andApplyApi(settings.update(r)))),
        estimateContext: (r) => guardCall(() => ok(settings.estimate(r.memoryBudgetBytes))),
        listDevices: () =>
          guardCall(async () => {
            const devices = await this.engine.devices();
            return devices.ok ? ok(deviceOptions(devices.value)) : err(devices.error.code === 'ENGINE_CRASHED' ? devices.error : appError('DEVICE_UNAVAILABLE', devices.error.message));
          }),
        getAppInfo: () => guardCall(() => ok({ version: this.options.version, host: this.options.host, platform, dataDir: settings.dataDir })),
        regenerateApiToken: () => guardCall(() => andApplyApi(settings.regenerateApiToken())),
        getApiStatus: () => guardCall(() => ok(apiHost.status())),
        onDidChangeSettings: settings.onDidChange.event,
        onDidChangeApiStatus: apiHost.onDidChangeStatus.event,
      },
      metrics: {
        getSnapshot: () => guardCall(() => ok(metrics.snapshot())),
        onDidTick: metrics.onDidTick.event,
      },
    };
  }
}
