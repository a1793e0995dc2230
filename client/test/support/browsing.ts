// What one browser test opens: contexts (each like another person's browser), their pages, the
// screenshots kept as artifacts, and the requests and page errors that must not happen.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repositoryRoot } from './client-build.js';

export const screenshotDirectory = path.join(repositoryRoot, 'test-artifacts/screenshots');

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type Browsing = {
  /** A page in a new context: its own storage and sign-in, as in another person's browser. */
  openPage(): Promise<Page>;
  /** Saves the page as test-artifacts/screenshots/<this test>-<step>.png. */
  screenshot(page: Page, step: string): Promise<void>;
  /** Off-machine requests the pages tried (all refused), errors the app threw, CSP violations. */
  problems(): string[];
  /** Closes every context; `failed` first keeps a screenshot of each open page. */
  close(failed: boolean): Promise<void>;
};

/** `my test: Name!` → `my-test-name` */
export function fileSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function startBrowsing(browser: Browser, baseUrl: string, testName: string): Browsing {
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const screenshot = async (page: Page, step: string) => {
    await mkdir(screenshotDirectory, { recursive: true });
    await page.screenshot({
      path: path.join(screenshotDirectory, `${fileSlug(testName)}-${fileSlug(step)}.png`),
      fullPage: true,
    });
  };

  return {
    async openPage() {
      // Pinned locale and zone: the dates the app formats read the same on every machine.
      const context = await browser.newContext({
        baseURL: baseUrl,
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      contexts.push(context);
      await context.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        if (loopbackHosts.has(url.hostname)) {
          await route.continue();
        } else {
          problems.push(`request off this machine: ${url.href}`);
          await route.abort('blockedbyclient');
        }
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => {
        problems.push(`page error on ${page.url()}: ${error.message}`);
      });
      // The server's Content-Security-Policy must let the real client do everything it does.
      page.on('console', (message) => {
        if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
          problems.push(`CSP violation on ${page.url()}: ${message.text()}`);
        }
      });
      return page;
    },
    screenshot,
    problems: () => [...problems],
    async close(failed) {
      if (failed) {
        const pages = contexts.flatMap((context) => context.pages());
        await Promise.all(pages.map((page, index) => screenshot(page, `failure-${index + 1}`)));
      }
      await Promise.all(contexts.map((context) => context.close()));
    },
  };
}
