/**
 * The engine process's side of the message channel, independent of who hosts it: an Electron
 * utilityProcess (process.parentPort, messages wrapped in `{ data }`) or a Node child started with
 * child_process.fork (process.send / process.on('message')). The engine only needs `send` and `onMessage`.
 */
import type { EngineEvent, EngineReady } from './protocol.ts';

export type EngineOutbound = EngineEvent | EngineReady;

export interface EngineTransport {
  send(message: EngineOutbound): void;
  onMessage(handler: (message: unknown) => void): void;
  /** Called when the host goes away (the engine should exit). */
  onDisconnect(handler: () => void): void;
}

/** Electron's utilityProcess parent port, as far as the engine uses it. */
interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/** Picks the transport of the current process; throws when the process has no parent channel. */
export function currentProcessTransport(): EngineTransport {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (handler) => parentPort.on('message', (event) => handler(event.data)),
      onDisconnect: () => undefined,
    };
  }
  if (typeof process.send === 'function') {
    return {
      send: (message) => {
        if (process.connected) process.send!(message);
      },
      onMessage: (handler) => process.on('message', handler),
      onDisconnect: (handler) => process.on('disconnect', handler),
    };
  }
  throw new Error('the engine process needs a parent: start it with child_process.fork or Electron utilityProcess.fork');
}
