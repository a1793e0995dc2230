// Daily (daily.co): rooms at VIDEO_BASE_URL (https://<your-domain>.daily.co), presence from its
// webhooks participant.joined, participant.left and meeting.ended
// (https://docs.daily.co/reference/rest-api/webhooks and its events pages).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { randomVideoRoomName } from './random-room-name.js';
import type {
  PlatformEvent,
  PresencePolling,
  VideoPlatform,
  WebhookReading,
  WebhookRequest,
} from './video-platform.js';

/** A signed request older or newer than this is refused: a captured one cannot be replayed later. */
export const DAILY_WEBHOOK_TOLERANCE_SECONDS = 300;

const SIGNATURE_HEADER = 'x-webhook-signature';
const SIGNATURE_BYTES = 32;
const TIMESTAMP_HEADER = 'x-webhook-timestamp';

/**
 * Daily's scheme: base64 HMAC-SHA256, keyed with the base64-decoded `hmac` secret, over the
 * X-Webhook-Timestamp value, a dot and the raw body.
 */
export function signDailyWebhook(secret: string, timestamp: string, body: Buffer | string): string {
  return createHmac('sha256', Buffer.from(secret, 'base64'))
    .update(`${timestamp}.`)
    .update(body)
    .digest('base64');
}

function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? undefined : value;
}

/** Seconds since the epoch, fractions allowed, as Daily writes its times. */
const epochSeconds = z
  .number()
  .positive()
  .transform((seconds) => new Date(Math.round(seconds * 1000)));

const participantEvent = z.object({
  type: z.enum(['participant.joined', 'participant.left']),
  id: z.string().min(1).max(200),
  event_ts: epochSeconds,
  payload: z.object({
    room: z.string().min(1).max(200),
    session_id: z.string().min(1).max(200),
    user_name: z.string().max(200).nullish(),
  }),
});

const meetingEndedEvent = z.object({
  type: z.literal('meeting.ended'),
  id: z.string().min(1).max(200),
  event_ts: epochSeconds,
  payload: z.object({ room: z.string().min(1).max(200), end_ts: epochSeconds.optional() }),
});

const anyEvent = z.object({ type: z.string() });

function readEvent(body: unknown): WebhookReading {
  const typed = anyEvent.safeParse(body);
  if (!typed.success) {
    return { outcome: 'malformed', reason: 'The body has no event type.' };
  }
  if (typed.data.type === 'meeting.ended') {
    const parsed = meetingEndedEvent.safeParse(body);
    if (!parsed.success) return { outcome: 'malformed', reason: parsed.error.message };
    const { id, event_ts, payload } = parsed.data;
    const event: PlatformEvent = {
      kind: 'ended',
      eventId: id,
      videoRoomName: payload.room,
      occurredAt: payload.end_ts ?? event_ts,
    };
    return { outcome: 'event', event };
  }
  if (typed.data.type === 'participant.joined' || typed.data.type === 'participant.left') {
    const parsed = participantEvent.safeParse(body);
    if (!parsed.success) return { outcome: 'malformed', reason: parsed.error.message };
    const { type, id, event_ts, payload } = parsed.data;
    const event: PlatformEvent = {
      kind: type === 'participant.joined' ? 'joined' : 'left',
      eventId: id,
      videoRoomName: payload.room,
      platformSessionId: payload.session_id,
      displayName: payload.user_name ?? '',
      occurredAt: event_ts,
    };
    return { outcome: 'event', event };
  }
  return { outcome: 'ignored' };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isSetUpPing(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !('type' in body);
}

export function createDailyPlatform(options: {
  baseUrl: string;
  webhookSecret: string;
  presencePolling: PresencePolling | null;
}): VideoPlatform {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    newVideoRoomName: randomVideoRoomName,
    joinUrl(meeting) {
      // Daily Prebuilt asks for the name itself; a name in the URL would need a meeting token.
      return `${baseUrl}/${encodeURIComponent(meeting.videoRoomName)}`;
    },
    presencePolling: options.presencePolling,
    presenceWebhooks: {
      read(request) {
        const signature = header(request, SIGNATURE_HEADER);
        const timestamp = header(request, TIMESTAMP_HEADER);
        const body = parseJson(request.body);
        if (signature === undefined && timestamp === undefined && isSetUpPing(body)) {
          // Daily checks a new webhook's URL with an event-less body; it can change nothing.
          return { outcome: 'ignored' };
        }
        if (signature === undefined || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
          return { outcome: 'rejected', reason: 'The signature or its timestamp is missing.' };
        }
        const ageSeconds = Math.abs(request.receivedAt.getTime() / 1000 - Number(timestamp));
        if (ageSeconds > DAILY_WEBHOOK_TOLERANCE_SECONDS) {
          return { outcome: 'rejected', reason: 'The signature timestamp is stale.' };
        }
        const given = Buffer.from(signature, 'base64');
        const expected = Buffer.from(
          signDailyWebhook(options.webhookSecret, timestamp, request.body),
          'base64',
        );
        // Constant time: the length is public (always a SHA-256), the bytes are not.
        if (given.length !== SIGNATURE_BYTES || !timingSafeEqual(given, expected)) {
          return { outcome: 'rejected', reason: 'The signature does not match.' };
        }
        return body === undefined
          ? { outcome: 'malformed', reason: 'The body is not JSON.' }
          : readEvent(body);
      },
    },
  };
}
