// What use cases report to operators: the process turns each report into metrics (GET /metrics)
// and, for runs and meetings, a log line carrying the request id.
import type { CalendarSyncStatus, MeetingEndReason } from '../generated/prisma/client.js';

/** How a meeting came to be: a calendar occurrence, or someone starting one. */
export type MeetingOrigin = 'calendar' | 'adhoc';

export type Instruments = {
  /** A sync run reached its outcome, after `durationSeconds` of work. */
  syncRunFinished(run: {
    runId: string;
    roomId: string;
    outcome: CalendarSyncStatus;
    durationSeconds: number;
  }): void;
  /**
   * One feed download: `status` is the HTTP status, or the fetch error's code when no answer came
   * (TIMEOUT, FETCH_BLOCKED…); `bodyBytes` is 0 without a body.
   */
  feedFetched(status: string, bodyBytes: number): void;
  meetingOpened(meeting: { meetingId: string; roomId: string; origin: MeetingOrigin }): void;
  meetingEnded(meeting: { meetingId: string; roomId: string; reason: MeetingEndReason }): void;
};

/** For dependencies built where nobody reads metrics (scripts, unit tests). */
export const unobservedInstruments: Instruments = {
  syncRunFinished() {},
  feedFetched() {},
  meetingOpened() {},
  meetingEnded() {},
};
