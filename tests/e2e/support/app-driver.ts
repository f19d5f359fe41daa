/**
 * Page-level steps the scenarios share (browser mode and Electron): navigate, pick a model, set the
 * reply length, send, and wait on what the UI shows. Every wait is on a visible condition.
 */
import type { Locator, Page } from 'playwright';

export type ViewName = 'chat' | 'models' | 'dashboard' | 'settings';

export async function gotoView(page: Page, view: ViewName): Promise<void> {
  await page.getByTestId(`nav-${view}`).click();
  await page.locator(`[data-testid="app"][data-view="${view}"]`).waitFor();
}

export function modelRow(page: Page, modelId: string): Locator {
  return page.locator(`[data-testid="model-row"][data-model-id="${modelId}"]`);
}

/** Makes a model active through the Models page and waits until it is loaded. */
export async function activateModel(page: Page, modelId: string): Promise<void> {
  await gotoView(page, 'models');
  const row = modelRow(page, modelId);
  if ((await row.getAttribute('data-active')) !== 'true') await row.getByTestId('activate-button').click();
  await page.locator(`[data-testid="model-row"][data-model-id="${modelId}"][data-active="true"]`).waitFor({ timeout: 60_000 });
}

/** Starts a new chat with Ctrl+N and waits for it to be open and empty. */
export async function newChat(page: Page): Promise<void> {
  await gotoView(page, 'chat');
  const before = await page.getByTestId('conversation-item').count();
  await page.keyboard.press('Control+n');
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="conversation-item"]').length > count, before);
  await page.locator('[data-testid="conversation-item"].active').waitFor();
}

/** Sets one of this conversation's generation settings in the side panel (commits on Enter). */
export async function setSampling(page: Page, field: 'maxTokens' | 'temperature', value: number): Promise<void> {
  const input = page.getByTestId(`sampling-${field}`);
  await input.fill(String(value));
  await input.press('Enter');
  await page.waitForFunction(
    ({ id, expected }) => (document.querySelector(`[data-testid="${id}"]`) as HTMLInputElement | null)?.value === expected,
    { id: `sampling-${field}`, expected: String(value) },
  );
}

/** A reply that outlasts any test step: greedy (random-weight models then never pick end-of-text here) and long. */
export async function useEndlessReplies(page: Page): Promise<void> {
  await setSampling(page, 'temperature', 0);
  await setSampling(page, 'maxTokens', 32_768);
}

/**
 * Sends prompts until one gets a reply that is still streaming with some text (a random-weight model can
 * end a reply at once with end-of-text; the next prompt then gets another chance). Returns its text length.
 */
export async function startLongReply(page: Page, prompts: readonly string[]): Promise<number> {
  for (const prompt of prompts) {
    await sendMessage(page, prompt);
    const handle = await page.waitForFunction(() => {
      const replies = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
      const last = replies[replies.length - 1];
      const status = last?.getAttribute('data-status');
      const length = (last?.querySelector('[data-testid="message-content"]')?.textContent ?? '').replace('Thinking…', '').length;
      if (status === 'streaming') return length > 0 ? length : null;
      return document.querySelector('[data-testid="stop-button"]') ? null : -1;
    });
    const length = (await handle.jsonValue()) as number;
    if (length > 0) return length;
  }
  throw new Error(`none of ${prompts.length} prompts got a reply that kept streaming`);
}

/** Short replies that finish quickly. */
export async function useShortReplies(page: Page, maxTokens = 12): Promise<void> {
  await setSampling(page, 'maxTokens', maxTokens);
}

/** Types into the composer and presses Enter (the send shortcut); waits until the reply has appeared. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await pressSendAndWaitForReply(page, input);
}

/** Presses Enter in the composer and waits for a new reply (streaming, or already ended when it was instant). */
export async function pressSendAndWaitForReply(page: Page, input: Locator): Promise<void> {
  const before = await assistantMessages(page).count();
  await input.press('Enter');
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="message"][data-role="assistant"]').length > count, before);
}

export function assistantMessages(page: Page): Locator {
  return page.locator('[data-testid="message"][data-role="assistant"]');
}

/** Text length of the last reply while it is still streaming, once it is at least `minLength`. */
export async function waitStreamingText(page: Page, minLength: number): Promise<number> {
  const handle = await page.waitForFunction((min) => {
    const replies = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
    const last = replies[replies.length - 1];
    if (!last || last.getAttribute('data-status') !== 'streaming') return null;
    const length = (last.querySelector('[data-testid="message-content"]')?.textContent ?? '').replace('Thinking…', '').length;
    return length >= min ? length : null;
  }, minLength);
  return (await handle.jsonValue()) as number;
}

/**
 * Waits until the last reply has left the streaming state; returns its final status. `replacing` names a
 * reply id that must no longer be the last one (after regenerate or edit), so an old reply never counts.
 */
export async function waitReplyEnded(page: Page, options: { replacing?: string | null; timeout?: number } = {}): Promise<string> {
  const handle = await page.waitForFunction(
    (replacing) => {
      const replies = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
      const last = replies[replies.length - 1];
      if (!last || (replacing && last.getAttribute('data-message-id') === replacing)) return null;
      const status = last.getAttribute('data-status');
      return status && status !== 'streaming' && !document.querySelector('[data-testid="stop-button"]') ? status : null;
    },
    options.replacing ?? null,
    { timeout: options.timeout ?? 60_000 },
  );
  return (await handle.jsonValue()) as string;
}

export async function lastReplyText(page: Page): Promise<string> {
  return (await assistantMessages(page).last().getByTestId('message-content').textContent()) ?? '';
}

/**
 * Settings → OpenAI-compatible API: picks "any free port", switches the API on and waits until it runs.
 * Returns the base URL and the token the page shows.
 */
export async function enableLocalApi(page: Page): Promise<{ baseUrl: string; token: string; curl: string }> {
  await gotoView(page, 'settings');
  const port = page.getByTestId('api-port');
  await port.fill('0');
  await port.press('Enter');
  await page.getByTestId('api-enabled').check();
  await page.locator('[data-testid="api-status"][data-state="running"]').waitFor();
  await page.getByTestId('api-token-toggle').click();
  await page.locator('[data-testid="api-token"][data-shown="true"]').waitFor();
  const baseUrl = ((await page.getByTestId('api-base-url').textContent()) ?? '').trim();
  const token = ((await page.getByTestId('api-token').textContent()) ?? '').trim();
  const curl = (await page.getByTestId('api-curl').textContent()) ?? '';
  return { baseUrl, token, curl };
}

/** Switches the API off and waits until the page says it stopped. */
export async function disableLocalApi(page: Page): Promise<void> {
  await page.getByTestId('api-enabled').uncheck();
  await page.locator('[data-testid="api-status"][data-state="stopped"]').waitFor();
  await page.getByTestId('api-base-url').waitFor({ state: 'detached' });
}
