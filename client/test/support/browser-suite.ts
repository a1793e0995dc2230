// The hooks of a browser suite: the client built, one stack and one Chromium per variant, and per
// test fresh contexts whose failures leave screenshots and whose stray requests fail the test.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
import { startBrowsing, type Browsing } from './browsing.js';
import { launchChromium, missingBrowserReason } from './chromium.js';
import { ensureClientBuilt } from './client-build.js';
import type { LobbyStack, StackVariant } from './lobby-stack.js';

/** A build, a migrated database and four processes take a while on two busy cores. */
const setUpTimeoutMs = 240_000;
const tearDownTimeoutMs = 60_000;

export type BrowserSuite = { stack(): LobbyStack; browsing(): Browsing };

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} did not start: see the set-up error`);
  return value;
}

const missingBrowser = missingBrowserReason();
if (missingBrowser !== null) console.warn(`Skipping the browser tests: ${missingBrowser}`);

/** `describe`, or `describe.skip` with a warning where there is no Chromium (never in CI). */
export const describeInBrowser = missingBrowser === null ? describe : describe.skip;

/** Registers the hooks of one variant's suite; call it at the top of its describe block. */
export function useBrowserSuite(variant: StackVariant): BrowserSuite {
  let stack: LobbyStack | undefined;
  let browser: Browser | undefined;
  let browsing: Browsing | undefined;

  beforeAll(async () => {
    await ensureClientBuilt();
    const [startedStack, launched] = await Promise.allSettled([variant.start(), launchChromium()]);
    if (startedStack.status === 'fulfilled') stack = startedStack.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (startedStack.status === 'rejected') throw startedStack.reason;
    if (launched.status === 'rejected') throw launched.reason;
  }, setUpTimeoutMs);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, tearDownTimeoutMs);

  beforeEach((context) => {
    browsing = startBrowsing(
      required(browser, 'Chromium'),
      required(stack, 'Lobby').baseUrl,
      `${variant.name} ${context.task.name}`,
    );
  });

  afterEach(async (context) => {
    const finished = browsing;
    browsing = undefined;
    await finished?.close(context.task.result?.state === 'fail');
    expect(finished?.problems() ?? []).toEqual([]);
  }, tearDownTimeoutMs);

  return {
    stack: () => required(stack, 'Lobby'),
    browsing: () => required(browsing, 'The browsing of this test'),
  };
}
