import { describe, expect, it } from 'vitest';
import {
  ADHOC_MEETING_MINUTES,
  adhocMeetingEndsAt,
  decideMeetingEnding,
  decideOnCalendarWithdrawal,
  type EndedMeetingOfOccurrence,
  endedMeetingStandsFor,
  ENDING_SWEEP_INTERVAL_SECONDS,
  followOccurrence,
  HEARTBEAT_INTERVAL_SECONDS,
  isSessionStale,
  needsNewMeeting,
  type MeetingEndingDecision,
  type MeetingEndingInput,
  SESSION_TIMEOUT_SECONDS,
  shouldPrecreate,
  staleSessionCutoff,
} from './lifecycle.js';

const now = new Date('2026-03-10T12:00:00Z');
const seconds = (offset: number) => new Date(now.getTime() + offset * 1000);
const minutes = (offset: number) => seconds(offset * 60);

describe('constants of DESIGN §4', () => {
  it('has the documented values', () => {
    expect({
      HEARTBEAT_INTERVAL_SECONDS,
      SESSION_TIMEOUT_SECONDS,
      ENDING_SWEEP_INTERVAL_SECONDS,
      ADHOC_MEETING_MINUTES,
    }).toEqual({
      HEARTBEAT_INTERVAL_SECONDS: 20,
      SESSION_TIMEOUT_SECONDS: 60,
      ENDING_SWEEP_INTERVAL_SECONDS: 30,
      ADHOC_MEETING_MINUTES: 60,
    });
  });

  it('ends an ad-hoc meeting an hour after its start', () => {
    expect(adhocMeetingEndsAt(now)).toEqual(minutes(60));
  });
});

describe('shouldPrecreate', () => {
  it.each([
    ['starts in 11 minutes', minutes(11), minutes(71), false, false],
    [
      'starts in 10 minutes and 1 ms',
      new Date(minutes(10).getTime() + 1),
      minutes(70),
      false,
      false,
    ],
    ['starts in exactly 10 minutes', minutes(10), minutes(70), false, true],
    ['starts in 5 minutes', minutes(5), minutes(65), false, true],
    ['starts now', now, minutes(60), false, true],
    ['started, still running', minutes(-30), minutes(30), false, true],
    ['ends in 1 ms', minutes(-60), new Date(now.getTime() + 1), false, true],
    ['ends exactly now', minutes(-60), now, false, false],
    ['ended', minutes(-60), minutes(-1), false, false],
    ['all-day, today', minutes(-720), minutes(720), true, false],
    ['all-day, starting in 5 minutes', minutes(5), minutes(1445), true, false],
  ])('%s → %s', (_case, startsAt, endsAt, isAllDay, expected) => {
    expect(shouldPrecreate({ startsAt, endsAt, isAllDay }, now, 10)).toBe(expected);
  });

  it('with no lead time, creates meetings only once they start', () => {
    expect(
      shouldPrecreate({ startsAt: seconds(1), endsAt: minutes(60), isAllDay: false }, now, 0),
    ).toBe(false);
    expect(shouldPrecreate({ startsAt: now, endsAt: minutes(60), isAllDay: false }, now, 0)).toBe(
      true,
    );
  });
});

describe('decideMeetingEnding', () => {
  const base: MeetingEndingInput = {
    status: 'OPEN',
    endsAt: minutes(30),
    firstJoinedAt: null,
    emptySince: null,
    openSessionCount: 0,
  };
  const grace = 15;

  it.each<[string, Partial<MeetingEndingInput>, MeetingEndingDecision]>([
    [
      'already ended',
      { status: 'ENDED', endsAt: minutes(-60) },
      { action: 'keep', recheckAt: null },
    ],
    [
      'someone present',
      { firstJoinedAt: minutes(-10), openSessionCount: 1 },
      { action: 'keep', recheckAt: null },
    ],
    [
      'someone present past the scheduled end',
      { endsAt: minutes(-30), firstJoinedAt: minutes(-90), openSessionCount: 3 },
      { action: 'keep', recheckAt: null },
    ],
    [
      'someone present although emptySince is stale',
      { firstJoinedAt: minutes(-90), emptySince: minutes(-60), openSessionCount: 1 },
      { action: 'keep', recheckAt: null },
    ],
    [
      'used, empty inside the grace period',
      { firstJoinedAt: minutes(-20), emptySince: minutes(-5) },
      { action: 'keep', recheckAt: minutes(10) },
    ],
    [
      'used, empty, 1 ms before the deadline',
      { firstJoinedAt: minutes(-20), emptySince: new Date(minutes(-15).getTime() + 1) },
      { action: 'keep', recheckAt: new Date(now.getTime() + 1) },
    ],
    [
      'used, empty exactly for the grace period',
      { firstJoinedAt: minutes(-20), emptySince: minutes(-15) },
      { action: 'end', reason: 'EMPTY' },
    ],
    [
      'used, empty longer than the grace period',
      { firstJoinedAt: minutes(-60), emptySince: minutes(-40) },
      { action: 'end', reason: 'EMPTY' },
    ],
    [
      'used, empty, past the scheduled end, inside the grace period',
      { endsAt: minutes(-10), firstJoinedAt: minutes(-70), emptySince: minutes(-1) },
      { action: 'keep', recheckAt: minutes(14) },
    ],
    [
      'used, empty, before the scheduled start (joined early)',
      { endsAt: minutes(120), firstJoinedAt: minutes(-30), emptySince: minutes(-20) },
      { action: 'end', reason: 'EMPTY' },
    ],
    [
      'used, empty, emptySince missing: counted from the first join',
      { firstJoinedAt: minutes(-5) },
      { action: 'keep', recheckAt: minutes(10) },
    ],
    [
      'used, empty, emptySince missing, first join long ago',
      { firstJoinedAt: minutes(-16) },
      { action: 'end', reason: 'EMPTY' },
    ],
    ['never used, before its end', {}, { action: 'keep', recheckAt: minutes(30) }],
    [
      'never used, 1 ms before its end',
      { endsAt: new Date(now.getTime() + 1) },
      { action: 'keep', recheckAt: new Date(now.getTime() + 1) },
    ],
    [
      'never used, exactly at its end',
      { endsAt: now },
      { action: 'end', reason: 'SCHEDULE_ELAPSED' },
    ],
    [
      'never used, past its end',
      { endsAt: minutes(-1) },
      { action: 'end', reason: 'SCHEDULE_ELAPSED' },
    ],
  ])('%s', (_case, fields, expected) => {
    expect(decideMeetingEnding({ ...base, ...fields }, grace, now)).toEqual(expected);
  });

  it('with no grace period, ends a used meeting as soon as it is empty', () => {
    const meeting = { ...base, firstJoinedAt: minutes(-10), emptySince: now };
    expect(decideMeetingEnding(meeting, 0, now)).toEqual({ action: 'end', reason: 'EMPTY' });
  });
});

describe('session staleness', () => {
  it.each([
    ['seen just now', now, false],
    ['silent for 59.999 s', new Date(seconds(-60).getTime() + 1), false],
    ['silent for exactly 60 s', seconds(-60), true],
    ['silent for 5 minutes', minutes(-5), true],
  ])('%s → stale: %s', (_case, lastSeenAt, expected) => {
    expect(isSessionStale(lastSeenAt, now)).toBe(expected);
  });

  it('gives the cutoff instant for a query over many sessions', () => {
    expect(staleSessionCutoff(now)).toEqual(seconds(-60));
  });
});

describe('followOccurrence', () => {
  const meeting = {
    status: 'OPEN' as const,
    title: 'Stand-up',
    startsAt: minutes(5),
    endsAt: minutes(20),
  };

  it.each([
    ['nothing changed', { title: 'Stand-up', startsAt: minutes(5), endsAt: minutes(20) }, null],
    [
      'equal instants in other Date objects',
      { title: 'Stand-up', startsAt: new Date(minutes(5)), endsAt: new Date(minutes(20)) },
      null,
    ],
    ['retitled', { title: 'Retro', startsAt: minutes(5), endsAt: minutes(20) }, { title: 'Retro' }],
    ['title removed', { title: null, startsAt: minutes(5), endsAt: minutes(20) }, { title: null }],
    [
      'moved',
      { title: 'Stand-up', startsAt: minutes(65), endsAt: minutes(80) },
      { startsAt: minutes(65), endsAt: minutes(80) },
    ],
    [
      'extended',
      { title: 'Stand-up', startsAt: minutes(5), endsAt: minutes(50) },
      { endsAt: minutes(50) },
    ],
    [
      'moved and retitled',
      { title: 'Retro', startsAt: minutes(0), endsAt: minutes(20) },
      { title: 'Retro', startsAt: minutes(0) },
    ],
  ])('%s', (_case, occurrence, expected) => {
    expect(followOccurrence(meeting, occurrence)).toEqual(expected);
  });

  it('never rewrites an ended meeting', () => {
    const ended = { ...meeting, status: 'ENDED' as const };
    expect(
      followOccurrence(ended, { title: 'Retro', startsAt: minutes(65), endsAt: minutes(80) }),
    ).toBeNull();
  });
});

describe('decideOnCalendarWithdrawal', () => {
  it.each([
    ['open, never joined', 'OPEN' as const, null, true],
    ['open, someone joined', 'OPEN' as const, minutes(-5), false],
    ['already ended, never joined', 'ENDED' as const, null, false],
    ['already ended after a join', 'ENDED' as const, minutes(-5), false],
  ])('%s', (_case, status, firstJoinedAt, ends) => {
    for (const reason of ['CANCELLED_IN_CALENDAR', 'CALENDAR_TURNED_OFF'] as const) {
      expect(decideOnCalendarWithdrawal({ status, firstJoinedAt }, reason)).toEqual(
        ends ? { action: 'end', reason } : { action: 'keep' },
      );
    }
  });
});

describe('endedMeetingStandsFor', () => {
  const occurrence = { startsAt: minutes(0), endsAt: minutes(60) };
  const ended = (patch: Partial<EndedMeetingOfOccurrence>): EndedMeetingOfOccurrence => ({
    ...occurrence,
    endedAt: minutes(60),
    endReason: 'SCHEDULE_ELAPSED',
    ...patch,
  });

  it.each([
    ['elapsed at its scheduled end', ended({}), true],
    ['ended EMPTY after the start', ended({ endReason: 'EMPTY', endedAt: minutes(30) }), true],
    ['ended EMPTY exactly at the start', ended({ endReason: 'EMPTY', endedAt: minutes(0) }), true],
    ['ended EMPTY before the start', ended({ endReason: 'EMPTY', endedAt: minutes(-1) }), false],
    [
      'ended by a manager before the start',
      ended({ endReason: 'ENDED_BY_MANAGER', endedAt: minutes(-5) }),
      true,
    ],
    ['cancelled in the calendar', ended({ endReason: 'CANCELLED_IN_CALENDAR' }), false],
    ['its calendar turned off', ended({ endReason: 'CALENDAR_TURNED_OFF' }), false],
    ['made for an earlier start', ended({ startsAt: minutes(-60) }), false],
    ['made for an earlier end', ended({ endsAt: minutes(30) }), false],
  ])('%s', (_case, meeting, expected) => {
    expect(endedMeetingStandsFor(meeting, occurrence)).toBe(expected);
  });

  it('needs a new meeting only when due and no ended meeting stands for it', () => {
    const due = { ...occurrence, isAllDay: false };
    expect(needsNewMeeting(due, [], now, 10)).toBe(true);
    expect(needsNewMeeting(due, [ended({ endReason: 'CANCELLED_IN_CALENDAR' })], now, 10)).toBe(
      true,
    );
    expect(
      needsNewMeeting(
        due,
        [ended({ endReason: 'CANCELLED_IN_CALENDAR' }), ended({ endReason: 'EMPTY' })],
        now,
        10,
      ),
    ).toBe(false);
    expect(needsNewMeeting({ ...due, startsAt: minutes(11) }, [], now, 10)).toBe(false);
  });
});
