/**
 * Electron main: thin glue. Builds the app services (plain Node) with Electron's settings store, a
 * utilityProcess engine and the local OpenAI API (when Settings enable it), serves the renderer on app://, wires IPC from the contract, opens the window.
 * The data folder is Electron's userData unless `--user-data-dir=<dir>` or HYMBA_DATA_DIR names another.
 */
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { servicesApiServerStarter } from '../api/services-backend.ts';
import { AppServices } from '../services/app-services.ts';
import { channelFromLauncher } from '../services/engine/engine-channel.ts';
import { processConverter } from '../services/models/process-converter.ts';
import { registerAppScheme, serveRenderer } from './app-protocol.ts';
import { utilityEngineLauncher } from './engine-launcher.ts';
import { wireIpc } from './ipc-wiring.ts';
import { requestedDataDir } from './data-dir.ts';
import { createMainWindow } from './main-window.ts';
import { electronSettingsBackend } from './settings-backend.ts';

/** dist/electron (this bundle's folder). */
const here = __dirname;
const resources = app.isPackaged ? process.resourcesPath : join(here, '..', '..');

const dataDir = requestedDataDir(process.argv, process.env);
if (dataDir) app.setPath('userData', dataDir);
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

async function launch(): Promise<void> {
  const engineChannel = channelFromLauncher(utilityEngineLauncher(join(here, 'engine.cjs')));
  const services = new AppServices({
    host: 'electron',
    version: app.getVersion(),
    configDir: app.getPath('userData'),
    embeddedModelsDir: join(resources, app.isPackaged ? 'models' : join('assets', 'models')),
    engineChannel,
    settingsBackend: electronSettingsBackend,
    converter: processConverter(engineChannel),
    apiServer: servicesApiServerStarter,
  });
  serveRenderer(join(here, '..', 'renderer'));
  const window = createMainWindow(join(here, 'preload.cjs'));
  const unwire = wireIpc(services.api, window.webContents);
  void services.start();
  window.on('closed', () => unwire());
  app.on('before-quit', () => void services.dispose());
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
}

app.on('window-all-closed', () => app.quit());
app.on('web-contents-created', (_event, contents) => contents.setWindowOpenHandler(() => ({ action: 'deny' })));
void app.whenReady().then(() => (BrowserWindow.getAllWindows().length === 0 ? launch() : undefined));
