/**
 * Settings service: the validated view of the stored settings, partial updates, "fits N tokens"
 * estimates and a change event. Plain Node; the storage backend is injected (conf or electron-store).
 */
import { isAbsolute } from 'node:path';
import type { AppSettings, ContextEstimate, SettingsPatch, SettingsView } from '../../contract/api-types.ts';
import { appError, err, ok, type Result } from '../../contract/errors.ts';
import { API_ARGUMENTS } from '../../contract/ipc.ts';
import { applySamplingPatch } from '../../contract/sampling-patch.ts';
import { estimateContextFit, type CacheProfile } from '../models/context-estimate.ts';
import { Emitter } from '../emitter.ts';
import { defaultSettings, newApiToken, readApiSettings } from './settings-schema.ts';
import type { SettingsBackend } from './settings-backend.ts';

const patchSchema = API_ARGUMENTS.settings.updateSettings;
const KEYS = ['device', 'memoryBudgetBytes', 'threads', 'defaultSampling', 'theme', 'dataDir', 'activeModelId', 'api'] as const;

/** The entries of an object whose value is not undefined. */
function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export class SettingsService {
  readonly onDidChange = new Emitter<SettingsView>();
  private restartRequired = false;
  private readonly launchDataDir: string;
  /** conf re-reads the file on every access; this process is the only writer, so one read is enough. */
  private cached: AppSettings | null = null;

  /**
   * @param backend the opened store
   * @param configDir the folder holding settings.json (also the default data folder)
   * @param cacheProfile the active model's cache map, for estimates (null when none is active)
   */
  constructor(
    private readonly backend: SettingsBackend,
    private readonly configDir: string,
    private readonly cacheProfile: () => CacheProfile | null = () => null,
  ) {
    this.launchDataDir = this.current().dataDir;
    this.ensureApiToken();
  }

  /**
   * The first start (or a token removed by hand) gets a new random API token; it is saved, never logged.
   * A settings file that cannot be written leaves it empty: the API then reports that it has no token.
   */
  private ensureApiToken(): void {
    const api = this.current().api;
    if (api.token !== '') return;
    try {
      this.backend.set('api', { ...api, token: newApiToken() });
    } catch (caught) {
      console.error(`Could not save a new API token: ${caught instanceof Error ? caught.message : String(caught)}`);
    }
    this.cached = null;
  }

  /** Replaces the API token with a new random one. */
  regenerateApiToken(): Result<SettingsView> {
    return this.update({ api: { token: newApiToken() } });
  }

  /** The data folder in effect for this launch (a changed folder applies after a restart). */
  get dataDir(): string {
    return this.launchDataDir;
  }

  /** Current settings; a stored value that fails validation reads as its default. */
  current(): AppSettings {
    this.cached ??= this.read();
    return this.cached;
  }

  private read(): AppSettings {
    const defaults = defaultSettings(this.configDir);
    const merged: Record<string, unknown> = {};
    for (const key of KEYS) {
      const stored = this.backend.get(key);
      if (key === 'api') {
        merged[key] = readApiSettings(stored);
        continue;
      }
      const candidate = key === 'defaultSampling' && stored && typeof stored === 'object' ? { ...defaults.defaultSampling, ...stored } : stored;
      const checked = patchSchema.check([{ [key]: candidate }], 'settings');
      merged[key] = checked.ok && candidate !== undefined ? candidate : defaults[key];
    }
    return merged as unknown as AppSettings;
  }

  view(): SettingsView {
    const settings = this.current();
    return { settings, estimate: this.estimate(settings.memoryBudgetBytes), restartRequired: this.restartRequired };
  }

  estimate(memoryBudgetBytes: number): ContextEstimate {
    const profile = this.cacheProfile();
    if (!profile) return { memoryBudgetBytes, fitsTokens: null, fixedBytes: null, bytesPerToken: null };
    const fit = estimateContextFit(profile, memoryBudgetBytes);
    return { memoryBudgetBytes, ...fit };
  }

  /** Validates and saves a partial change; returns the new view and emits it. */
  update(patch: SettingsPatch): Result<SettingsView> {
    const checked = patchSchema.check([patch], 'args');
    if (!checked.ok) return err(appError('BAD_REQUEST', checked.issue));
    if (patch.dataDir !== undefined && !isAbsolute(patch.dataDir)) return err(appError('BAD_REQUEST', 'The data folder must be an absolute path'));
    const before = this.current();
    const next: AppSettings = {
      ...before,
      ...(defined(patch) as Partial<AppSettings>),
      defaultSampling: applySamplingPatch(before.defaultSampling, patch.defaultSampling ?? {}),
      api: { ...before.api, ...defined(patch.api ?? {}) },
    };
    try {
      for (const key of KEYS) {
        if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) this.backend.set(key, next[key]);
      }
    } catch (caught) {
      this.cached = null;
      return err(appError('IO_ERROR', `Could not save settings: ${caught instanceof Error ? caught.message : String(caught)}`));
    }
    this.cached = null;
    if (next.dataDir !== this.launchDataDir) this.restartRequired = true;
    const view = this.view();
    this.onDidChange.fire(view);
    return ok(view);
  }
}

