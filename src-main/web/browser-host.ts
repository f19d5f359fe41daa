/**
 * Browser mode host: the app services in plain Node (conf settings, engine as a forked child process)
 * plus the bridge server, and the local OpenAI API when Settings enable it. Used by `hymba serve` and by
 * the e2e suite.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesApiServerStarter } from '../api/services-backend.ts';
import { AppServices, type StartupReport } from '../services/app-services.ts';
import { forkEngineChannel, type EngineChannelFactory } from '../services/engine/engine-channel.ts';
import type { ModelConverter } from '../services/models/import-model.ts';
import { processConverter } from '../services/models/process-converter.ts';
import { readModelPackage } from '../services/models/model-package.ts';
import { confSettingsBackend } from '../services/settings/settings-backend.ts';
import { startBridgeServer, type RunningBridge } from './bridge-server.ts';
import { createLaunchToken } from './launch-token.ts';
import { ensureRendererBuilt } from './renderer-build.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BrowserHostOptions {
  readonly port: number;
  /** Settings and data folder; default ~/.hymba-desk. */
  readonly dataDir?: string;
  readonly rendererDir?: string;
  readonly embeddedModelsDir?: string;
  readonly engineChannel?: EngineChannelFactory;
  readonly converter?: ModelConverter;
  /** Build dist/renderer first when it is missing or stale (default true when rendererDir is not given). */
  readonly buildRenderer?: boolean;
  /** The model to start with: a package folder or a model id (`hymba serve --model`). */
  readonly model?: string;
}

/** A `--model` value naming a package folder becomes an extra listed folder plus the id to start with. */
async function startupChoice(model: string | undefined): Promise<{ dirs: string[]; id?: string }> {
  if (model === undefined) return { dirs: [] };
  if (!existsSync(join(model, 'manifest.json'))) return { dirs: [], id: model };
  const read = await readModelPackage(resolve(model), 'embedded');
  if (!read.ok) throw new Error(read.error.message);
  return { dirs: [resolve(model)], id: read.value.id };
}

export interface BrowserHost {
  readonly services: AppServices;
  readonly bridge: RunningBridge;
  readonly startup: StartupReport;
  readonly token: string;
  close(): Promise<void>;
}

export function defaultDataDir(): string {
  return join(homedir(), '.hymba-desk');
}

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const rendererDir = options.rendererDir ?? join(REPO_ROOT, 'dist', 'renderer');
  if (options.buildRenderer ?? options.rendererDir === undefined) {
    const problem = ensureRendererBuilt(REPO_ROOT, rendererDir);
    if (problem) console.error(`hymba serve: ${problem}`);
  }
  const choice = await startupChoice(options.model);
  const engineChannel = options.engineChannel ?? forkEngineChannel();
  const services = new AppServices({
    host: 'browser',
    version: appVersion(),
    configDir: resolve(options.dataDir ?? defaultDataDir()),
    embeddedModelsDir: options.embeddedModelsDir ?? join(REPO_ROOT, 'assets', 'models'),
    engineChannel,
    settingsBackend: confSettingsBackend,
    converter: options.converter ?? processConverter(engineChannel),
    extraModelDirs: choice.dirs,
    apiServer: servicesApiServerStarter,
  });
  const startup = await services.start(choice.id);
  const token = createLaunchToken();
  const bridge = await startBridgeServer({ api: services.api, token, rendererDir, port: options.port });
  return {
    services,
    bridge,
    startup,
    token,
    close: async () => {
      await bridge.close();
      await services.dispose();
    },
  };
}
