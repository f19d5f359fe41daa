/**
 * Models side of the app API: listing, details, the active model (loaded in the engine), imports and
 * deletion. Base models drive the chat as plain completion; Instruct models use the chat template.
 */
import type { ActiveModelState, ImportProgress, ImportRequest, ModelDetails, ModelSummary } from '../contract/api-types.ts';
import { appError, err, ok, type Result } from '../contract/errors.ts';
import { modeForKind } from './conversations/prompt-builder.ts';
import { Emitter } from './emitter.ts';
import type { EngineSupervisor } from './engine/engine-supervisor.ts';
import { startImport, type ImportJob, type ModelConverter } from './models/import-model.ts';
import { listModels, type ModelFolders } from './models/list-models.ts';
import { removeModel } from './models/remove-model.ts';
import { resolveModel, resolveStartupModel } from './models/resolve-model.ts';
import type { CacheProfile } from './models/context-estimate.ts';
import { cacheLayout } from '../engine/runtime/cache-layout.ts';
import { readRuntimePackage } from '../engine/runtime/package-reader.ts';

export class ModelsService {
  readonly onDidChange = new Emitter<ActiveModelState>();
  readonly onDidProgressImport = new Emitter<ImportProgress>();
  private active: ActiveModelState = { modelId: null, status: 'none', loaded: null, mode: null };
  private activeLayout: CacheProfile | null = null;
  private readonly imports = new Map<string, ImportJob>();

  constructor(
    private readonly folders: ModelFolders,
    private readonly engine: EngineSupervisor,
    private readonly converter: ModelConverter,
    private readonly rememberActive: (modelId: string) => void,
  ) {
    engine.onDidRestart.event((result) => {
      if (!this.active.modelId) return;
      this.setActiveState(
        result.ok && result.value
          ? { ...this.active, status: 'ready', loaded: result.value }
          : { ...this.active, status: 'crashed', loaded: null, ...(result.ok ? {} : { error: result.error }) },
      );
    });
    engine.onDidChangeState.event((state) => {
      if (state === 'crashed' && this.active.status === 'ready') this.setActiveState({ ...this.active, status: 'crashed' });
    });
  }

  get state(): ActiveModelState {
    return this.active;
  }

  /** Cache map of the active model (for "fits N tokens"). */
  cacheProfile(): CacheProfile | null {
    return this.activeLayout;
  }

  private setActiveState(state: ActiveModelState): void {
    this.active = state;
    this.onDidChange.fire(state);
  }

  async list(): Promise<Result<ModelSummary[]>> {
    const { models } = await listModels(this.folders);
    return ok(models.map((m) => summaryOf(m, m.id === this.active.modelId)));
  }

  async details(modelId: string): Promise<Result<ModelDetails>> {
    const resolved = await resolveModel(this.folders, modelId);
    return resolved.ok ? ok({ ...resolved.value, active: modelId === this.active.modelId }) : resolved;
  }

  /** Loads the chosen (or default embedded) model at launch; returns null when there is none. */
  async loadStartupModel(chosenId: string | null): Promise<ModelDetails | null> {
    const model = await resolveStartupModel(this.folders, chosenId);
    if (model) await this.activate(model);
    return model;
  }

  async setActive(modelId: string): Promise<Result<ActiveModelState>> {
    const resolved = await resolveModel(this.folders, modelId);
    if (!resolved.ok) return resolved;
    const state = await this.activate(resolved.value);
    if (state.status === 'ready') this.rememberActive(modelId);
    return state.status === 'ready' ? ok(state) : err(state.error ?? appError('MODEL_INVALID', 'The model could not be loaded'));
  }

  private async activate(model: ModelDetails): Promise<ActiveModelState> {
    const pkg = await readRuntimePackage(model.packageDir);
    this.activeLayout = pkg.ok ? cacheLayout(pkg.value.config, pkg.value.cacheDtype) : null;
    this.setActiveState({ modelId: model.id, status: 'loading', loaded: null, mode: modeForKind(model.kind) });
    const loaded = await this.engine.load(model.packageDir);
    this.setActiveState(
      loaded.ok
        ? { modelId: model.id, status: 'ready', loaded: loaded.value, mode: modeForKind(model.kind) }
        : { modelId: model.id, status: 'failed', loaded: null, mode: modeForKind(model.kind), error: loaded.error },
    );
    return this.active;
  }

  startImport(request: ImportRequest): Result<{ importId: string }> {
    const job = startImport(this.folders.installedDir, request, this.converter, (progress) => this.onDidProgressImport.fire(progress));
    this.imports.set(job.importId, job);
    void job.done.then((result) => {
      this.imports.delete(job.importId);
      if (result.ok) this.onDidChange.fire(this.active);
    });
    return ok({ importId: job.importId });
  }

  cancelImport(importId: string): Result<{ cancelled: boolean }> {
    const job = this.imports.get(importId);
    job?.cancel();
    return ok({ cancelled: job !== undefined });
  }

  async remove(modelId: string): Promise<Result<{ deleted: true }>> {
    if (modelId === this.active.modelId) {
      await this.engine.command({ type: 'unload' });
      this.activeLayout = null;
      this.setActiveState({ modelId: null, status: 'none', loaded: null, mode: null });
    }
    const removed = await removeModel(this.folders, modelId);
    if (removed.ok) this.onDidChange.fire(this.active);
    return removed;
  }

  cancelAllImports(): void {
    for (const job of this.imports.values()) job.cancel();
  }
}

function summaryOf(model: ModelDetails, active: boolean): ModelSummary {
  return {
    id: model.id,
    displayName: model.displayName,
    kind: model.kind,
    weightFormat: model.weightFormat,
    source: model.source,
    sizeBytes: model.sizeBytes,
    parameters: model.parameters,
    cacheBytesPerToken: model.cacheBytesPerToken,
    active,
  };
}
