/**
 * The stored settings format, shared by both hosts: conf (plain Node: `hymba serve`, tests) and
 * electron-store (Electron main) read and write the same `settings.json` with these options, so one
 * data folder works in either host.
 *
 * Recipe: adding a setting
 *   1. Add the field to `AppSettings` in src-main/contract/api-types.ts and its schema to
 *      `API_ARGUMENTS.settings.updateSettings` in src-main/contract/ipc.ts.
 *   2. Add its default to `defaultSettings()` below and its JSON schema to `SETTINGS_JSON_SCHEMA`.
 *   3. If old files need a value other than the default (a rename, a unit change), bump
 *      `SETTINGS_VERSION` and add a migration keyed by the new version to `SETTINGS_MIGRATIONS`.
 *   4. Add the key to `KEYS` in settings-service.ts. If something must react, subscribe in AppServices
 *      (the engine follows `engineSettings()`, the local API server follows `api.*` through ApiHost).
 *   5. Add a case to settings-service.test.ts (persistence across a restart, and the migration if any).
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_API_HOST, DEFAULT_API_PORT } from '../../contract/api-connection.ts';
import { DEFAULT_SAMPLING } from '../../contract/domain.ts';
import type { ApiSettings, AppSettings } from '../../contract/api-types.ts';
import { API_ARGUMENTS, DEFAULT_MEMORY_BUDGET_BYTES, MEMORY_BUDGET_RANGE } from '../../contract/ipc.ts';

/** Semantic version of the stored format (conf/electron-store `projectVersion`). */
export const SETTINGS_VERSION = '1.2.0';
export const SETTINGS_FILE_NAME = 'settings';

/** A new random API token (32 URL-safe characters, 192 bits). */
export function newApiToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The API block before its first start: off, loopback, the default port, no token yet (one is generated then). */
export function defaultApiSettings(): ApiSettings {
  return { enabled: false, host: DEFAULT_API_HOST, port: DEFAULT_API_PORT, token: '' };
}

const apiPatchSchema = API_ARGUMENTS.settings.updateSettings;

/**
 * The stored API block with each key checked on its own: a bad or missing key reads as its default, so one
 * hand-edited value never costs the user their token. An empty token stays empty (the service fills it).
 */
export function readApiSettings(stored: unknown): ApiSettings {
  const defaults = defaultApiSettings();
  const record = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const keys = Object.keys(defaults) as (keyof ApiSettings)[];
  const valid = (key: keyof ApiSettings) => record[key] !== undefined && apiPatchSchema.check([{ api: { [key]: record[key] } }], 'settings').ok;
  return Object.fromEntries(keys.map((key) => [key, valid(key) ? record[key] : defaults[key]])) as unknown as ApiSettings;
}

export function defaultSettings(dataDir: string): AppSettings {
  return {
    device: 'auto',
    memoryBudgetBytes: DEFAULT_MEMORY_BUDGET_BYTES,
    threads: 0,
    defaultSampling: DEFAULT_SAMPLING,
    theme: 'system',
    dataDir,
    activeModelId: null,
    api: defaultApiSettings(),
  };
}

/** The minimal store surface a migration needs (both conf and electron-store provide it). */
export interface MigratableStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
  delete(key: string): void;
}

/**
 * Migrations, keyed by the version that introduced the change. They run in order, once, for files
 * written by an older version.
 * - 1.1.0: the budget was stored as `cacheBudgetMiB` (MiB) and the theme value 'auto' is now 'system'.
 * - 1.2.0: the local API block (`api`): off, 127.0.0.1, the default port, and a new random token. Files
 *   from before have none; conf does not merge nested defaults into a partial block, so one is completed.
 */
export const SETTINGS_MIGRATIONS: Record<string, (store: MigratableStore) => void> = {
  '1.1.0': (store) => {
    if (store.has('cacheBudgetMiB')) {
      const mib = Number(store.get('cacheBudgetMiB'));
      if (Number.isFinite(mib) && mib > 0) {
        const bytes = Math.round(mib * 2 ** 20);
        store.set('memoryBudgetBytes', Math.min(MEMORY_BUDGET_RANGE.max, Math.max(MEMORY_BUDGET_RANGE.min, bytes)));
      }
      store.delete('cacheBudgetMiB');
    }
    if (store.get('theme') === 'auto') store.set('theme', 'system');
  },
  '1.2.0': (store) => {
    const api = readApiSettings(store.get('api'));
    store.set('api', { ...api, token: api.token || newApiToken() });
  },
};

const samplingJsonSchema = {
  type: 'object',
  properties: {
    temperature: { type: 'number', minimum: 0, maximum: 5 },
    topK: { type: 'integer', minimum: 0, maximum: 1000 },
    topP: { type: 'number', minimum: 0, maximum: 1 },
    minP: { type: 'number', minimum: 0, maximum: 1 },
    repetitionPenalty: { type: 'number', minimum: 0.5, maximum: 3 },
    maxTokens: { type: 'integer', minimum: 1, maximum: 32768 },
    seed: { type: 'integer', minimum: 0 },
    stop: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** JSON schema handed to conf/electron-store (validated on every write). */
export const SETTINGS_JSON_SCHEMA = {
  device: { enum: ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'] },
  memoryBudgetBytes: { type: 'integer', minimum: MEMORY_BUDGET_RANGE.min, maximum: MEMORY_BUDGET_RANGE.max },
  threads: { type: 'integer', minimum: 0, maximum: 256 },
  defaultSampling: samplingJsonSchema,
  theme: { enum: ['light', 'dark', 'system'] },
  dataDir: { type: 'string' },
  activeModelId: { type: ['string', 'null'] },
  api: {
    type: 'object',
    properties: {
      enabled: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'integer', minimum: 0, maximum: 65535 },
      token: { type: 'string' },
    },
  },
} as const;

/** Options passed unchanged to `new Conf(...)` and `new ElectronStore(...)`. */
export function settingsStoreOptions(configDir: string) {
  const defaults = defaultSettings(configDir);
  return {
    cwd: configDir,
    configName: SETTINGS_FILE_NAME,
    projectName: 'hymba-desk',
    projectVersion: SETTINGS_VERSION,
    defaults: { ...defaults } as Record<string, unknown>,
    schema: SETTINGS_JSON_SCHEMA as unknown as Record<string, object>,
    migrations: SETTINGS_MIGRATIONS as unknown as Record<string, (store: never) => void>,
    clearInvalidConfig: false,
  };
}
