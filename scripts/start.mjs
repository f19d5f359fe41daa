#!/usr/bin/env node
// `npm start`: builds and runs the desktop app. Where the Electron binary is not installed (it cannot be
// downloaded on every machine), says so and offers browser mode instead of failing with a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** The installed Electron binary, or null. Reads electron's path.txt itself: requiring `electron` would try a download. */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const binary = relative ? join(distDir, relative) : null;
  return binary && existsSync(binary) ? binary : null;
}

const binary = electronBinary();
async function offerBrowserMode() {
  console.error(
    [
      'Hymba Desk: the Electron binary is not installed on this machine, so the desktop window cannot open.',
      '',
      '  Browser mode runs the same app in your browser, on 127.0.0.1:',
      '      npm run serve',
      '',
      "  (Where downloads are allowed, `node node_modules/electron/install.js` installs Electron's binary.)",
    ].join('\n'),
  );
  if (!process.stdin.isTTY) return 1;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = (await prompt.question('\nStart browser mode now? [Y/n] ')).trim().toLowerCase();
  prompt.close();
  if (answer !== '' && answer !== 'y' && answer !== 'yes') return 1;
  const serve = spawn(process.execPath, [join(root, 'bin', 'hymba.mjs'), 'serve'], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve) => serve.on('exit', (code) => resolve(code ?? 0)));
}

if (!binary) process.exit(await offerBrowserMode());

const built = spawnSync(process.execPath, [fileURLToPath(new URL('./build.mjs', import.meta.url))], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const child = spawn(binary, [root], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
