/**
 * Makes sure the renderer bundle served in browser mode exists and is not older than its sources, so
 * `npm run serve` works from a clean clone. Runs `scripts/build.mjs --renderer-only` when needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when the bundle in `rendererDir` is missing or older than any file in `sourceDir`. */
export function rendererNeedsBuild(rendererDir: string, sourceDir: string): boolean {
  const bundle = join(rendererDir, 'main.js');
  if (!existsSync(join(rendererDir, 'index.html')) || !existsSync(bundle)) return true;
  return existsSync(sourceDir) && newestMtime(sourceDir) > statSync(bundle).mtimeMs;
}

/** Builds the renderer when needed; returns an error message when the build fails. */
export function ensureRendererBuilt(repoRoot: string, rendererDir: string): string | null {
  if (!rendererNeedsBuild(rendererDir, join(repoRoot, 'src-renderer'))) return null;
  const script = join(repoRoot, 'scripts', 'build.mjs');
  if (!existsSync(script)) return 'the renderer is not built and scripts/build.mjs is missing';
  const result = spawnSync(process.execPath, [script, '--renderer-only'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  return result.status === 0 ? null : `building the renderer failed: ${result.stderr.trim().split('\n').slice(-5).join('\n')}`;
}
