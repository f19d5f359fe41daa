/**
 * End-to-end against the real Electron app through playwright's Electron support, with the same
 * scenario steps as browser mode. Skipped, with the reason, where no Electron binary exists (these
 * machines cannot download it); the browser-mode suite covers the same UI and services there.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright';
import { findElectronBinary } from './support/electron-binary.ts';
import { buildModelFixtures, installPackage } from './support/model-fixtures.ts';
import { REPO_ROOT } from './support/paths.ts';
import { screenshot } from './support/browser.ts';
import {
  activateModel,
  disableLocalApi,
  enableLocalApi,
  gotoView,
  newChat,
  startLongReply,
  useEndlessReplies,
  waitReplyEnded,
  waitStreamingText,
} from './support/app-driver.ts';

const lookup = findElectronBinary();
const skip = 'missing' in lookup ? `no Electron binary: ${lookup.missing}` : false;
if (skip) console.log(`# electron e2e skipped: ${skip}`);

describe('Hymba Desk as the Electron app', { skip }, () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  before(async () => {
    if (!('path' in lookup)) return;
    const fixtures = await buildModelFixtures();
    dataDir = await mkdtemp(join(tmpdir(), 'hymba-desk-e2e-electron-'));
    await installPackage(fixtures.basePackageDir, dataDir, 'e2e-base');
    await installPackage(fixtures.instructPackageDir, dataDir, 'e2e-instruct');
    if (!existsSync(join(REPO_ROOT, 'dist', 'electron', 'main.js'))) await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT });
    app = await electron.launch({
      executablePath: lookup.path,
      // Electron takes Chromium's --user-data-dir as its userData folder, where the app keeps settings and models.
      args: [REPO_ROOT, `--user-data-dir=${dataDir}`],
    });
    page = await app.firstWindow();
    await page.getByTestId('app').waitFor();
  });

  after(async () => {
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('the window is sandboxed: no Node globals in the renderer, the API comes from the preload', async () => {
    const exposed = await page.evaluate(() => ({ require: typeof (window as { require?: unknown }).require, hymba: typeof (window as { hymba?: unknown }).hymba }));
    assert.deepEqual(exposed, { require: 'undefined', hymba: 'object' });
  });

  test('switch Base → Instruct and stream a reply', async () => {
    await activateModel(page, 'e2e-base');
    await gotoView(page, 'chat');
    await page.locator('[data-testid="mode-badge"][data-mode="completion"]').waitFor();
    await activateModel(page, 'e2e-instruct');
    await newChat(page);
    await page.locator('[data-testid="mode-badge"][data-mode="chat"]').waitFor();
    await useEndlessReplies(page);
    const first = await startLongReply(page, ['Hello', 'Tell me a very long story.', 'Once upon a time']);
    await waitStreamingText(page, first + 1);
    await page.keyboard.press('Escape');
    assert.equal(await waitReplyEnded(page), 'cancelled');
    await screenshot(page, 'electron-chat');
  });

  test('the local API is switched on in Settings and answers only with its token', async () => {
    const { baseUrl, token } = await enableLocalApi(page);
    assert.equal((await fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await fetch(`${baseUrl}/models`)).status, 401);
    await screenshot(page, 'electron-settings-api');
    await disableLocalApi(page);
  });

  test('the dashboard shows the engine', async () => {
    await gotoView(page, 'dashboard');
    await page.getByTestId('engine-state').waitFor();
    await screenshot(page, 'electron-dashboard');
  });
});
