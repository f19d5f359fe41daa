/**
 * Runs `hymba serve --port 0 --data-dir <dir>` as a child process and waits for its one URL line
 * (`Hymba Desk: http://127.0.0.1:<port>/?token=<token>`). Readiness is that line, never a sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { HYMBA_BIN, REPO_ROOT } from './paths.ts';

export const URL_LINE = /^Hymba Desk: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))\s*$/;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly dataDir: string;
  readonly extraArgs?: readonly string[];
  /** How long to wait for the URL line (the engine process starts first). */
  readonly startTimeoutMs?: number;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [HYMBA_BIN, 'serve', '--port', '0', '--data-dir', options.dataDir, ...(options.extraArgs ?? [])], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout ?? process.stdin });

  const found = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hymba serve printed no URL line within ${options.startTimeoutMs ?? 120_000} ms:\n${log}`)), options.startTimeoutMs ?? 120_000);
    lines.on('line', (line) => {
      log += `${line}\n`;
      const match = URL_LINE.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`hymba serve exited with code ${String(code)} before printing its URL:\n${log}`));
    });
  });

  return {
    url: found[1] ?? '',
    port: Number(found[2]),
    token: found[3] ?? '',
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
