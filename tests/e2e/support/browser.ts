/**
 * Headless Chromium (Debian's, through playwright's executablePath) with one page per test run, plus
 * helpers the scenarios share: screenshots, reading numeric data-value attributes, console capture.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { CHROMIUM_PATH, SCREENSHOT_DIR } from './paths.ts';

export interface BrowserSession {
  readonly browser: Browser;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far (CSP violations show up here). */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export async function openBrowser(url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserSession> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 880 }, colorScheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('crash', () => pageErrors.push('the page crashed'));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(url);
  await page.getByTestId('app').waitFor();
  return { browser, page, pageErrors, close: () => browser.close() };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Reads the numeric `data-value` of a test id (the raw number behind a formatted label). */
export async function dataValue(page: Page, testId: string): Promise<number> {
  const raw = await page.getByTestId(testId).getAttribute('data-value');
  return Number(raw);
}

/** Waits until the numeric `data-value` of a test id is greater than (or differs from) a number; returns it. */
export async function waitForDataValue(page: Page, testId: string, condition: { above: number } | { not: number }, timeout = 30_000): Promise<number> {
  const handle = await page.waitForFunction(
    ({ id, above, not }) => {
      const element = document.querySelector(`[data-testid="${id}"]`);
      if (!element) return null;
      const value = Number(element.getAttribute('data-value'));
      if (!Number.isFinite(value)) return null;
      if (above !== null && value > above) return value;
      if (not !== null && value !== not) return value;
      return null;
    },
    { id: testId, above: 'above' in condition ? condition.above : null, not: 'not' in condition ? condition.not : null },
    { timeout },
  );
  return (await handle.jsonValue()) as number;
}
