/**
 * Runs one benchmark phase in its own Node process (through tsx), so its peak RSS is the engine's alone and
 * a crash cannot take the orchestrator down. The child calls `servePhase` with its work function; the parent
 * calls `runPhase` with the entry file and input, and gets progress lines and one result back over IPC.
 */
import { fork, type Serializable } from 'node:child_process';

type PhaseMessage = { type: 'progress'; line: string } | { type: 'result'; value: unknown } | { type: 'error'; message: string };

export function runPhase<I, O>(entry: string, input: I, onProgress: (line: string) => void): Promise<O> {
  return new Promise((resolve, reject) => {
    const child = fork(entry, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    let settled = false;
    child.on('message', (raw) => {
      const message = raw as PhaseMessage;
      if (message.type === 'progress') onProgress(message.line);
      else if (message.type === 'result') {
        settled = true;
        resolve(message.value as O);
      } else {
        settled = true;
        reject(new Error(message.message));
      }
    });
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`phase ${entry} ended without a result (code ${code}, signal ${signal})`));
    });
    child.send(input as Serializable);
  });
}

/** In the child: receives the input, runs `work`, sends the result (or the error) and exits. */
export function servePhase<I, O>(work: (input: I, progress: (line: string) => void) => Promise<O>): void {
  process.once('message', (input) => {
    const send = (message: PhaseMessage): Promise<void> => new Promise((resolve) => process.send!(message, () => resolve()));
    work(input as I, (line) => void send({ type: 'progress', line }))
      .then((value) => send({ type: 'result', value }))
      .catch((caught: unknown) => send({ type: 'error', message: caught instanceof Error ? (caught.stack ?? caught.message) : String(caught) }))
      .finally(() => process.exit(0));
  });
}
