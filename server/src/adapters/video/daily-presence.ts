// Daily's REST API as the polling fallback of its webhooks: who is in a video room now
// (GET /rooms/:name/presence, https://docs.daily.co/reference/rest-api/rooms/session/get-presence).
import { z } from 'zod';
import type { PlatformParticipant, PresencePolling } from './video-platform.js';

/** One answer may take this long; the sweep tries again on its next pass. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Daily's own ceiling on participants in one room; the answer then lists them all. */
const PARTICIPANTS_LIMIT = 1000;

/** Daily's answer was refused or unreadable: nothing is known, so nothing may be changed. */
export class PresencePollError extends Error {
  override name = 'PresencePollError';
}

const presenceAnswer = z.object({
  total_count: z.number().int().nonnegative(),
  data: z.array(
    z.object({
      id: z.string().min(1).max(200),
      userName: z.string().max(200).nullish(),
      joinTime: z.iso.datetime({ offset: true }).transform((time) => new Date(time)),
    }),
  ),
});

export function createDailyPresencePolling(options: {
  apiUrl: string;
  apiKey: string;
}): PresencePolling {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  return {
    async listParticipants(videoRoomName): Promise<PlatformParticipant[]> {
      const url = `${apiUrl}/rooms/${encodeURIComponent(videoRoomName)}/presence?limit=${PARTICIPANTS_LIMIT}`;
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${options.apiKey}` },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
      if (!response.ok) {
        throw new PresencePollError(`Daily answered ${response.status} for a room's presence.`);
      }
      const parsed = presenceAnswer.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) {
        throw new PresencePollError(
          `Daily's presence answer is unreadable: ${parsed.error.message}`,
        );
      }
      // A partial list would read as departures of those left out.
      if (parsed.data.total_count > parsed.data.data.length) {
        throw new PresencePollError("Daily's presence answer lists only part of the room.");
      }
      return parsed.data.data.map((participant) => ({
        platformSessionId: participant.id,
        displayName: participant.userName ?? '',
        joinedAt: participant.joinTime,
      }));
    },
  };
}
