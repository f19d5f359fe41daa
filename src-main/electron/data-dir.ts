/**
 * The data folder Electron main uses instead of the OS default userData folder, when one is asked for:
 * `--user-data-dir=<dir>` (or `--user-data-dir <dir>`) on the command line, else the HYMBA_DATA_DIR
 * environment variable. Pure, so it is tested without Electron.
 */
import { resolve } from 'node:path';

const FLAG = '--user-data-dir';

/** The requested data folder as an absolute path, or null to keep Electron's default. */
export function requestedDataDir(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith(`${FLAG}=`) && arg.length > FLAG.length + 1) return resolve(arg.slice(FLAG.length + 1));
    const following = argv[i + 1];
    if (arg === FLAG && following !== undefined && !following.startsWith('--')) return resolve(following);
  }
  const fromEnv = env['HYMBA_DATA_DIR'];
  return fromEnv !== undefined && fromEnv.trim() !== '' ? resolve(fromEnv) : null;
}
