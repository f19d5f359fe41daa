/**
 * `hymba serve`: browser mode — the app on http://127.0.0.1 guarded by a per-launch token — and, with
 * `--api`, the OpenAI-compatible API on the same services (src-main/api).
 */
import type { CliCommand } from '../cli-command.ts';
import { intFlag, parseCliArgs } from '../args.ts';
import { API_CLI_FLAGS, API_CLI_USAGE } from '../../api/cli-entry.ts';

const usage = `Usage: hymba serve [--port N] [--data-dir D] [--model <pkg|id>] [--api [--api-port N] [--api-token T]]

Runs Hymba Desk in your browser: the same app as the desktop window, served on 127.0.0.1.
Prints one line with the address to open (it contains the per-launch token).

  --port N            port to listen on (default 7860; 0 picks a free port)
  --data-dir D        settings, conversations and models folder (default ~/.hymba-desk)
  --model <pkg|id>    model to start with: a package folder or an installed/embedded model id
                      (default: the last used, else the embedded Instruct model)
${API_CLI_USAGE}`;

export const command: CliCommand = {
  summary: 'Run the app in a browser on 127.0.0.1 (browser mode), optionally with the OpenAI API',
  usage,
  async run(args) {
    const parsed = parseCliArgs(args, { port: { type: 'string' }, 'data-dir': { type: 'string' }, model: { type: 'string' }, ...API_CLI_FLAGS });
    if (!parsed.ok) {
      console.error(`hymba serve: ${parsed.message}\n\n${usage}`);
      return 2;
    }
    const values = parsed.parsed.values;
    const port = intFlag(values.port, 'port', 0);
    if (typeof port === 'string' || (port !== undefined && port > 65535)) {
      console.error(`hymba serve: ${typeof port === 'string' ? port : '--port must be at most 65535'}`);
      return 2;
    }
    const { startBrowserHost } = await import('../../web/browser-host.ts');
    const { startApiForServices } = await import('../../api/services-backend.ts');
    const dataDir = values['data-dir'];
    const model = values.model;
    let host;
    try {
      host = await startBrowserHost({
        port: port ?? 7860,
        ...(typeof dataDir === 'string' ? { dataDir } : {}),
        ...(typeof model === 'string' ? { model } : {}),
      });
    } catch (caught) {
      console.error(`hymba serve: ${caught instanceof Error ? caught.message : String(caught)}`);
      return 1;
    }
    if (!host.startup.model) console.error(`hymba serve: starting with no model (${host.startup.modelError ?? 'assets/models is empty and none is installed'}); import one in Models.`);
    else if (host.startup.modelError) console.error(`hymba serve: the model ${host.startup.model.id} could not be loaded: ${host.startup.modelError}`);
    console.log(`Hymba Desk: ${host.bridge.url}`);
    const api = await startApiForServices(values, host.services);
    if (!api.ok) {
      console.error(`hymba serve: ${api.error.message}`);
      await host.close();
      return 1;
    }
    const fromSettings = host.services.apiHost.status();
    if (values.api !== true && fromSettings.state === 'running' && fromSettings.baseUrl) console.log(`OpenAI API: ${fromSettings.baseUrl}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await api.value?.close();
    await host.close();
    return 0;
  },
};
