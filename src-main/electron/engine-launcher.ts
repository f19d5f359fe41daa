/** The engine in an Electron utilityProcess, in the launcher shape the services expect. */
import { utilityProcess } from 'electron';
import type { EngineLauncher } from '../engine/process/engine-launcher.ts';

/** @param entry the bundled engine entry (dist/electron/engine.cjs) */
export function utilityEngineLauncher(entry: string): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Hymba engine', stdio: 'inherit' });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      kill: () => {
        child.kill();
      },
    };
  };
}
