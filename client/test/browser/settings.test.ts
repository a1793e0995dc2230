// A room manager in Chromium against the real server: signs in, creates a room, sets its calendar
// and settings, finds them again after a reload, watches "Sync now" run, and reads feed errors;
// reads the room's past meetings, and finds a meeting's page only under its own room.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { dataOf } from '../../../server/test/support/api-client.js';
import {
  createRoomAs,
  joinMeetingAs,
  startMeetingAs,
  uniqueRoomName,
} from '../../../server/test/support/api-seed.js';
import { describeInBrowser, useBrowserSuite } from '../support/browser-suite.js';
import { feedOf, secondsFromNow, type FeedEvent } from '../support/lobby-api.js';
import { stackVariants } from '../support/lobby-stack.js';
import { signInAsManager } from '../support/pages.js';

const feedSecret = 's3cret-feed-token';
const syncStates = ['Waiting to start', 'Syncing…', 'Updated'];

function latestRun(page: Page) {
  return page
    .getByRole('status')
    .filter({ has: page.getByRole('heading', { name: 'Latest sync' }) });
}

/**
 * Records, on the document element, each status the latest-run box shows for manual runs: states
 * can follow each other faster than a test could poll for them.
 */
async function recordManualRunStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    const record = () => {
      const headline = document.querySelector('.latest-run .run__headline');
      const status = headline?.querySelector('strong')?.textContent ?? '';
      const trigger = headline?.querySelector('span')?.textContent ?? '';
      if (!trigger.startsWith('Sync now') || status === '' || seen.at(-1) === status) return;
      seen.push(status);
      document.documentElement.dataset.manualRunStates = seen.join('|');
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

async function recordedManualRunStates(page: Page): Promise<string[]> {
  const states = await page.evaluate(() => document.documentElement.dataset.manualRunStates);
  return states === undefined ? [] : states.split('|');
}

describeInBrowser.each(stackVariants())('$name', (variant) => {
  const suite = useBrowserSuite(variant);

  it('keeps the calendar and room settings, runs "Sync now" live and explains feed errors', async () => {
    const { calendars, roomUrl } = suite.stack();
    const name = uniqueRoomName('settings');
    const feedPath = `/private/${feedSecret}/basic.ics`;
    const planning: FeedEvent = {
      uid: 'planning@example.org',
      title: 'Planning',
      startsAt: secondsFromNow(3 * 3600),
      endsAt: secondsFromNow(4 * 3600),
      location: roomUrl(name),
    };
    calendars.serve(feedPath, { kind: 'feed', body: feedOf([planning]) });

    const page = await suite.browsing().openPage();
    await signInAsManager(page, suite.stack().managerSignIn);
    const createForm = page.getByRole('form', { name: 'Create a room' });
    await createForm.getByLabel('Room name').fill(name);
    await createForm.getByRole('button', { name: 'Create room' }).click();
    await page.waitForURL(`/${name}/settings`);

    await page.getByLabel('Feed URL').fill('ftp://calendar.example.org/team.ics');
    await page.getByRole('button', { name: 'Save calendar settings' }).click();
    await page
      .getByText('Lobby fetches calendar feeds over https, http, webcal or webcals, not "ftp".')
      .waitFor();
    expect(await page.getByLabel('Feed URL').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Feed URL').fill(calendars.url(feedPath));
    await page.getByLabel('Sync every (minutes)').fill('7');
    await page.getByRole('button', { name: 'Save calendar settings' }).click();
    await page.getByText('Calendar settings saved. A sync has been queued.').waitFor();
    await latestRun(page).getByText('Updated').waitFor();
    expect(await latestRun(page).textContent()).toContain(
      '1 event in the feed; 1 occurrence for this room: 1 new, 0 changed, 0 removed, 0 restored',
    );

    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.getByLabel('Grace period (minutes)').fill('25');
    await page.getByLabel('Shared room').check();
    await page.getByRole('button', { name: 'Save room settings' }).click();
    await page.getByText('Room settings saved.').waitFor();

    await page.reload();
    const maskedUrl = page.getByLabel('Feed URL');
    await maskedUrl.waitFor();
    expect(await maskedUrl.textContent()).toContain(`${calendars.origin}/••••••••`);
    expect(await page.content()).not.toContain(feedSecret);
    expect(await page.getByLabel('Follow this calendar').isChecked()).toBe(true);
    expect(await page.getByLabel('Sync every (minutes)').inputValue()).toBe('7');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await page.getByLabel('Grace period (minutes)').inputValue()).toBe('25');
    expect(await page.getByLabel('Shared room').isChecked()).toBe(true);
    await suite.browsing().screenshot(page, 'saved settings after a reload');

    const review = { ...planning, uid: 'review@example.org', title: 'Review' };
    calendars.serve(feedPath, { kind: 'feed', body: feedOf([planning, review]) });
    await recordManualRunStates(page);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await latestRun(page).filter({ hasText: 'Sync now' }).getByText('Updated').waitFor();
    expect(await latestRun(page).textContent()).toContain(
      '2 events in the feed; 2 occurrences for this room: 1 new, 0 changed, 0 removed, 0 restored',
    );
    const states = await recordedManualRunStates(page);
    expect(states.at(-1)).toBe('Updated');
    expect(states).toEqual(syncStates.filter((state) => states.includes(state)));
    await suite.browsing().screenshot(page, 'sync now finished');

    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByLabel('Feed URL').fill('http://169.254.169.254/latest/calendar.ics');
    await page.getByRole('button', { name: 'Save calendar settings' }).click();
    await latestRun(page).getByText('Failed').waitFor();
    expect(await latestRun(page).textContent()).toContain(
      'Lobby may not fetch this address: its host was not found, or it leads to a private or local network rather than the public internet.',
    );
    await page.getByText('The last sync failed').waitFor();

    calendars.serve('/sign-in', {
      kind: 'feed',
      body: '<!doctype html><html><body><form>Sign in to see this calendar</form></body></html>',
      contentType: 'text/html',
    });
    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByLabel('Feed URL').fill(calendars.url('/sign-in'));
    await page.getByRole('button', { name: 'Save calendar settings' }).click();
    await latestRun(page)
      .getByText(
        'The address did not return a complete calendar (.ics). Nothing stored was changed.',
      )
      .waitFor();
    await suite.browsing().screenshot(page, 'feed errors');
  }, 60_000);

  it("lists the room's past meetings, and shows a meeting only under its own room", async () => {
    const { gql, managerToken } = suite.stack();
    const room = await createRoomAs(gql, managerToken, { name: uniqueRoomName('history') });
    const elsewhere = await createRoomAs(gql, managerToken, { name: uniqueRoomName('elsewhere') });
    const meetingId = await startMeetingAs(gql, undefined, room.name);
    await joinMeetingAs(gql, undefined, meetingId, 'Pat');
    dataOf(
      await gql(
        'mutation ($id: ID!) { endMeeting(meetingId: $id) { __typename } }',
        { id: meetingId },
        { token: managerToken },
      ),
    );

    const page = await suite.browsing().openPage();
    await signInAsManager(page, suite.stack().managerSignIn);
    await page.goto(`/${room.name}/settings`);
    const pastMeetings = page.getByRole('region', { name: 'Past meetings' });
    await pastMeetings.getByText('Ended: a room manager ended it', { exact: false }).waitFor();
    expect(await pastMeetings.textContent()).toContain('1 join: Pat');
    await suite.browsing().screenshot(page, 'past meetings');

    await page.goto(`/${elsewhere.name}/${encodeURIComponent(meetingId)}`);
    await page.getByText('This meeting does not exist').waitFor();
    await page.goto(`/${room.name}/${encodeURIComponent(meetingId)}`);
    await page.getByText('This meeting has ended: a room manager ended it.').waitFor();
  }, 60_000);
});
