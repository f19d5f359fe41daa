/**
 * Where settings are stored. Both hosts use the same file format and options (settings-schema.ts):
 * the plain-Node host uses `conf` (here); Electron main passes an electron-store instance built with
 * the same options (src-main/electron/settings-backend.ts).
 */
import { existsSync, renameSync } from 'node:fs';
import Conf from 'conf';
import { settingsStoreOptions, type MigratableStore } from './settings-schema.ts';

/** The key/value store behind the settings service (conf and electron-store both fit). */
export interface SettingsBackend extends MigratableStore {
  /** Absolute path of the settings file. */
  readonly path: string;
  readonly store: Record<string, unknown>;
}

/** What a host provides to open its backend in a config folder. */
export type SettingsBackendFactory = (configDir: string) => SettingsBackend;

/**
 * Opens a backend; a settings file that cannot be parsed or fails the schema is moved aside
 * (`settings.json.corrupt-<time>`) and the defaults are used, so a bad file never stops the app.
 * Returns the quarantined path, if any.
 */
export function openSettingsBackend(configDir: string, factory: SettingsBackendFactory): { backend: SettingsBackend; quarantined?: string } {
  try {
    return { backend: factory(configDir) };
  } catch (caught) {
    const file = `${configDir}/settings.json`;
    if (!existsSync(file)) throw caught;
    const movedTo = `${file}.corrupt-${Date.now()}`;
    renameSync(file, movedTo);
    return { backend: factory(configDir), quarantined: movedTo };
  }
}

export const confSettingsBackend: SettingsBackendFactory = (configDir) =>
  new Conf(settingsStoreOptions(configDir) as ConstructorParameters<typeof Conf>[0]) as unknown as SettingsBackend;
