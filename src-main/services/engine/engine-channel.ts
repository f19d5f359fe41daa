/**
 * The raw link to an engine process: send requests, receive events, learn when it exits. The plain-Node
 * host forks a child process (here); Electron main uses a utilityProcess (src-main/electron/engine-channel.ts).
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { EngineEvent, EngineReady, EngineRequest } from '../../engine/process/protocol.ts';

export type EngineMessage = EngineEvent | EngineReady;

export interface EngineChannel {
  readonly pid: number | null;
  send(request: EngineRequest): void;
  onMessage(listener: (message: EngineMessage) => void): void;
  /** Called once when the process ends for any reason. */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type EngineChannelFactory = () => EngineChannel;

/** The engine process entry point (owned by the engine; see src-main/engine/process/). */
export const DEFAULT_ENGINE_ENTRY = new URL('../../engine/process/engine-process.ts', import.meta.url).pathname;

/** Forks `entry` as a Node child process running TypeScript through tsx, talking over IPC. */
export function forkEngineChannel(entry: string = DEFAULT_ENGINE_ENTRY): EngineChannelFactory {
  return () => {
    if (!existsSync(entry)) throw new Error(`Engine entry not found: ${entry}`);
    const child = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    return {
      get pid() {
        return child.pid ?? null;
      },
      send: (request) => {
        if (child.connected) child.send(request);
      },
      onMessage: (listener) => child.on('message', (message) => listener(message as EngineMessage)),
      onExit: (listener) => child.once('exit', (code) => listener(code)),
      kill: () => {
        child.kill();
      },
    };
  };
}
