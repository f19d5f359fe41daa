/**
 * The raw link to an engine process: send requests, receive events, learn when it exits. The plain-Node
 * host forks a child process through the engine's launcher; Electron main wraps a utilityProcess
 * (src-main/electron/engine-channel.ts) in the same shape.
 */
import { nodeEngineLauncher, type EngineLauncher } from '../../engine/process/engine-launcher.ts';
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

/** Adapts an engine launcher (Node fork or Electron utilityProcess) to a channel factory. */
export function channelFromLauncher(launcher: EngineLauncher): EngineChannelFactory {
  return () => {
    const handle = launcher();
    return {
      pid: handle.pid ?? null,
      send: (request) => handle.postMessage(request),
      onMessage: (listener) => handle.onMessage((message) => listener(message as EngineMessage)),
      onExit: (listener) => handle.onExit((code) => listener(code)),
      kill: () => handle.kill(),
    };
  };
}

/** The engine as a Node child process (engine-entry.ts through tsx). */
export function forkEngineChannel(): EngineChannelFactory {
  return channelFromLauncher(nodeEngineLauncher());
}
