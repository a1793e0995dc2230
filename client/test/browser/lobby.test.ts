// The lobby in Chromium against the real server: it changes live as the calendar syncs and as
// meetings start, one browser sees who joins in another, it catches up after going offline, and a
// double click joins once.
import { expect, it } from 'vitest';
import {
  createRoomAs,
  setFeedAndSync,
  startMeetingAs,
  uniqueRoomName,
} from '../../../server/test/support/api-seed.js';
import { describeInBrowser, useBrowserSuite } from '../support/browser-suite.js';
import {
  feedOf,
  secondsFromNow,
  serverLobbyOf,
  syncNowAs,
  type FeedEvent,
} from '../support/lobby-api.js';
import { stackVariants } from '../support/lobby-stack.js';
import { isSameDocument, lobbySection, markDocument, meetingCard } from '../support/pages.js';

describeInBrowser.each(stackVariants())('$name', (variant) => {
  const suite = useBrowserSuite(variant);

  /** A new room of the manager's following a feed (at the returned path) that has synced once. */
  async function roomFollowing(events: (roomUrl: string) => FeedEvent[]) {
    const { gql, managerToken, calendars, roomUrl } = suite.stack();
    const room = await createRoomAs(gql, managerToken, { name: uniqueRoomName('lobby') });
    const feedPath = `/feeds/${room.name}/basic.ics`;
    calendars.serve(feedPath, { kind: 'feed', body: feedOf(events(roomUrl(room.name))) });
    await setFeedAndSync(gql, managerToken, room, calendars.url(feedPath));
    return { room, feedPath };
  }

  it('shows a meeting once the calendar gains it and a sync runs, and drops it when cancelled', async () => {
    const { gql, managerToken, calendars, roomUrl } = suite.stack();
    const { room, feedPath } = await roomFollowing(() => []);
    const page = await suite.browsing().openPage();
    await page.goto(`/${room.name}`);
    await page.getByRole('heading', { name: 'No meetings right now' }).waitFor();
    await markDocument(page);

    const review: FeedEvent = {
      uid: `review@${room.name}.example.org`,
      title: 'Design review',
      startsAt: secondsFromNow(4.5 * 60),
      endsAt: secondsFromNow(35 * 60),
      location: roomUrl(room.name),
    };
    calendars.serve(feedPath, { kind: 'feed', body: feedOf([review]) });
    await syncNowAs(gql, managerToken, room.id);
    const card = meetingCard(page, 'upcoming', 'Design review');
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Starts in 5 min/);
    await suite.browsing().screenshot(page, 'meeting arrived');

    calendars.serve(feedPath, { kind: 'feed', body: feedOf([{ ...review, cancelled: true }]) });
    await syncNowAs(gql, managerToken, room.id);
    await page.getByRole('heading', { name: 'No meetings right now' }).waitFor();
    expect(await isSameDocument(page)).toBe(true);
  }, 60_000);

  it('moves a meeting from coming up to live when its start time arrives', async () => {
    const startsAt = secondsFromNow(35);
    const { room } = await roomFollowing((roomUrl) => [
      {
        uid: 'standup@example.org',
        title: 'Stand-up',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 15 * 60_000),
        location: roomUrl,
      },
    ]);
    const page = await suite.browsing().openPage();
    await page.goto(`/${room.name}`);
    await meetingCard(page, 'upcoming', 'Stand-up').waitFor();
    await markDocument(page);
    await suite.browsing().screenshot(page, 'coming up');

    // Bounded by the start, 35 s ahead, plus a margin; nothing about how soon is asserted.
    await meetingCard(page, 'live', 'Stand-up').waitFor({ timeout: 60_000 });
    expect(await lobbySection(page, 'upcoming').count()).toBe(0);
    expect(await isSameDocument(page)).toBe(true);
    await suite.browsing().screenshot(page, 'live');
  }, 90_000);

  it('updates the participant count in one browser as someone joins and leaves in another', async () => {
    const { gql, managerToken } = suite.stack();
    const room = await createRoomAs(gql, managerToken, { name: uniqueRoomName('lobby') });
    const meetingId = await startMeetingAs(gql, managerToken, room.name);
    const observer = await suite.browsing().openPage();
    await observer.goto(`/${room.name}`);
    const observed = lobbySection(observer, 'live').getByRole('article');
    await observed.getByText('Nobody here yet').waitFor();

    const participant = await suite.browsing().openPage();
    await participant.goto(`/${room.name}`);
    await participant.getByLabel('Your name (optional)').fill('Ada');
    await lobbySection(participant, 'live').getByRole('button', { name: /^Join/ }).click();
    await participant.getByRole('button', { name: 'Leave' }).waitFor();
    expect(new URL(participant.url()).pathname).toBe(
      `/${room.name}/${encodeURIComponent(meetingId)}`,
    );
    await observed.getByText('1 person here').waitFor();
    await suite.browsing().screenshot(observer, 'someone joined');
    await suite.browsing().screenshot(participant, 'in the meeting');

    await participant.getByRole('button', { name: 'Leave' }).click();
    await participant.waitForURL(`/${room.name}`);
    await observed.getByText('Nobody here yet').waitFor();
    expect((await serverLobbyOf(gql, room.name)).live).toEqual([
      expect.objectContaining({ id: meetingId, participantCount: 0 }),
    ]);
  }, 60_000);

  /** Joins the room's live meeting in a new browser and opens its call page in a second tab. */
  async function joinAndOpenCallPage(roomName: string) {
    const participant = await suite.browsing().openPage();
    await participant.goto(`/${roomName}`);
    await lobbySection(participant, 'live').getByRole('button', { name: /^Join/ }).click();
    const [callPage] = await Promise.all([
      participant.context().waitForEvent('page'),
      participant.getByRole('button', { name: 'Open the call in a new tab' }).click(),
    ]);
    // The call page embeds the call (the stack's stand-in platform): the CSP lets it be framed.
    await callPage.getByTitle(`Video call in ${roomName}`).waitFor();
    return { participant, callPage };
  }

  it('keeps the participant in the meeting while its call page is open, after leaving its page', async () => {
    const { gql, managerToken } = suite.stack();
    const room = await createRoomAs(gql, managerToken, { name: uniqueRoomName('lobby') });
    const meetingId = await startMeetingAs(gql, managerToken, room.name);
    const { participant, callPage } = await joinAndOpenCallPage(room.name);
    // Back to the lobby by its link, as people do while the call goes on in the other tab.
    await participant.getByRole('link', { name: room.name, exact: true }).click();
    await participant.waitForURL(`/${room.name}`);
    const card = lobbySection(participant, 'live').getByRole('article');
    await card.getByText('1 person here').waitFor();
    expect((await serverLobbyOf(gql, room.name)).live).toEqual([
      expect.objectContaining({ id: meetingId, participantCount: 1 }),
    ]);

    // Closing the call page is leaving.
    await callPage.close();
    await card.getByText('Nobody here yet').waitFor();
  }, 60_000);

  it('keeps the meeting open with the Lobby tab closed and its call page open, and ends it when the call page closes', async () => {
    const { gql, managerToken } = suite.stack();
    const room = await createRoomAs(gql, managerToken, {
      name: uniqueRoomName('lobby'),
      gracePeriodMinutes: 0,
    });
    const meetingId = await startMeetingAs(gql, managerToken, room.name);
    const observer = await suite.browsing().openPage();
    await observer.goto(`/${room.name}`);
    const observed = lobbySection(observer, 'live').getByRole('article');
    const { participant, callPage } = await joinAndOpenCallPage(room.name);
    await observed.getByText('1 person here').waitFor();

    await participant.close();
    // A heartbeat the call page sends after the Lobby tab closed is accepted: the session is open.
    const heartbeat = callPage.waitForResponse(
      (response) => response.request().postData()?.includes('MeetingHeartbeat') === true,
    );
    await callPage.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const answer: unknown = await (await heartbeat).json();
    expect(JSON.stringify(answer)).toContain('MeetingHeartbeatSuccess');
    expect((await serverLobbyOf(gql, room.name)).live).toEqual([
      expect.objectContaining({ id: meetingId, participantCount: 1 }),
    ]);
    expect(await callPage.getByRole('button', { name: 'Leave' }).count()).toBe(1);

    // The last page holding the session leaves; with no grace period the meeting ends.
    await callPage.close();
    await observer.getByRole('heading', { name: 'No meetings right now' }).waitFor();
    expect((await serverLobbyOf(gql, room.name)).live).toEqual([]);
  }, 90_000);

  it('says when it is offline, then reconnects and shows what changed meanwhile', async () => {
    const { gql, managerToken } = suite.stack();
    const room = await createRoomAs(gql, managerToken, { name: uniqueRoomName('lobby') });
    const page = await suite.browsing().openPage();
    await page.goto(`/${room.name}`);
    await page.getByRole('heading', { name: 'No meetings right now' }).waitFor();
    await markDocument(page);

    await page.context().setOffline(true);
    await page.getByText('You are offline.', { exact: false }).waitFor();
    await suite.browsing().screenshot(page, 'offline');
    const meetingId = await startMeetingAs(gql, managerToken, room.name);
    await page.context().setOffline(false);

    const card = lobbySection(page, 'live').getByRole('article');
    await card.waitFor();
    expect(await card.getByRole('button', { name: /^Join/ }).count()).toBe(1);
    expect((await serverLobbyOf(gql, room.name)).live.map(({ id }) => id)).toEqual([meetingId]);
    await page.getByText('You are offline.', { exact: false }).waitFor({ state: 'detached' });
    expect(await isSameDocument(page)).toBe(true);
  }, 60_000);

  it('starts one meeting and joins once on double clicks', async () => {
    const { gql, managerToken } = suite.stack();
    const room = await createRoomAs(gql, managerToken, { name: uniqueRoomName('lobby') });
    const starter = await suite.browsing().openPage();
    await starter.goto(`/${room.name}`);
    await starter.getByRole('button', { name: 'Start a meeting now' }).dblclick();
    await starter.getByRole('button', { name: 'Leave' }).waitFor();
    const started = await serverLobbyOf(gql, room.name);
    expect(started).toEqual({
      live: [expect.objectContaining({ participantCount: 1 })],
      upcoming: [],
    });

    const joiner = await suite.browsing().openPage();
    await joiner.goto(`/${room.name}`);
    await lobbySection(joiner, 'live').getByRole('button', { name: /^Join/ }).dblclick();
    await joiner.getByRole('button', { name: 'Leave' }).waitFor();
    await joiner.getByRole('status').getByText('2 people here').waitFor();
    expect(await serverLobbyOf(gql, room.name)).toEqual({
      live: [expect.objectContaining({ id: started.live[0]?.id, participantCount: 2 })],
      upcoming: [],
    });
  }, 60_000);
});
