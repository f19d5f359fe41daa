/**
 * The engine: one loaded model, settings, and the requests of the protocol (load, unload, configure,
 * generate, countTokens, status, devices). It runs inside the engine process; everything it returns is
 * data (Result), never a thrown error. Settings changes (budget, device, threads) apply to the next request;
 * a device or thread change reloads the loaded model.
 */
import type { CacheBreakdown, DeviceInfo, GenerationInput, LoadedModelInfo } from '../../contract/domain.ts';
import { appError, err, ok, toAppError, type Result } from '../../contract/errors.ts';
import type { EngineSettings, EngineStatus, TokenCount } from '../process/protocol.ts';
import { cacheBytesAt } from './cache-layout.ts';
import { contextLimit } from './context-planner.ts';
import { listDevices } from './devices.ts';
import { generate, type GenerationCallbacks, type GenerationOutcome, type GenerationRequest } from './generation-loop.ts';
import { loadModel, type LoadedModel } from './loaded-model.ts';

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { device: 'auto', threads: 0, cacheBudgetBytes: 256 * 2 ** 20 };

const EMPTY_CACHE: CacheBreakdown = { globalKv: 0, slidingKv: 0, ssm: 0, conv: 0, meta: 0, total: 0 };

export interface EngineOptions {
  /** Spin-waiting intra-op threads (default off: kinder to a busy machine). */
  readonly allowSpinning?: boolean;
  readonly prefillChunk?: number;
}

export class Engine {
  private model: LoadedModel | null = null;
  /** Bytes of the cache the last generation worked on (the dashboard's live figure). */
  private liveCacheBytes: CacheBreakdown | null = null;
  private running = false;
  private currentSettings: EngineSettings = DEFAULT_ENGINE_SETTINGS;

  constructor(private readonly options: EngineOptions = {}) {}

  get settings(): EngineSettings {
    return this.currentSettings;
  }

  get busy(): boolean {
    return this.running;
  }

  async load(packageDir: string, settings: EngineSettings): Promise<Result<LoadedModelInfo>> {
    if (this.running) return err(appError('ENGINE_BUSY', 'a generation is running; cancel it before loading a model'));
    await this.unload();
    this.currentSettings = settings;
    const loaded = await loadModel(packageDir, {
      device: settings.device,
      threads: settings.threads,
      allowSpinning: settings.allowSpinning ?? this.options.allowSpinning ?? false,
      ...(this.options.prefillChunk ? { prefillChunk: this.options.prefillChunk } : {}),
    });
    if (!loaded.ok) return loaded;
    this.model = loaded.value;
    return ok(loaded.value.info);
  }

  async unload(): Promise<Result<null>> {
    if (this.running) return err(appError('ENGINE_BUSY', 'a generation is running; cancel it before unloading'));
    const model = this.model;
    this.model = null;
    this.liveCacheBytes = null;
    if (model) await model.release();
    return ok(null);
  }

  async configure(changes: Partial<EngineSettings>): Promise<Result<EngineStatus>> {
    const next = { ...this.currentSettings, ...changes };
    const current = this.currentSettings;
    const reload = this.model !== null && (next.device !== current.device || next.threads !== current.threads || next.allowSpinning !== current.allowSpinning);
    this.currentSettings = next;
    if (reload && this.model) {
      const reloaded = await this.load(this.model.pkg.dir, next);
      if (!reloaded.ok) return reloaded;
    }
    return ok(this.status());
  }

  async generate(request: Omit<GenerationRequest, 'budgetBytes'>, callbacks: GenerationCallbacks = {}): Promise<Result<GenerationOutcome>> {
    const model = this.model;
    if (!model) return err(appError('MODEL_NOT_FOUND', 'no model is loaded'));
    if (this.running) return err(appError('ENGINE_BUSY', 'a generation is already running'));
    if (request.input.mode === 'chat' && !model.tokenizer.hasChatTemplate) {
      return err(appError('BAD_REQUEST', `${model.info.displayName} is a base model without a chat template; send a completion`));
    }
    this.running = true;
    try {
      return await generate(model, { ...request, budgetBytes: this.currentSettings.cacheBudgetBytes }, {
        ...callbacks,
        onCache: (cache) => {
          this.liveCacheBytes = cache.bytes();
          callbacks.onCache?.(cache);
        },
      });
    } catch (caught) {
      return err(toAppError(caught));
    } finally {
      this.running = false;
    }
  }

  countTokens(input: GenerationInput): Result<TokenCount> {
    const model = this.model;
    if (!model) return err(appError('MODEL_NOT_FOUND', 'no model is loaded'));
    try {
      return ok({ tokens: model.tokenizer.encodeInput(input).length, maxContextTokens: this.maxContextPositions() });
    } catch (caught) {
      return err(toAppError(caught, 'BAD_REQUEST'));
    }
  }

  status(): EngineStatus {
    return {
      model: this.model?.info ?? null,
      settings: this.currentSettings,
      busy: this.running,
      rssBytes: process.memoryUsage.rss(),
      cache: this.liveCacheBytes ?? (this.model ? cacheBytesAt(this.model.layout, 0) : EMPTY_CACHE),
      maxContextTokens: this.maxContextPositions(),
    };
  }

  devices(): Promise<DeviceInfo[]> {
    return listDevices();
  }

  /** Largest context in positions (meta included) for the current budget; 0 when none fits or no model. */
  private maxContextPositions(): number {
    if (!this.model) return 0;
    const limit = contextLimit(this.model.layout, this.currentSettings.cacheBudgetBytes);
    if (!limit.ok) return 0;
    return limit.value + this.model.layout.numMetaTokens;
  }
}
