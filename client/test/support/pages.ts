// How tests find their way around the app's pages: by role and label, as users and screen readers do.
import type { Locator, Page } from 'playwright-core';
import type { ManagerSignIn } from './lobby-stack.js';

/** The lobby's "Live now" or "Coming up" list. */
export function lobbySection(page: Page, list: 'live' | 'upcoming'): Locator {
  return page.getByRole('region', { name: list === 'live' ? 'Live now' : 'Coming up' });
}

/** A meeting's card in one of the lobby's lists. */
export function meetingCard(page: Page, list: 'live' | 'upcoming', title: string): Locator {
  return lobbySection(page, list).getByRole('article', { name: title });
}

/** Marks the document, so a test can tell later that the page was never reloaded. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    document.documentElement.dataset.testMarker = 'not reloaded';
  });
}

export async function isSameDocument(page: Page): Promise<boolean> {
  const marker = await page.evaluate(() => document.documentElement.dataset.testMarker);
  return marker === 'not reloaded';
}

/** Signs in through the home page's sign-in form and waits until the header shows it. */
export async function signInAsManager(page: Page, signIn: ManagerSignIn): Promise<void> {
  await page.goto('/');
  if (signIn.kind === 'development') {
    await page.getByLabel('Your name', { exact: true }).fill(signIn.displayName);
    await page.getByRole('button', { name: 'Sign in as this name' }).click();
  } else {
    await page.getByLabel('API key or token', { exact: true }).fill(signIn.token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
