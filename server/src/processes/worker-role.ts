// The worker's part of a process: job handlers and repeating schedules for sync and meetings.
import type { JobHandler } from '../engines/jobs.js';
import {
  calendarSyncJobHandlers,
  scheduleCalendarSyncPasses,
} from '../services/calendar-sync/schedule.js';
import { meetingJobHandlers, scheduleMeetingSweeps } from '../services/meetings/index.js';
import { withRequestId } from './logger.js';
import type { Runtime } from './runtime.js';

/** Each job runs as a request of its own: the lines of its sync runs and meetings share its id. */
function withRequestIds(handlers: Record<string, JobHandler>): Record<string, JobHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (data, context) => withRequestId(() => handler(data, context)),
    ]),
  );
}

export async function startWorkerRole(runtime: Runtime): Promise<void> {
  const { deps, config } = runtime;
  await deps.jobs.work(
    withRequestIds({ ...calendarSyncJobHandlers(deps), ...meetingJobHandlers(deps) }),
    { concurrency: config.WORKER_CONCURRENCY },
  );
  await scheduleCalendarSyncPasses(deps.jobs);
  const polling = deps.videoPlatform.presencePolling;
  await scheduleMeetingSweeps(
    deps.jobs,
    polling === null ? null : config.VIDEO_PRESENCE_POLL_SECONDS,
  );
}
