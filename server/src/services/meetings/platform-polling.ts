// The polling fallback of presence webhooks (issue 13): the platform's API is asked who is in each
// open meeting's call, and what a missed webhook would have said is applied as if it had come:
// through `applyPlatformEvent`, under ids of its own, so webhooks and polls never apply twice.
import type { PlatformParticipant } from '../../adapters/video/index.js';
import type { ServiceDependencies } from '../dependencies.js';
import { openSession } from './database.js';
import { eachIsolated } from './each-isolated.js';
import { applyPlatformEvent } from './platform-presence.js';

/** Most meetings one pass asks about; the oldest first, the next pass takes the rest. */
const POLL_BATCH_SIZE = 200;
/**
 * Daily's presence lags its webhooks by up to 15 s: a session reported (by webhook) more recently
 * than this is not closed because a poll does not list it yet.
 */
export const PRESENCE_POLL_LAG_MS = 60_000;

export type PresencePollResult = { joined: number; left: number };

/** Applies the joins and leaves the platform knows of and Lobby does not; no-op without an API. */
export async function pollPlatformPresence(deps: ServiceDependencies): Promise<PresencePollResult> {
  const polling = deps.videoPlatform.presencePolling;
  const result: PresencePollResult = { joined: 0, left: 0 };
  if (polling === null) return result;
  const now = deps.now();
  // Open meetings someone may be in: started, or joined early.
  const meetings = await deps.prisma.meeting.findMany({
    where: { status: 'OPEN', OR: [{ startsAt: { lte: now } }, { firstJoinedAt: { not: null } }] },
    select: { id: true, videoRoomName: true },
    orderBy: { startsAt: 'asc' },
    take: POLL_BATCH_SIZE,
  });
  await eachIsolated(meetings, async (meeting) => {
    const present = await polling.listParticipants(meeting.videoRoomName);
    const changes = await reconcileMeeting(deps, meeting, present);
    result.joined += changes.joined;
    result.left += changes.left;
  });
  return result;
}

async function reconcileMeeting(
  deps: ServiceDependencies,
  meeting: { id: string; videoRoomName: string },
  present: PlatformParticipant[],
): Promise<PresencePollResult> {
  const now = deps.now();
  const known = await deps.prisma.participantSession.findMany({
    where: { meetingId: meeting.id, platformSessionId: { not: null } },
    select: { platformSessionId: true, leftAt: true, lastSeenAt: true },
  });
  const knownIds = new Set(known.map(({ platformSessionId }) => platformSessionId));
  const presentIds = new Set(present.map(({ platformSessionId }) => platformSessionId));
  const base = { videoRoomName: meeting.videoRoomName };
  let joined = 0;
  let left = 0;
  // A stay Lobby has no row of: its joined webhook was missed. One it has closed stays closed.
  for (const participant of present.filter(
    ({ platformSessionId }) => !knownIds.has(platformSessionId),
  )) {
    const outcome = await applyPlatformEvent(deps, {
      ...base,
      kind: 'joined',
      eventId: `poll:${meeting.id}:${participant.platformSessionId}:joined`,
      platformSessionId: participant.platformSessionId,
      displayName: participant.displayName,
      occurredAt: participant.joinedAt,
    });
    if (outcome === 'applied') joined += 1;
  }
  const settledBefore = now.getTime() - PRESENCE_POLL_LAG_MS;
  for (const session of known) {
    const { platformSessionId } = session;
    if (platformSessionId === null || session.leftAt !== openSession.leftAt) continue;
    if (presentIds.has(platformSessionId) || session.lastSeenAt.getTime() > settledBefore) continue;
    // Its left webhook was missed: it left by now at the latest.
    const outcome = await applyPlatformEvent(deps, {
      ...base,
      kind: 'left',
      eventId: `poll:${meeting.id}:${platformSessionId}:left`,
      platformSessionId,
      displayName: '',
      occurredAt: now,
    });
    if (outcome === 'applied') left += 1;
  }
  return { joined, left };
}
