// Applied webhook event ids are kept for WEBHOOK_EVENT_RETENTION_DAYS, then the ending sweep
// forgets them (issue 13): the table of ids does not grow for ever.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { databaseEngines } from '../../../test/support/database.js';
import { useMeetingServices } from '../../../test/support/meetings-context.js';
import { meetingJobHandlers } from './jobs.js';
import { WEBHOOK_EVENT_RETENTION_DAYS } from './platform-presence.js';
import { meetingJobNames } from './timers.js';

const t0 = new Date('2026-03-10T12:00:00.000Z');
const daysBefore = (days: number) => new Date(t0.getTime() - days * 86_400_000);

describe.each(databaseEngines())('applied webhook event ids on $engine', ({ open }) => {
  const context = useMeetingServices(open, t0);

  it('are forgotten by the ending sweep once past their retention, and kept before', async () => {
    const expired = `evt-${randomUUID()}`;
    const kept = `evt-${randomUUID()}`;
    await context.prisma.videoWebhookEvent.createMany({
      data: [
        { id: expired, receivedAt: daysBefore(WEBHOOK_EVENT_RETENTION_DAYS + 0.01) },
        { id: kept, receivedAt: daysBefore(WEBHOOK_EVENT_RETENTION_DAYS - 0.01) },
      ],
    });
    const endDueSweep = meetingJobHandlers(context.deps)[meetingJobNames.endDue];
    if (endDueSweep === undefined) throw new Error('No ending sweep');
    await endDueSweep({}, { attempt: 1 });
    const left = await context.prisma.videoWebhookEvent.findMany({
      where: { id: { in: [expired, kept] } },
      select: { id: true },
    });
    expect(left).toEqual([{ id: kept }]);
  });
});
