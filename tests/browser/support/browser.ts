import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`); never a browser download. CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go: CI keeps the folder as artefacts (gitignored). */
export const SCREENSHOT_DIR = join(process.cwd(), 'artifacts', 'browser');

/** One headless Chromium for the tests of the enclosing `describe`. */
export function useBrowser(): { browser(): Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (as root), or set CHROMIUM_PATH`);
    }
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    browser: () => {
      if (!browser) throw new Error('the browser is used outside the describe block that starts it');
      return browser;
    },
  };
}

/** A fresh page (empty storage) that records uncaught page errors, so a test can assert there were none. */
export async function openPage(
  browser: Browser,
  options: { httpCredentials?: { username: string; password: string } } = {},
): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, httpCredentials: options.httpCredentials });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { context, page, pageErrors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}
