/** Where the e2e suite finds the repository, the CLI, shared fixtures and where it writes artifacts. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const HYMBA_BIN = join(REPO_ROOT, 'bin', 'hymba.mjs');
/** `shared/` sits beside the repository root (see the README). */
export const SHARED_FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'screenshots');
export const CHROMIUM_PATH = process.env.HYMBA_E2E_CHROMIUM ?? '/usr/bin/chromium';
