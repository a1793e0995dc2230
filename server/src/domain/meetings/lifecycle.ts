// The rules of a meeting's life (DESIGN §4) as pure decisions; services apply them.

export type MeetingStatus = 'OPEN' | 'ENDED';
export type MeetingEndReason =
  | 'EMPTY'
  | 'SCHEDULE_ELAPSED'
  | 'CANCELLED_IN_CALENDAR'
  | 'ENDED_BY_MANAGER'
  | 'CALENDAR_TURNED_OFF';

/** How often a client confirms it is still in a meeting. */
export const HEARTBEAT_INTERVAL_SECONDS = 20;
/** A session silent this long is closed by the worker (three missed heartbeats). */
export const SESSION_TIMEOUT_SECONDS = 60;
/** How often the worker re-checks open meetings, besides the exact timers from `recheckAt`. */
export const ENDING_SWEEP_INTERVAL_SECONDS = 30;
/** The length of a meeting started without a calendar event. */
export const ADHOC_MEETING_MINUTES = 60;

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;

const addMinutes = (instant: Date, minutes: number) =>
  new Date(instant.getTime() + minutes * MS_PER_MINUTE);

/** The end of an ad-hoc meeting that starts at `startsAt`. */
export function adhocMeetingEndsAt(startsAt: Date): Date {
  return addMinutes(startsAt, ADHOC_MEETING_MINUTES);
}

/**
 * A timed occurrence gets its meeting once its start is at most `precreateMinutes` away (or has
 * passed) and while it has not ended. All-day occurrences never spawn meetings.
 */
export function shouldPrecreate(
  occurrence: { startsAt: Date; endsAt: Date; isAllDay: boolean },
  now: Date,
  precreateMinutes: number,
): boolean {
  return (
    !occurrence.isAllDay &&
    occurrence.startsAt <= addMinutes(now, precreateMinutes) &&
    occurrence.endsAt > now
  );
}

export type EndedMeetingOfOccurrence = {
  startsAt: Date;
  endsAt: Date;
  endedAt: Date | null;
  endReason: MeetingEndReason | null;
};

/**
 * Whether an ended meeting of an occurrence still stands for it, so that it gets no new one. It
 * does not when the calendar cancelled it (or was turned off) and the occurrence is back, when the
 * occurrence has been rescheduled since (ended meetings keep their times), or when it ended EMPTY before the start
 * (someone joined early and left): the occurrence itself has not happened yet.
 */
export function endedMeetingStandsFor(
  meeting: EndedMeetingOfOccurrence,
  occurrence: { startsAt: Date; endsAt: Date },
): boolean {
  if (
    meeting.endReason === 'CANCELLED_IN_CALENDAR' ||
    meeting.endReason === 'CALENDAR_TURNED_OFF'
  ) {
    return false;
  }
  if (
    meeting.startsAt.getTime() !== occurrence.startsAt.getTime() ||
    meeting.endsAt.getTime() !== occurrence.endsAt.getTime()
  ) {
    return false;
  }
  return !(
    meeting.endReason === 'EMPTY' &&
    meeting.endedAt !== null &&
    meeting.endedAt < occurrence.startsAt
  );
}

/**
 * An occurrence without an open meeting gets one when it is due (shouldPrecreate) and none of its
 * ended meetings still stands for it: one occurrence may have a history of meetings.
 */
export function needsNewMeeting(
  occurrence: { startsAt: Date; endsAt: Date; isAllDay: boolean },
  endedMeetings: readonly EndedMeetingOfOccurrence[],
  now: Date,
  precreateMinutes: number,
): boolean {
  return (
    shouldPrecreate(occurrence, now, precreateMinutes) &&
    !endedMeetings.some((meeting) => endedMeetingStandsFor(meeting, occurrence))
  );
}

export type MeetingEndingInput = {
  status: MeetingStatus;
  endsAt: Date;
  firstJoinedAt: Date | null;
  emptySince: Date | null;
  openSessionCount: number;
};

export type MeetingEndingDecision =
  /** Leave the meeting as it is; decide again at `recheckAt` (null: only when something changes). */
  | { action: 'keep'; recheckAt: Date | null }
  | { action: 'end'; reason: 'EMPTY' | 'SCHEDULE_ELAPSED' };

/**
 * Someone present keeps a meeting open, even past its end. A used meeting ends EMPTY once it has
 * been empty for the grace period; a never-used one ends SCHEDULE_ELAPSED at its scheduled end.
 * Each deadline counts as reached at its exact instant.
 */
export function decideMeetingEnding(
  meeting: MeetingEndingInput,
  gracePeriodMinutes: number,
  now: Date,
): MeetingEndingDecision {
  if (meeting.status === 'ENDED' || meeting.openSessionCount > 0) {
    return { action: 'keep', recheckAt: null };
  }
  if (meeting.firstJoinedAt !== null) {
    // Services set emptySince with the last leave; without it, the first join is the safe lower bound.
    const emptySince = meeting.emptySince ?? meeting.firstJoinedAt;
    const deadline = addMinutes(emptySince, gracePeriodMinutes);
    return now >= deadline
      ? { action: 'end', reason: 'EMPTY' }
      : { action: 'keep', recheckAt: deadline };
  }
  return now >= meeting.endsAt
    ? { action: 'end', reason: 'SCHEDULE_ELAPSED' }
    : { action: 'keep', recheckAt: meeting.endsAt };
}

/** Sessions last seen at or before this instant are stale (for a query over many sessions). */
export function staleSessionCutoff(now: Date): Date {
  return new Date(now.getTime() - SESSION_TIMEOUT_SECONDS * MS_PER_SECOND);
}

export function isSessionStale(lastSeenAt: Date, now: Date): boolean {
  return lastSeenAt <= staleSessionCutoff(now);
}

type ScheduledMeeting = { title: string | null; startsAt: Date; endsAt: Date };

export type MeetingSchedulePatch = Partial<ScheduledMeeting>;

/**
 * What an open meeting must change to follow its occurrence (moved or retitled): only the fields
 * that differ, or null when nothing does. An ended meeting is history and is not rewritten.
 */
export function followOccurrence(
  meeting: ScheduledMeeting & { status: MeetingStatus },
  occurrence: ScheduledMeeting,
): MeetingSchedulePatch | null {
  if (meeting.status === 'ENDED') {
    return null;
  }
  const patch: MeetingSchedulePatch = {};
  if (meeting.title !== occurrence.title) {
    patch.title = occurrence.title;
  }
  if (meeting.startsAt.getTime() !== occurrence.startsAt.getTime()) {
    patch.startsAt = occurrence.startsAt;
  }
  if (meeting.endsAt.getTime() !== occurrence.endsAt.getTime()) {
    patch.endsAt = occurrence.endsAt;
  }
  return Object.keys(patch).length === 0 ? null : patch;
}

/** Why the calendar lets go of a meeting: its occurrence is gone, or the whole calendar is off. */
export type CalendarWithdrawalReason = 'CANCELLED_IN_CALENDAR' | 'CALENDAR_TURNED_OFF';

export type CalendarWithdrawalDecision =
  { action: 'keep' } | { action: 'end'; reason: CalendarWithdrawalReason };

/**
 * The calendar no longer holds a meeting's occurrence (cancelled, left the feed, or the room's
 * calendar was turned off). The meeting ends only if nobody ever joined: a meeting people have used
 * follows the ordinary ending rules instead.
 */
export function decideOnCalendarWithdrawal(
  meeting: { status: MeetingStatus; firstJoinedAt: Date | null },
  reason: CalendarWithdrawalReason,
): CalendarWithdrawalDecision {
  return meeting.status === 'OPEN' && meeting.firstJoinedAt === null
    ? { action: 'end', reason }
    : { action: 'keep' };
}
