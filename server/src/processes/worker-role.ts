// The worker's part of a process: job handlers and repeating schedules for sync and meetings.
import {
  calendarSyncJobHandlers,
  scheduleCalendarSyncPasses,
} from '../services/calendar-sync/schedule.js';
import {
  meetingJobHandlers,
  reconcileRoomMeetings,
  scheduleMeetingSweeps,
} from '../services/meetings/index.js';
import type { Runtime } from './runtime.js';

export async function startWorkerRole(runtime: Runtime): Promise<void> {
  const { deps, log, config } = runtime;
  const syncDeps = {
    ...deps,
    log,
    // Meetings follow their occurrences as soon as a sync wrote them.
    afterEventsChanged: (roomId: string) => reconcileRoomMeetings(deps, roomId),
  };
  await deps.jobs.work(
    { ...calendarSyncJobHandlers(syncDeps), ...meetingJobHandlers(deps) },
    { concurrency: config.WORKER_CONCURRENCY },
  );
  await scheduleCalendarSyncPasses(deps.jobs);
  await scheduleMeetingSweeps(deps.jobs);
}
