import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../stage-process';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where screenshots go: `$TEST_ARTIFACTS_DIR`, else the git-ignored `.work/test-artifacts/`. */
export function artifactsDir(): string {
  const dir = process.env.TEST_ARTIFACTS_DIR ?? join(REPO_ROOT, '.work', 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--headless=new'] });
}

/** A dashboard tab, with every page error and console error kept for the failure messages. */
export class DashboardTab {
  readonly problems: string[] = [];

  private constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console: ${message.text()}`);
    });
  }

  static async open(browser: Browser, url: string): Promise<DashboardTab> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const tab = new DashboardTab(await context.newPage());
    await tab.page.goto(url, { waitUntil: 'load' });
    return tab;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }

  /** Waits until a JS expression over the page is truthy; the failure names it and the page's problems. */
  async until(what: string, expression: string, timeoutMs: number): Promise<void> {
    try {
      await this.page.waitForFunction(expression, undefined, { timeout: timeoutMs, polling: 100 });
    } catch (error) {
      const status = await this.page.locator('#connection-status').textContent();
      const notice = await this.page.locator('#notice').textContent();
      throw new Error(
        `timed out waiting for ${what} (${expression})\nstatus: ${status}\nnotice: ${notice}\n` +
          `problems: ${this.problems.join('\n') || 'none'}\n${String(error)}`,
      );
    }
  }

  async attribute(selector: string, name: string): Promise<string | null> {
    return this.page.locator(selector).getAttribute(name);
  }

  /** The event ids of the Gold rows the audit table shows. */
  async goldRowIds(): Promise<string[]> {
    const rows = this.page.locator('#audit-gold tr');
    const ids: string[] = [];
    for (let i = 0; i < (await rows.count()); i += 1)
      ids.push((await rows.nth(i).getAttribute('data-event-id')) ?? '');
    return ids;
  }

  async screenshot(name: string): Promise<string> {
    const path = join(artifactsDir(), name);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }
}
