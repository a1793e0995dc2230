// The video platform: turns a meeting into the URL a participant opens (DESIGN §4.7) and, where
// the platform can tell, reports who is in its video rooms through signed webhooks.
import type { Config } from '../../config.js';
import { createDailyPlatform } from './daily.js';
import { createDailyPresencePolling } from './daily-presence.js';
import { createJitsiPlatform } from './jitsi.js';

/** What a platform reported about one of its video rooms, at the time it happened. */
export type PlatformEvent =
  | {
      kind: 'joined' | 'left';
      /** The platform's id of this event: a redelivery carries the same one. */
      eventId: string;
      videoRoomName: string;
      /** The platform's id of this participant's stay in the room. */
      platformSessionId: string;
      displayName: string;
      occurredAt: Date;
    }
  | { kind: 'ended'; eventId: string; videoRoomName: string; occurredAt: Date };

export type WebhookRequest = {
  /** Header names in lower case, as Node hands them over. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body: signatures are over its bytes, not over a re-serialized JSON. */
  body: Buffer;
  receivedAt: Date;
};

export type WebhookReading =
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'malformed'; reason: string }
  /** Authentic but of no use to Lobby (another event type, the platform's set-up ping). */
  | { outcome: 'ignored' }
  | { outcome: 'event'; event: PlatformEvent };

export type PresenceWebhooks = {
  /** Checks the request's signature and freshness first, then reads the event it carries. */
  read(request: WebhookRequest): WebhookReading;
};

/** Someone the platform's API lists in a video room. */
export type PlatformParticipant = {
  /** The same id as in the platform's webhook events about this stay. */
  platformSessionId: string;
  displayName: string;
  joinedAt: Date;
};

export type PresencePolling = {
  /** Who is in the video room now, as the platform's API tells (it may lag by some seconds). */
  listParticipants(videoRoomName: string): Promise<PlatformParticipant[]>;
};

export type VideoPlatform = {
  /** A fresh, hard-to-guess name for a new meeting's video room, recognisable by its Lobby room. */
  newVideoRoomName(roomName: string): string;
  /** The URL that puts this participant into the meeting's video room. */
  joinUrl(meeting: { videoRoomName: string }, participant: { displayName: string }): string;
  /** Presence reported by the platform; null when only the Lobby page's heartbeat can tell. */
  presenceWebhooks: PresenceWebhooks | null;
  /** The fallback for missed webhooks; null without an API to ask (Jitsi, or no API key). */
  presencePolling: PresencePolling | null;
};

/** The platform this deployment uses, chosen by VIDEO_PLATFORM. */
export function videoPlatformFor(
  config: Pick<
    Config,
    'VIDEO_BASE_URL' | 'VIDEO_PLATFORM' | 'DAILY_WEBHOOK_SECRET' | 'DAILY_API_KEY' | 'DAILY_API_URL'
  >,
): VideoPlatform {
  if (config.VIDEO_PLATFORM === 'daily' && config.DAILY_WEBHOOK_SECRET !== undefined) {
    const apiKey = config.DAILY_API_KEY;
    return createDailyPlatform({
      baseUrl: config.VIDEO_BASE_URL,
      webhookSecret: config.DAILY_WEBHOOK_SECRET,
      presencePolling:
        apiKey === undefined
          ? null
          : createDailyPresencePolling({ apiUrl: config.DAILY_API_URL, apiKey }),
    });
  }
  return createJitsiPlatform({ baseUrl: config.VIDEO_BASE_URL });
}
