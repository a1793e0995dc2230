// The meeting jobs a worker runs: the exact timers and the repeating sweeps.
import { z } from 'zod';
import { ENDING_SWEEP_INTERVAL_SECONDS } from '../../domain/meetings/lifecycle.js';
import type { JobHandler, JobQueue } from '../../engines/jobs.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import { endDueMeetings, endMeetingIfDue } from './ending.js';
import { isUuid } from './database.js';
import { meetingEvents } from './meeting-events.js';
import { pollPlatformPresence } from './platform-polling.js';
import { pruneAppliedEventIds } from './platform-presence.js';
import { precreateMeetings } from './precreate.js';
import { closeStaleSessions } from './presence.js';
import { meetingJobNames, type EndingCheckJob, type MeetingStartJob } from './timers.js';

const MS_PER_SECOND = 1000;
const PRECREATE_INTERVAL_SECONDS = 30;
/** Closing silent sessions checks about once per heartbeat interval: a departure shows in time. */
const STALE_SESSIONS_INTERVAL_SECONDS = 15;

const endingCheckJob = z.object({ meetingId: z.string() }) satisfies z.ZodType<EndingCheckJob>;
const meetingStartJob = z.object({
  meetingId: z.string(),
  startsAtMs: z.number(),
}) satisfies z.ZodType<MeetingStartJob>;

/** Tells the room's lobbies that the meeting has started, unless it moved or ended meanwhile. */
async function announceMeetingStart(deps: ServiceDependencies, job: MeetingStartJob) {
  if (!isUuid(job.meetingId)) return;
  await changeAndAnnounce(deps, async (transaction, announce) => {
    const meeting = await transaction.meeting.findUnique({ where: { id: job.meetingId } });
    if (meeting?.status === 'OPEN' && meeting.startsAt.getTime() === job.startsAtMs) {
      announce(...meetingEvents('meeting.started', meeting));
    }
  });
}

export function meetingJobHandlers(deps: ServiceDependencies): Record<string, JobHandler> {
  return {
    [meetingJobNames.start]: (data) => announceMeetingStart(deps, meetingStartJob.parse(data)),
    [meetingJobNames.endingCheck]: async (data) => {
      await endMeetingIfDue(deps, endingCheckJob.parse(data).meetingId);
    },
    [meetingJobNames.precreate]: async () => {
      await precreateMeetings(deps);
    },
    [meetingJobNames.endDue]: async () => {
      await endDueMeetings(deps);
      await pruneAppliedEventIds(deps);
    },
    [meetingJobNames.closeStaleSessions]: async () => {
      await closeStaleSessions(deps);
    },
    [meetingJobNames.pollPlatformPresence]: async () => {
      await pollPlatformPresence(deps);
    },
  };
}

/**
 * Creates (or keeps) the repeating sweeps; every worker may call it, the schedules are shared.
 * `presencePollSeconds`: the platform's presence poll, null where the platform has no API.
 */
export async function scheduleMeetingSweeps(
  jobs: JobQueue,
  presencePollSeconds: number | null,
): Promise<void> {
  await jobs.schedule(
    'meetings-precreate',
    meetingJobNames.precreate,
    PRECREATE_INTERVAL_SECONDS * MS_PER_SECOND,
  );
  await jobs.schedule(
    'meetings-end-due',
    meetingJobNames.endDue,
    ENDING_SWEEP_INTERVAL_SECONDS * MS_PER_SECOND,
  );
  await jobs.schedule(
    'meetings-close-stale-sessions',
    meetingJobNames.closeStaleSessions,
    STALE_SESSIONS_INTERVAL_SECONDS * MS_PER_SECOND,
  );
  if (presencePollSeconds !== null) {
    await jobs.schedule(
      'meetings-poll-platform-presence',
      meetingJobNames.pollPlatformPresence,
      presencePollSeconds * MS_PER_SECOND,
    );
  }
}
