// Debian's Chromium driven by playwright-core: never a downloaded browser, never the internet.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Why the browser tests cannot run on this machine, or null when they can. CI must run them, so
 * there a missing browser throws instead.
 */
export function missingBrowserReason(): string | null {
  if (existsSync(chromiumPath)) return null;
  const reason = `Chromium is not installed at ${chromiumPath} (apt-get install -y chromium)`;
  if (process.env.CI === 'true') {
    throw new Error(`${reason}: CI must run the browser tests.`);
  }
  return reason;
}

/** playwright-core gives each launch a fresh temporary --user-data-dir (and refuses one in args). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: launchArgs });
}
