/**
 * End-to-end: `hymba serve` with the real engine on small random-weight Base and Instruct packages,
 * driven in headless Chromium. The scenarios run in order against one data folder (the restart test
 * reuses it). Screenshots of every view go to test-artifacts/screenshots/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModelFixtures, installOutdatedCopy, installPackage, type ModelFixtures } from './support/model-fixtures.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { buildRenderer, missingBuild } from './support/build-app.ts';
import { REPO_ROOT } from './support/paths.ts';
import { dataValue, openBrowser, screenshot, waitForDataValue, type BrowserSession } from './support/browser.ts';
import {
  activateModel,
  assistantMessages,
  disableLocalApi,
  enableLocalApi,
  gotoView,
  lastReplyText,
  modelRow,
  newChat,
  pressSendAndWaitForReply,
  sendMessage,
  startLongReply,
  useEndlessReplies,
  useShortReplies,
  waitReplyEnded,
  waitStreamingText,
} from './support/app-driver.ts';

/** Packages shipped in assets/models (trained, small), if any: the app starts on one of them. */
const EMBEDDED_MODELS = existsSync(join(REPO_ROOT, 'assets', 'models'))
  ? readdirSync(join(REPO_ROOT, 'assets', 'models'))
      .filter((name) => existsSync(join(REPO_ROOT, 'assets', 'models', name, 'manifest.json')))
      .map((name) => (JSON.parse(readFileSync(join(REPO_ROOT, 'assets', 'models', name, 'manifest.json'), 'utf8')) as { id: string }).id)
  : [];

/** Prompts for replies that must still be running when the test acts (tried in turn). */
const LONG_PROMPTS = ['Once upon a time', 'Tell me a very long story.', 'List every number you know', 'The history of the world began'];

const skip = missingBuild() ?? false;
if (skip) console.log(`# browser e2e skipped: ${skip}`);

describe('Hymba Desk in the browser (hymba serve, real engine)', { skip }, () => {
  let fixtures: ModelFixtures;
  let dataDir: string;
  let server: RunningServer;
  let session: BrowserSession;

  before(async () => {
    await buildRenderer();
    fixtures = await buildModelFixtures();
    dataDir = await mkdtemp(join(tmpdir(), 'hymba-desk-e2e-data-'));
    await installPackage(fixtures.basePackageDir, dataDir, 'e2e-base');
    await installPackage(fixtures.instructPackageDir, dataDir, 'e2e-instruct');
    await installOutdatedCopy(fixtures.instructPackageDir, fixtures.checkpointDir, dataDir, 'e2e-old', 'E2E Instruct (older graph)');
    server = await startServer({ dataDir });
    session = await openBrowser(server.url);
  });

  /** A scenario step; on failure it saves a screenshot named after the test before rethrowing. */
  const e2e = (name: string, run: () => Promise<void> | void): void => {
    test(name, async () => {
      try {
        await run();
      } catch (caught) {
        await screenshot(session.page, `failure-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
        throw caught;
      }
    });
  };

  after(async () => {
    await session?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  e2e('the page loads with the token, drops it from the address bar and lists both models', async () => {
    const { page } = session;
    assert.ok(!page.url().includes('token='), `token still in ${page.url()}`);
    await gotoView(page, 'models');
    await modelRow(page, 'e2e-base').waitFor();
    await modelRow(page, 'e2e-instruct').waitFor();
    assert.equal(await modelRow(page, 'e2e-base').getAttribute('data-kind'), 'base');
    assert.equal(await modelRow(page, 'e2e-instruct').getAttribute('data-kind'), 'instruct');
  });

  e2e('with no model chosen yet, the app starts on a built-in model', async () => {
    const { page } = session;
    if (EMBEDDED_MODELS.length === 0) return;
    await gotoView(page, 'models');
    const active = page.locator('[data-testid="model-row"][data-active="true"]');
    await active.waitFor({ timeout: 60_000 });
    assert.ok(EMBEDDED_MODELS.includes((await active.getAttribute('data-model-id')) ?? ''), 'the active model is one of assets/models');
  });

  e2e('Base model: completion mode, a reply that streams in, and Esc stops it mid-reply', async () => {
    const { page } = session;
    await activateModel(page, 'e2e-base');
    await screenshot(page, 'models');
    await newChat(page);
    const badge = page.getByTestId('mode-badge');
    assert.equal(await badge.getAttribute('data-mode'), 'completion');
    assert.match((await badge.textContent()) ?? '', /Base/);
    await useEndlessReplies(page);
    const first = await startLongReply(page, LONG_PROMPTS);
    const later = await waitStreamingText(page, first + 1);
    assert.ok(later > first, 'the reply grew while it streamed');
    await page.keyboard.press('Escape');
    assert.equal(await waitReplyEnded(page), 'cancelled');
    assert.ok((await lastReplyText(page)).length >= later, 'the stopped reply keeps the text written so far');
    await screenshot(page, 'chat-stopped');
  });

  e2e('regenerate replaces the last reply with a new one', async () => {
    const { page } = session;
    await useShortReplies(page);
    const oldId = await assistantMessages(page).last().getAttribute('data-message-id');
    await assistantMessages(page).last().getByTestId('regenerate-button').click();
    assert.equal(await waitReplyEnded(page, { replacing: oldId }), 'complete');
    assert.equal(await assistantMessages(page).count(), 1);
    assert.notEqual(await assistantMessages(page).last().getAttribute('data-message-id'), oldId);
  });

  e2e('edit and resend rewrites the user message and answers it again', async () => {
    const { page } = session;
    const oldReply = await assistantMessages(page).last().getAttribute('data-message-id');
    const user = page.locator('[data-testid="message"][data-role="user"]').last();
    await user.hover();
    await user.getByTestId('edit-button').click();
    await page.getByTestId('edit-input').fill('Once upon a midnight');
    await page.getByTestId('edit-send').click();
    assert.equal(await waitReplyEnded(page, { replacing: oldReply }), 'complete');
    const edited = page.locator('[data-testid="message"][data-role="user"]').last().getByTestId('message-content');
    await edited.getByText('Once upon a midnight', { exact: true }).waitFor();
    assert.equal(await page.locator('[data-testid="message"][data-role="user"]').count(), 1);
  });

  e2e('switching Base → Instruct changes the chat to the chat template', async () => {
    const { page } = session;
    await activateModel(page, 'e2e-instruct');
    await gotoView(page, 'chat');
    await page.locator('[data-testid="mode-badge"][data-mode="chat"]').waitFor();
    assert.match((await page.getByTestId('mode-badge').textContent()) ?? '', /Instruct/);
    await newChat(page);
    await useShortReplies(page);
    const composer = page.getByTestId('composer-input');
    await composer.fill('Hello!');
    await composer.press('Shift+Enter');
    await composer.type('Who are you?');
    assert.equal(await composer.inputValue(), 'Hello!\nWho are you?', 'Shift+Enter adds a line instead of sending');
    await pressSendAndWaitForReply(page, composer);
    assert.equal(await waitReplyEnded(page), 'complete');
    assert.ok((await page.getByTestId('draft-tokens').textContent()) !== null);
    await screenshot(page, 'chat');
  });

  e2e('the built-in Instruct model answers in real words', async () => {
    const { page } = session;
    const instruct = EMBEDDED_MODELS.find((id) => id.includes('instruct'));
    if (!instruct) return;
    await activateModel(page, instruct);
    await newChat(page);
    await page.locator('[data-testid="mode-badge"][data-mode="chat"]').waitFor();
    await useShortReplies(page, 64);
    await sendMessage(page, 'What is a fruit?');
    assert.match(await waitReplyEnded(page), /^(complete|cancelled)$/);
    assert.match(await lastReplyText(page), /[a-z]{3,}/i);
    await screenshot(page, 'chat-built-in-model');
    await activateModel(page, 'e2e-instruct');
    await gotoView(page, 'chat');
  });

  e2e('the dashboard shows live decode tok/s and cache bytes that grow with the context', async () => {
    const { page } = session;
    await useEndlessReplies(page);
    // A random-weight model may end a reply early; then the next long reply (with more context) gets a turn.
    let grew: { cache: [number, number]; context: [number, number] } | null = null;
    for (let attempt = 0; attempt < 3 && !grew; attempt++) {
      await gotoView(page, 'chat');
      await startLongReply(page, LONG_PROMPTS);
      await gotoView(page, 'dashboard');
      assert.ok((await waitForDataValue(page, 'decode-tps', { above: 0 })) > 0);
      const cacheBefore = await waitForDataValue(page, 'cache-total', { above: 0 });
      const contextBefore = await dataValue(page, 'context-used');
      const outcome = await page.waitForFunction(
        ({ cache, context }) => {
          // (no named helpers in here: tsx would wrap them in a __name() the page does not have)
          const [cacheNow = 0, contextNow = 0] = ['cache-total', 'context-used'].map((id) =>
            Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-value')),
          );
          if (cacheNow > cache && contextNow > context) return [cacheNow, contextNow];
          return document.querySelector('[data-testid="engine-state"]')?.textContent === 'idle' ? 'ended' : null;
        },
        { cache: cacheBefore, context: contextBefore },
      );
      const result = (await outcome.jsonValue()) as [number, number] | 'ended';
      if (result !== 'ended') grew = { cache: [cacheBefore, result[0]], context: [contextBefore, result[1]] };
    }
    assert.ok(grew, 'cache bytes and context grew while a reply was written');
    await screenshot(page, 'dashboard');
    await page.keyboard.press('Escape');
    await gotoView(page, 'chat');
    assert.match(await waitReplyEnded(page), /^(cancelled|complete)$/);
  });

  e2e('the model details view draws the per-layer cache map', async () => {
    const { page } = session;
    await gotoView(page, 'models');
    await modelRow(page, 'e2e-instruct').getByTestId('details-button').click();
    const cells = page.getByTestId('cache-map').getByTestId('cache-cell');
    await cells.first().waitFor();
    const kinds = await cells.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-kind')));
    assert.deepEqual(kinds, ['global', 'sliding', 'shared', 'sliding', 'shared', 'global']);
    assert.equal(await page.getByTestId('outdated-graph').count(), 0, 'a package from this converter is current');
    await screenshot(page, 'models-details');
    await modelRow(page, 'e2e-old').getByTestId('details-button').click();
    await page.getByLabel('Details of E2E Instruct (older graph)').waitFor();
    assert.match(await page.getByTestId('outdated-graph').innerText(), /older Hymba Desk \(graph revision 2 of \d+\).*Convert its Hugging Face folder again/);
    await screenshot(page, 'models-details-outdated');
    // Convert again: the same folder imported as a new model with the current graph.
    const rowsBefore = await page.getByTestId('model-row').count();
    await page.getByTestId('convert-again').click();
    await page.locator('[data-testid="import-progress"][data-phase="done"]').waitFor({ timeout: 120_000 });
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="model-row"]').length === count + 1, rowsBefore);
    const newRow = page.locator('[data-testid="model-row"]:not([data-model-id="e2e-old"])', { hasText: 'E2E Instruct (older graph)' });
    assert.equal(await newRow.count(), 1);
    const newId = await newRow.getAttribute('data-model-id');
    await newRow.getByTestId('details-button').click();
    await page.locator(`[data-testid="model-details"][data-model-id="${newId}"]`).waitFor();
    assert.equal(await page.getByTestId('outdated-graph').count(), 0, 'the converted copy has the current graph');
  });

  e2e('importing a checkpoint folder shows progress and ends with the model listed', async () => {
    const { page } = session;
    await gotoView(page, 'models');
    const rowsBefore = await page.getByTestId('model-row').count();
    await page.getByTestId('import-path').fill(fixtures.checkpointDir);
    await page.getByLabel('Display name (optional)').fill('Imported E2E');
    await page.getByTestId('import-button').click();
    await page.getByTestId('import-progress').waitFor();
    await page.locator('[data-testid="import-progress"][data-phase="done"]').waitFor({ timeout: 120_000 });
    assert.equal(await page.getByTestId('import-progress-bar').getAttribute('aria-valuenow'), '100');
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="model-row"]').length === count + 1, rowsBefore);
    await page.getByTestId('models-table').getByText('Imported E2E').waitFor();
    await screenshot(page, 'models-imported');
  });

  e2e('a broken folder shows a clear error', async () => {
    const { page } = session;
    await page.getByTestId('import-path').fill(fixtures.brokenDir);
    await page.getByTestId('import-button').click();
    const error = page.getByTestId('import-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /import/i);
    await screenshot(page, 'models-import-error');
  });

  e2e('delete a conversation, then undo brings it back', async () => {
    const { page } = session;
    await gotoView(page, 'chat');
    const items = page.getByTestId('conversation-item');
    const before = await items.count();
    const first = items.first();
    const id = await first.getAttribute('data-conversation-id');
    await first.hover();
    await first.getByTestId('conversation-delete').click();
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="conversation-item"]').length === count - 1, before);
    await page.getByTestId('toast-action').click();
    await page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`).waitFor();
    assert.equal(await items.count(), before);
  });

  e2e('Ctrl+K focuses the search box and finds a conversation by its text', async () => {
    const { page } = session;
    await gotoView(page, 'settings');
    await page.keyboard.press('Control+k');
    await page.locator('[data-testid="conversation-search"]:focus').waitFor();
    await page.keyboard.type('midnight');
    await page.getByTestId('search-hit').first().waitFor();
    await page.getByTestId('conversation-search').fill('');
  });

  e2e('changing the memory budget updates "fits N tokens" live', async () => {
    const { page } = session;
    await gotoView(page, 'settings');
    const before = await waitForDataValue(page, 'fits-tokens', { above: 0 });
    await screenshot(page, 'settings');
    await page.getByTestId('budget-mib').fill('32');
    const after = await waitForDataValue(page, 'fits-tokens', { not: before });
    assert.ok(after < before, `a smaller budget fits fewer tokens (${after} < ${before})`);
    await page.getByTestId('budget-mib').press('Enter');
    await page.getByTestId('theme-dark').click();
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await page.locator('[data-testid="theme-dark"][aria-checked="true"]').waitFor();
    await screenshot(page, 'settings-dark');
  });

  e2e('the OpenAI-compatible API is off until switched on in Settings; its URL answers only with the token', async () => {
    const { page } = session;
    await gotoView(page, 'settings');
    await page.locator('[data-testid="api-status"][data-state="stopped"]').waitFor();
    assert.equal(await page.getByTestId('api-enabled').isChecked(), false, 'off by default');
    const { baseUrl, token, curl } = await enableLocalApi(page);
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.ok(token.length >= 32, 'a generated token is shown');
    assert.ok(curl.includes(`${baseUrl}/`) && curl.includes(`Bearer ${token}`), 'the curl example carries the URL and the shown token');
    await screenshot(page, 'settings-api');
    const models = await fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(models.status, 200);
    const ids = ((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    assert.ok(ids.includes('e2e-instruct') && ids.includes('e2e-base'), ids.join(', '));
    assert.equal((await fetch(`${baseUrl}/models`)).status, 401);
    await disableLocalApi(page);
    await assert.rejects(fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${token}` } }), 'nothing listens once it is off');
  });

  e2e('settings survive a server restart', async () => {
    await session.close();
    await server.stop();
    server = await startServer({ dataDir });
    session = await openBrowser(server.url);
    const { page } = session;
    await gotoView(page, 'settings');
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await page.waitForFunction(() => (document.querySelector('[data-testid="budget-mib"]') as HTMLInputElement | null)?.value === '32');
    await screenshot(page, 'settings-after-restart');
    await gotoView(page, 'chat');
    await page.getByTestId('conversation-item').first().waitFor();
    await screenshot(page, 'chat-dark');
  });

  e2e('no page errors or CSP violations were reported', () => {
    assert.deepEqual(session.pageErrors, []);
  });
});
