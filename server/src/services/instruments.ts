// What use cases report to operators (GET /metrics): the process backs these with Prometheus.
import type { CalendarSyncStatus, MeetingEndReason } from '../generated/prisma/client.js';

/** How a meeting came to be: a calendar occurrence, or someone starting one. */
export type MeetingOrigin = 'calendar' | 'adhoc';

export type Instruments = {
  /** A sync run reached its outcome, after `durationSeconds` of work. */
  syncRunFinished(outcome: CalendarSyncStatus, durationSeconds: number): void;
  /**
   * One feed download: `status` is the HTTP status, or the fetch error's code when no answer came
   * (TIMEOUT, FETCH_BLOCKED…); `bodyBytes` is 0 without a body.
   */
  feedFetched(status: string, bodyBytes: number): void;
  meetingOpened(origin: MeetingOrigin): void;
  meetingEnded(reason: MeetingEndReason): void;
};

/** For dependencies built where nobody reads metrics (scripts, unit tests). */
export const unobservedInstruments: Instruments = {
  syncRunFinished() {},
  feedFetched() {},
  meetingOpened() {},
  meetingEnded() {},
};
