import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSecuredService, type SecuredService } from './support/secured-services.js';

/** Debian's chromium (apt-get install -y chromium); the suite is skipped where it is not installed. */
const CHROMIUM = '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

/** Collects what the page's Content-Security-Policy refused, and uncaught page errors. */
function recordViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  return violations;
}

describeWithBrowser('GraphiQL and Agendash in a real browser, under the security headers', () => {
  let browser: Browser;
  let svc: SecuredService;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    svc = await startSecuredService('games', 'development');
  });
  afterAll(async () => {
    await svc?.stop();
    await browser?.close();
  });

  it('When a query is typed into GraphiQL and run, then the result shows and the CSP refused nothing', async () => {
    // Arrange
    const page = await browser.newPage();
    const violations = recordViolations(page);
    await page.goto(`${svc.url}/graphql`);
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();

    // Act: replace the example by typing, as a person does (GraphiQL keeps stale state otherwise).
    await page.locator('.graphiql-query-editor .CodeMirror').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('query Ping { operations(first: 1) { id } }');
    await page.locator('.graphiql-execute-button').click();

    // Assert
    await page.locator('.graphiql-response', { hasText: '"operations"' }).waitFor({ timeout: 15_000 });
    expect(violations).toEqual([]);
    await page.close();
  });

  it('When Agendash is opened with its credentials, then its overview renders and the CSP refused nothing', async () => {
    // Arrange
    const context = await browser.newContext({ httpCredentials: { username: 'admin', password: svc.dashPassword } });
    const page = await context.newPage();
    const violations = recordViolations(page);

    // Act
    const overview = page.waitForResponse((res) => res.url().includes('/dash/api') && res.status() === 200);
    await page.goto(`${svc.url}/dash/`);
    await overview;
    await page.locator('#app *').first().waitFor();

    // Assert
    expect(await page.locator('#app').innerText()).toMatch(/\S/);
    expect(violations).toEqual([]);
    await context.close();
  });
});
