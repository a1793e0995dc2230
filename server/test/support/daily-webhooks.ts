// The Daily service, faked: its documented webhook bodies (server/test/fixtures/daily), aimed at a
// test meeting's video room, signed with a test secret the way Daily signs them, POSTed over HTTP.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { signDailyWebhook } from '../../src/adapters/video/index.js';

/** Base64, as Daily hands out its `hmac` secrets. */
export const testDailyWebhookSecret = Buffer.from('lobby-test-daily-webhook-secret!').toString(
  'base64',
);

export const dailyEnvironment = {
  VIDEO_PLATFORM: 'daily',
  VIDEO_BASE_URL: 'https://lobby-test.daily.co',
  DAILY_WEBHOOK_SECRET: testDailyWebhookSecret,
} as const;

type DailyFixture = 'participant-joined' | 'participant-left' | 'meeting-ended';

const documentedEvent = z.looseObject({
  id: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

function fixture(name: DailyFixture): z.infer<typeof documentedEvent> {
  const url = new URL(`../fixtures/daily/${name}.json`, import.meta.url);
  return documentedEvent.parse(JSON.parse(readFileSync(url, 'utf8')));
}

/** A documented event about this room (and session), with its own id and time (epoch seconds). */
export function dailyEvent(
  name: DailyFixture,
  overrides: { id: string; room: string; sessionId?: string; atSeconds: number },
): string {
  const event = fixture(name);
  const payload =
    name === 'meeting-ended'
      ? { ...event.payload, room: overrides.room, end_ts: overrides.atSeconds }
      : { ...event.payload, room: overrides.room, session_id: overrides.sessionId };
  return JSON.stringify({ ...event, id: overrides.id, payload, event_ts: overrides.atSeconds });
}

export type WebhookAnswer = { status: number; body: unknown };

/** POSTs the body to the API's webhook URL, signed now with the test secret unless told otherwise. */
export async function sendDailyWebhook(
  apiUrl: string,
  body: string,
  signing: { secret?: string; timestampSeconds?: number } = {},
): Promise<WebhookAnswer> {
  const timestamp = String(signing.timestampSeconds ?? Math.floor(Date.now() / 1000));
  const signature = signDailyWebhook(signing.secret ?? testDailyWebhookSecret, timestamp, body);
  const response = await fetch(`${apiUrl}/webhooks/video`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-webhook-signature': signature,
      'x-webhook-timestamp': timestamp,
    },
    body,
  });
  return { status: response.status, body: await response.json() };
}
