/** electron-store with exactly the options conf uses in browser mode (same file, schema, migrations). */
import ElectronStore from 'electron-store';
import type { SettingsBackendFactory } from '../services/settings/settings-backend.ts';
import { settingsStoreOptions } from '../services/settings/settings-schema.ts';

export const electronSettingsBackend: SettingsBackendFactory = (configDir) =>
  new ElectronStore(settingsStoreOptions(configDir) as unknown as ConstructorParameters<typeof ElectronStore>[0]) as unknown as ReturnType<SettingsBackendFactory>;
