/**
 * Builds what `hymba serve` serves (dist/renderer) before the suite starts, so the e2e always tests the
 * current sources. Uses the project's build script (scripts/build.mjs; HYMBA_E2E_BUILD_SCRIPT overrides it).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.ts';

const buildScript = (): string => process.env.HYMBA_E2E_BUILD_SCRIPT ?? join(REPO_ROOT, 'scripts', 'build.mjs');

/** Why the browser suite cannot run here, or null when it can. */
export function missingBuild(): string | null {
  return existsSync(buildScript()) ? null : `no build script at ${buildScript()} to build dist/renderer`;
}

export async function buildRenderer(): Promise<void> {
  const script = buildScript();
  if (!existsSync(script)) throw new Error(missingBuild() ?? 'no build script');
  try {
    await promisify(execFile)(process.execPath, [script, '--renderer-only'], { cwd: REPO_ROOT, maxBuffer: 16 * 2 ** 20 });
  } catch (caught) {
    const failure = caught as { stderr?: string; stdout?: string; message: string };
    throw new Error(`npm run build failed: ${failure.stderr || failure.stdout || failure.message}`);
  }
  if (!existsSync(join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) throw new Error('the build wrote no dist/renderer/index.html');
}
