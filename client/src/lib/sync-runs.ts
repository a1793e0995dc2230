// Calendar sync runs as managers read them: a live list, and what each state and error means.
import type {
  CalendarSyncErrorCode,
  CalendarSyncStatus,
  CalendarSyncTrigger,
} from '../graphql/generated/graphql.js';

export const RECENT_SYNC_RUN_LIMIT = 10;

type RunState = { id: string; queuedAt: string; status: CalendarSyncStatus };

const STAGES: Record<CalendarSyncStatus, number> = {
  QUEUED: 0,
  RUNNING: 1,
  SUCCEEDED: 2,
  UNCHANGED: 2,
  FAILED: 2,
  SKIPPED: 2,
};

export function isSyncRunFinished(status: CalendarSyncStatus): boolean {
  return STAGES[status] === 2;
}

/** Only a run that read the feed has counters worth showing. */
export function hasSyncCounts(status: CalendarSyncStatus): boolean {
  return status === 'SUCCEEDED' || status === 'UNCHANGED';
}

/**
 * Folds one state of a run into the list, newest run first. States come from the calendarSync
 * subscription and from the "Sync now" answer, in either order: a state never replaces a later one.
 */
export function mergeSyncRun<Run extends RunState>(
  runs: readonly Run[],
  run: Run,
  limit = RECENT_SYNC_RUN_LIMIT,
): Run[] {
  const known = runs.find(({ id }) => id === run.id);
  const latest = known !== undefined && STAGES[known.status] > STAGES[run.status] ? known : run;
  return [latest, ...runs.filter(({ id }) => id !== run.id)]
    .sort((left, right) => Date.parse(right.queuedAt) - Date.parse(left.queuedAt))
    .slice(0, limit);
}

const STATUS_LABELS: Record<CalendarSyncStatus, string> = {
  QUEUED: 'Waiting to start',
  RUNNING: 'Syncing…',
  SUCCEEDED: 'Updated',
  UNCHANGED: 'No changes',
  FAILED: 'Failed',
  SKIPPED: 'Skipped',
};

const TRIGGER_LABELS: Record<CalendarSyncTrigger, string> = {
  SCHEDULE: 'Scheduled',
  MANUAL: 'Sync now',
  SETTINGS_CHANGED: 'Settings saved',
};

const ERROR_EXPLANATIONS: Record<CalendarSyncErrorCode, string> = {
  FETCH_BLOCKED:
    'Lobby may not fetch this address: its host was not found, or it leads to a private or local network rather than the public internet.',
  FETCH_FAILED:
    'The calendar server could not be reached. Check the address; the server may also be down.',
  HTTP_STATUS: 'The calendar server answered with an error instead of the calendar.',
  TOO_LARGE: 'The calendar is larger than the 5 MiB that Lobby accepts.',
  TIMEOUT: 'The calendar server took more than 15 seconds to send the calendar.',
  PARSE_FAILED:
    'The address did not return a complete calendar (.ics). Nothing stored was changed.',
  WORKER_STOPPED:
    'The sync stopped before it finished (its worker died or hung). The next sync will try again.',
  INTERNAL: 'Something went wrong inside Lobby. The next sync will try again.',
};

export function describeSyncStatus(status: CalendarSyncStatus): string {
  return STATUS_LABELS[status];
}

export function describeSyncTrigger(trigger: CalendarSyncTrigger): string {
  return TRIGGER_LABELS[trigger];
}

/** The error in plain words, plus the server's own detail when it adds something. */
export function describeSyncError(
  code: CalendarSyncErrorCode | null | undefined,
  detail: string | null | undefined,
): { explanation: string; detail: string | null } | null {
  if (code === null || code === undefined) {
    return detail === null || detail === undefined ? null : { explanation: detail, detail: null };
  }
  const explanation = ERROR_EXPLANATIONS[code];
  return { explanation, detail: detail === explanation ? null : (detail ?? null) };
}

type RunCounts = {
  eventsInFeed: number;
  eventsMatched: number;
  created: number;
  updated: number;
  removed: number;
  restored: number;
};

export function describeSyncCounts(run: RunCounts): string {
  const events = run.eventsInFeed === 1 ? '1 event' : `${run.eventsInFeed} events`;
  const occurrences = run.eventsMatched === 1 ? '1 occurrence' : `${run.eventsMatched} occurrences`;
  return (
    `${events} in the feed; ${occurrences} for this room: ` +
    `${run.created} new, ${run.updated} changed, ${run.removed} removed, ${run.restored} restored`
  );
}

export function describeFeedHealth(consecutiveFailures: number): string {
  if (consecutiveFailures === 0) return 'Working';
  return consecutiveFailures === 1
    ? 'The last sync failed'
    : `The last ${consecutiveFailures} syncs failed`;
}
