// Exact timers (DESIGN §4.5): delayed jobs fire when a meeting starts or may end, between sweeps.
import {
  decideMeetingEnding,
  type MeetingEndingDecision,
  type MeetingEndingInput,
} from '../../domain/meetings/lifecycle.js';
import type { JobQueue } from '../../engines/jobs.js';

export const meetingJobNames = {
  /** Announces that a meeting's start time arrived. */
  start: 'meeting.start',
  /** Ends one meeting if it is due, else schedules its next check. */
  endingCheck: 'meeting.ending-check',
  precreate: 'meetings.precreate',
  endDue: 'meetings.end-due',
  closeStaleSessions: 'meetings.close-stale-sessions',
  /** Asks the video platform who is in each open meeting's call (webhooks missed). */
  pollPlatformPresence: 'meetings.poll-platform-presence',
} as const;

export type MeetingStartJob = { meetingId: string; startsAtMs: number };
export type EndingCheckJob = { meetingId: string };

const delayUntil = (at: Date, now: Date) => Math.max(0, at.getTime() - now.getTime());

/** At its start a meeting moves from upcoming to live although no row changes: a timer says so. */
async function scheduleStartAnnouncement(
  jobs: JobQueue,
  meeting: { id: string; startsAt: Date },
  now: Date,
): Promise<void> {
  if (meeting.startsAt <= now) {
    // Already started: the event of its creation or move told the lobbies.
    return;
  }
  const job: MeetingStartJob = { meetingId: meeting.id, startsAtMs: meeting.startsAt.getTime() };
  await jobs.enqueue(meetingJobNames.start, job, {
    // The start time is part of the id: a moved meeting gets a new timer, a repeat call none.
    jobId: `meeting-start:${meeting.id}:${job.startsAtMs}`,
    delayMs: delayUntil(meeting.startsAt, now),
  });
}

/** Schedules the ending check `decision` asks for: at its recheck time, or at once when it is due. */
export async function scheduleEndingCheck(
  jobs: JobQueue,
  meetingId: string,
  decision: MeetingEndingDecision,
  now: Date,
): Promise<void> {
  const checkAt = decision.action === 'end' ? now : decision.recheckAt;
  if (checkAt === null) {
    return;
  }
  const job: EndingCheckJob = { meetingId };
  await jobs.enqueue(meetingJobNames.endingCheck, job, {
    jobId: `meeting-ending-check:${meetingId}:${checkAt.getTime()}`,
    delayMs: delayUntil(checkAt, now),
  });
}

/** The timers of a meeting just created or moved: its start, and the next instant it may end. */
export async function scheduleMeetingTimers(
  jobs: JobQueue,
  meeting: MeetingEndingInput & { id: string; startsAt: Date },
  gracePeriodMinutes: number,
  now: Date,
): Promise<void> {
  await scheduleStartAnnouncement(jobs, meeting, now);
  await scheduleEndingCheck(
    jobs,
    meeting.id,
    decideMeetingEnding(meeting, gracePeriodMinutes, now),
    now,
  );
}
