/**
 * Starting the engine process. A host gets an EngineProcessHandle from a launcher; the Node launcher below
 * forks engine-entry.ts with tsx. Electron's host supplies its own launcher around utilityProcess.fork with
 * the same handle shape (postMessage / message / exit / kill), so EngineClient works unchanged in both.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineRequest } from './protocol.ts';

export interface EngineProcessHandle {
  readonly pid: number | undefined;
  postMessage(message: EngineRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process ends, for whatever reason. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type EngineLauncher = () => EngineProcessHandle;

export const ENGINE_ENTRY = fileURLToPath(new URL('./engine-entry.ts', import.meta.url));

export interface NodeLauncherOptions {
  /** Entry file (default: engine-entry.ts beside this module, run through tsx). */
  readonly entry?: string;
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** Forks the engine as a Node child process speaking over the IPC channel. */
export function nodeEngineLauncher(options: NodeLauncherOptions = {}): EngineLauncher {
  const execArgv = options.execArgv ?? ['--import', import.meta.resolve('tsx')];
  return () => {
    const child = fork(options.entry ?? ENGINE_ENTRY, [], {
      execArgv: [...execArgv],
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    return {
      pid: child.pid,
      postMessage: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
      kill: () => {
        child.kill();
      },
    };
  };
}
