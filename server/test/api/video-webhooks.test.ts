// Presence from the video platform (issue 13): Daily's webhooks, signed as Daily signs them and
// sent over HTTP to the API, open and close the sessions the lobby counts; forged, replayed and
// reordered deliveries change nothing they should not, and a meeting the platform reports people
// in stays open without any Lobby tab.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataOf, pick, pickString } from '../support/api-client.js';
import { useLobbyApi } from '../support/api-context.js';
import { createRoomAs, startMeetingAs, uniqueRoomName } from '../support/api-seed.js';
import { dailyEnvironment, dailyEvent, sendDailyWebhook } from '../support/daily-webhooks.js';
import { databaseEngines } from '../support/database.js';
import { closeStaleSessions, endDueMeetings } from '../../src/services/meetings/index.js';
import { DAILY_WEBHOOK_TOLERANCE_SECONDS } from '../../src/adapters/video/daily.js';

const meetingQuery = `query ($id: ID!) {
  node(id: $id) { ... on Meeting { status endReason participantCount } }
}`;

const joinMutation = `mutation ($meetingId: ID!) {
  joinMeeting(meetingId: $meetingId, displayName: "Ann") {
    __typename ... on JoinMeetingSuccess { joinUrl } ... on Error { message }
  }
}`;

/** Seconds since the epoch, as Daily writes event times. */
const nowSeconds = () => Date.now() / 1000;

for (const { engine, open } of databaseEngines())
  describe(`Video platform webhooks (Daily) on ${engine}`, () => {
    const context = useLobbyApi({ open, environment: dailyEnvironment });
    const owner = () => context.scenario.tokens.owner;

    /** A fresh room with an open meeting; returns the meeting's id and its Daily room name. */
    async function openMeeting(gracePeriodMinutes = 0) {
      const room = await createRoomAs(context.api.gql, owner(), {
        name: uniqueRoomName('daily'),
        gracePeriodMinutes,
      });
      const meetingId = await startMeetingAs(context.api.gql, owner(), room.name);
      const joined = dataOf(await context.api.gql(joinMutation, { meetingId }));
      const joinUrl = new URL(pickString(joined, 'joinMeeting', 'joinUrl'));
      expect(joinUrl.origin).toBe(dailyEnvironment.VIDEO_BASE_URL);
      return { meetingId, videoRoomName: joinUrl.pathname.slice(1) };
    }

    async function meetingState(meetingId: string) {
      return pick(dataOf(await context.api.gql(meetingQuery, { id: meetingId })), 'node');
    }

    /** Sends a documented Daily event about `room`; returns the API's answer. */
    function send(
      fixture: 'participant-joined' | 'participant-left' | 'meeting-ended',
      event: { id?: string; room: string; sessionId?: string; atSeconds: number },
    ) {
      const body = dailyEvent(fixture, { id: randomUUID(), ...event });
      return sendDailyWebhook(context.api.url, body);
    }

    it('counts the people Daily reports in the call, instead of Lobby tabs', async () => {
      const { meetingId, videoRoomName } = await openMeeting();
      // Before Daily reported anyone, the Lobby tab that joined counts.
      expect(await meetingState(meetingId)).toMatchObject({ participantCount: 1 });
      const at = nowSeconds();
      for (const sessionId of [randomUUID(), randomUUID()]) {
        const answer = await send('participant-joined', {
          room: videoRoomName,
          sessionId,
          atSeconds: at,
        });
        expect(answer).toEqual({ status: 200, body: { outcome: 'applied' } });
      }
      expect(await meetingState(meetingId)).toMatchObject({ status: 'OPEN', participantCount: 2 });
    });

    it('refuses a bad, missing or stale signature with 401 and changes nothing', async () => {
      const { meetingId, videoRoomName } = await openMeeting();
      const before = await meetingState(meetingId);
      const body = dailyEvent('participant-joined', {
        id: randomUUID(),
        room: videoRoomName,
        sessionId: randomUUID(),
        atSeconds: nowSeconds(),
      });
      const otherSecret = Buffer.from('not-the-daily-secret-of-this-api').toString('base64');
      const stale = Math.floor(nowSeconds()) - DAILY_WEBHOOK_TOLERANCE_SECONDS - 60;
      const forged = await sendDailyWebhook(context.api.url, body, { secret: otherSecret });
      const replayedLate = await sendDailyWebhook(context.api.url, body, {
        timestampSeconds: stale,
      });
      const unsigned = await fetch(`${context.api.url}/webhooks/video`, { method: 'POST', body });
      for (const answer of [forged, replayedLate]) {
        expect(answer).toEqual({ status: 401, body: { error: 'Invalid signature' } });
      }
      expect(unsigned.status).toBe(401);
      expect(await meetingState(meetingId)).toEqual(before);
      // The same event, signed by Daily: its id was never recorded, so it applies now.
      expect(await sendDailyWebhook(context.api.url, body)).toEqual({
        status: 200,
        body: { outcome: 'applied' },
      });
    });

    it('applies an event id once: a redelivery or replay changes nothing', async () => {
      const { meetingId, videoRoomName } = await openMeeting();
      const sessionId = randomUUID();
      const at = nowSeconds();
      const joined = dailyEvent('participant-joined', {
        id: randomUUID(),
        room: videoRoomName,
        sessionId,
        atSeconds: at,
      });
      const left = dailyEvent('participant-left', {
        id: randomUUID(),
        room: videoRoomName,
        sessionId,
        atSeconds: at + 5,
      });
      expect(await sendDailyWebhook(context.api.url, joined)).toMatchObject({ status: 200 });
      expect(await sendDailyWebhook(context.api.url, left)).toMatchObject({ status: 200 });
      const afterLeft = await meetingState(meetingId);
      // Redelivered with a fresh signature, as Daily retries.
      expect(await sendDailyWebhook(context.api.url, joined)).toEqual({
        status: 200,
        body: { outcome: 'duplicate' },
      });
      expect(await sendDailyWebhook(context.api.url, left)).toEqual({
        status: 200,
        body: { outcome: 'duplicate' },
      });
      expect(await meetingState(meetingId)).toEqual(afterLeft);
      expect(afterLeft).toMatchObject({ status: 'OPEN', participantCount: 0 });
    });

    it('applies events by their time: a late left or joined does not undo a newer one', async () => {
      const { meetingId, videoRoomName } = await openMeeting();
      const at = nowSeconds();
      // Ann's left overtakes her joined: she is not in the call.
      const ann = randomUUID();
      expect(
        await send('participant-left', { room: videoRoomName, sessionId: ann, atSeconds: at + 10 }),
      ).toEqual({ status: 200, body: { outcome: 'applied' } });
      expect(
        await send('participant-joined', { room: videoRoomName, sessionId: ann, atSeconds: at }),
      ).toEqual({ status: 200, body: { outcome: 'stale' } });
      // Bob joined; a left older than that joined arrives after it: he is still in the call.
      const bob = randomUUID();
      await send('participant-joined', { room: videoRoomName, sessionId: bob, atSeconds: at + 20 });
      expect(
        await send('participant-left', { room: videoRoomName, sessionId: bob, atSeconds: at + 15 }),
      ).toEqual({ status: 200, body: { outcome: 'stale' } });
      expect(await meetingState(meetingId)).toMatchObject({ status: 'OPEN', participantCount: 1 });
    });

    it('keeps a meeting Daily reports people in open with no Lobby tab; a heartbeat-only one ends', async () => {
      const inCall = await openMeeting();
      const tabOnly = await openMeeting();
      await send('participant-joined', {
        room: inCall.videoRoomName,
        sessionId: randomUUID(),
        atSeconds: nowSeconds(),
      });
      // The worker's sweeps, run as they would ten minutes from now: both Lobby tabs went silent
      // long ago, and both rooms' grace periods (0 minutes) have passed.
      const later = new Date(Date.now() + 10 * 60_000);
      const deps = { ...context.api.deps, now: () => later };
      await closeStaleSessions(deps);
      await endDueMeetings(deps);
      expect(await meetingState(inCall.meetingId)).toEqual({
        status: 'OPEN',
        endReason: null,
        participantCount: 1,
      });
      expect(await meetingState(tabOnly.meetingId)).toMatchObject({
        status: 'ENDED',
        endReason: 'EMPTY',
      });
    });

    it('ends the meeting when Daily reports the call ended, unless someone joined since', async () => {
      const { meetingId, videoRoomName } = await openMeeting(15);
      const at = nowSeconds();
      const sessionId = randomUUID();
      await send('participant-joined', { room: videoRoomName, sessionId, atSeconds: at + 30 });
      // An ending older than that join (a late delivery of the previous call's end) is stale.
      expect(await send('meeting-ended', { room: videoRoomName, atSeconds: at })).toEqual({
        status: 200,
        body: { outcome: 'stale' },
      });
      expect(await meetingState(meetingId)).toMatchObject({ status: 'OPEN' });
      await send('participant-left', { room: videoRoomName, sessionId, atSeconds: at + 60 });
      expect(await send('meeting-ended', { room: videoRoomName, atSeconds: at + 61 })).toEqual({
        status: 200,
        body: { outcome: 'applied' },
      });
      expect(await meetingState(meetingId)).toMatchObject({ status: 'ENDED', endReason: 'EMPTY' });
    });

    it('answers 200 to events about video rooms that are no meeting of ours', async () => {
      const answer = await send('participant-joined', {
        room: 'another-application-room',
        sessionId: randomUUID(),
        atSeconds: nowSeconds(),
      });
      expect(answer).toEqual({ status: 200, body: { outcome: 'unknown-room' } });
    });
  });
