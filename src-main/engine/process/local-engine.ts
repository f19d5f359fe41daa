/**
 * A one-call start for command-line hosts: fork the engine process, load a package, and hand back the client
 * (stopped again if loading fails).
 */
import type { LoadedModelInfo } from '../../contract/domain.ts';
import { err, ok, type Result } from '../../contract/errors.ts';
import { EngineClient } from './engine-client.ts';
import { nodeEngineLauncher } from './engine-launcher.ts';
import type { EngineSettings } from './protocol.ts';

export async function startLocalEngine(packageDir: string, settings: EngineSettings): Promise<Result<{ client: EngineClient; model: LoadedModelInfo }>> {
  const client = new EngineClient(nodeEngineLauncher());
  const loaded = await client.load(packageDir, settings);
  if (!loaded.ok) {
    await client.stop();
    return err(loaded.error);
  }
  return ok({ client, model: loaded.value });
}
