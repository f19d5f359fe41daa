/**
 * Finds the Electron executable without `require('electron')`: in Electron 45 that call tries to
 * download the binary when it is missing, which must not happen in a test run. Returns the path, or
 * the reason there is none (shown as the skip reason).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

export type ElectronLookup = { readonly path: string } | { readonly missing: string };

export function findElectronBinary(): ElectronLookup {
  const packageDir = join(REPO_ROOT, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!existsSync(packageDir)) return { missing: 'the electron package is not installed' };
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (override) {
    const candidate = join(override, relative ?? 'electron');
    return existsSync(candidate) ? { path: candidate } : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary at ${candidate}` };
  }
  if (!relative) return { missing: 'the Electron binary was never downloaded (node_modules/electron/path.txt is absent; it cannot be fetched offline)' };
  const binary = join(packageDir, 'dist', relative);
  return existsSync(binary) ? { path: binary } : { missing: `the Electron binary is missing at ${binary}` };
}
