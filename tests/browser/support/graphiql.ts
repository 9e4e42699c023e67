/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import type { Page } from 'playwright-core';

/**
 * Drives the GraphiQL page the way a person does: keyboard in the query editor, the Run button,
 * the saved tabs. Editors are CodeMirror 5; their content is read (and the variables set) through
 * the editor instance the page attaches to its element.
 */
export class GraphiqlPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    // GraphiQL's first POST is the introspection: once answered, completion and validation work.
    const schemaLoaded = this.page.waitForResponse((res) => res.url() === `${url}/graphql` && res.request().method() === 'POST');
    await this.page.goto(`${url}/graphql`);
    await schemaLoaded;
    await this.page.waitForSelector('.graphiql-query-editor .CodeMirror');
  }

  /** The titles of the tabs, in order. */
  async tabTitles(): Promise<string[]> {
    return this.page.$$eval('.graphiql-tab .graphiql-tab-button', (buttons) => buttons.map((b) => (b.textContent ?? '').trim()));
  }

  async selectTab(title: string): Promise<void> {
    await this.page.locator('.graphiql-tab .graphiql-tab-button', { hasText: new RegExp(`^${title}$`) }).click();
    await this.page.waitForFunction((t) => (document.querySelector('.graphiql-tab-active')?.textContent ?? '').trim().startsWith(t), title);
  }

  /** Opens a new tab with "+", as a person does to write an operation of their own. */
  async addTab(): Promise<void> {
    const before = (await this.tabTitles()).length;
    await this.page.getByRole('button', { name: 'Add tab' }).click();
    await this.page.waitForFunction((n) => document.querySelectorAll('.graphiql-tab').length === n + 1, before);
  }

  /** Replaces the whole document by typing it, as a person does after select-all. */
  async typeQuery(text: string): Promise<void> {
    await this.page.click('.graphiql-query-editor .CodeMirror');
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.type(text);
  }

  async setVariables(variables: Record<string, unknown>): Promise<void> {
    await this.page.getByRole('button', { name: 'Variables' }).click();
    await this.page.evaluate((json) => {
      const editor = document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } };
      editor.CodeMirror.setValue(json);
    }, JSON.stringify(variables, null, 2));
  }

  /** Runs the document (Ctrl-Enter or the Run button) and returns the response GraphiQL shows. */
  async run(via: 'keyboard' | 'button'): Promise<{ data?: any; errors?: Array<{ message: string }> }> {
    await this.page.evaluate(() => {
      (document.querySelector('.result-window .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue('');
    });
    if (via === 'keyboard') {
      await this.page.click('.graphiql-query-editor .CodeMirror');
      await this.page.keyboard.press('Control+Enter');
    } else {
      await this.page.click('.graphiql-execute-button');
    }
    const text = await this.page.waitForFunction(() => {
      const value = (document.querySelector('.result-window .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue();
      try {
        JSON.parse(value);
        return value;
      } catch {
        return false;
      }
    });
    return JSON.parse((await text.jsonValue()) as string);
  }
}
