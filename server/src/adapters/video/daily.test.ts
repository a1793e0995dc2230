import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDailyPlatform, DAILY_WEBHOOK_TOLERANCE_SECONDS, signDailyWebhook } from './daily.js';
import type { WebhookRequest } from './video-platform.js';

const secret = Buffer.from('a-daily-webhook-secret-for-tests').toString('base64');
const platform = createDailyPlatform({
  baseUrl: 'https://team.daily.co/',
  webhookSecret: secret,
  presencePolling: null,
});
const webhooks = platform.presenceWebhooks;
const receivedAt = new Date('2024-02-26T18:31:20Z');
const timestamp = String(receivedAt.getTime() / 1000);

/** A documented example body (server/test/fixtures/daily), byte for byte. */
function documented(name: string): Buffer {
  return readFileSync(new URL(`../../../test/fixtures/daily/${name}.json`, import.meta.url));
}

function signed(body: Buffer, headers: Record<string, string> = {}): WebhookRequest {
  return {
    headers: {
      'x-webhook-signature': signDailyWebhook(secret, timestamp, body),
      'x-webhook-timestamp': timestamp,
      ...headers,
    },
    body,
    receivedAt,
  };
}

describe('the Daily video platform', () => {
  it('joins the video room on the Daily domain', () => {
    expect(platform.joinUrl({ videoRoomName: 'team-0a1b' }, { displayName: 'Ann' })).toBe(
      'https://team.daily.co/team-0a1b',
    );
    expect(platform.newVideoRoomName('team')).toMatch(/^team-[0-9a-f]{24}$/);
  });

  it('reads the documented events once their signature holds', () => {
    expect(webhooks?.read(signed(documented('participant-joined')))).toEqual({
      outcome: 'event',
      event: {
        kind: 'joined',
        eventId: 'ptcpt-join-6497c79b-f326-4942-aef8-c36a29140ad1-1708972279961',
        videoRoomName: 'test',
        platformSessionId: '0c0d2dda-f21d-4cf9-ab56-86bf3c407ffa',
        displayName: 'testuser',
        occurredAt: new Date(1708972279961),
      },
    });
    expect(webhooks?.read(signed(documented('participant-left')))).toMatchObject({
      outcome: 'event',
      event: { kind: 'left', occurredAt: new Date(1708972297012) },
    });
    expect(webhooks?.read(signed(documented('meeting-ended')))).toEqual({
      outcome: 'event',
      event: {
        kind: 'ended',
        eventId: 'met-end-f2aa1ade-ff80-464c-b46e-50ffa577d48d-1708526104',
        videoRoomName: 'TrPmUX1DzjSwDaAFDfNj',
        occurredAt: new Date(1708526104671),
      },
    });
  });

  it('rejects a changed body, another secret, a stale or missing timestamp', () => {
    const body = documented('participant-joined');
    const changed = Buffer.from(body.toString().replace('testuser', 'mallory'));
    const staleTimestamp = String(Number(timestamp) - DAILY_WEBHOOK_TOLERANCE_SECONDS - 1);
    const other = Buffer.from('another-secret-another-secret!!').toString('base64');
    const requests: WebhookRequest[] = [
      { ...signed(body), body: changed },
      signed(body, { 'x-webhook-signature': signDailyWebhook(other, timestamp, body) }),
      signed(body, {
        'x-webhook-timestamp': staleTimestamp,
        'x-webhook-signature': signDailyWebhook(secret, staleTimestamp, body),
      }),
      {
        headers: { 'x-webhook-signature': signDailyWebhook(secret, timestamp, body) },
        body,
        receivedAt,
      },
      signed(body, { 'x-webhook-signature': 'c2hvcnQ=' }),
    ];
    for (const request of requests) {
      expect(webhooks?.read(request)).toMatchObject({ outcome: 'rejected' });
    }
  });

  it("answers Daily's unsigned set-up ping and other event types without reading them", () => {
    const ping = Buffer.from('{"test":"test"}');
    expect(webhooks?.read({ headers: {}, body: ping, receivedAt })).toEqual({ outcome: 'ignored' });
    const recording = Buffer.from('{"type":"recording.started","id":"r-1","payload":{}}');
    expect(webhooks?.read(signed(recording))).toEqual({ outcome: 'ignored' });
    expect(webhooks?.read({ headers: {}, body: recording, receivedAt })).toMatchObject({
      outcome: 'rejected',
    });
  });
});
