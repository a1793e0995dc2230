import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseEngines, type TestDatabase } from '../../../test/support/database.js';

describe.each(databaseEngines())('database on $engine', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('is migrated and answers', async () => {
    await database.ping();
    expect(await database.migrate()).toEqual([]);
  });

  it('allows an occurrence many ended meetings but at most one open one', async () => {
    const owner = await database.prisma.user.create({ data: { subject: 'owner' } });
    const room = await database.prisma.room.create({ data: { name: 'team', ownerId: owner.id } });
    const event = await database.prisma.calendarEvent.create({
      data: {
        roomId: room.id,
        uid: 'uid-1',
        startsAt: new Date('2026-01-01T10:00:00Z'),
        endsAt: new Date('2026-01-01T11:00:00Z'),
        contentHash: 'h',
      },
    });
    const meeting = {
      roomId: room.id,
      calendarEventId: event.id,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      videoRoomName: 'team-1',
    };
    const ended = { ...meeting, status: 'ENDED' as const, endReason: 'SCHEDULE_ELAPSED' as const };
    await database.prisma.meeting.create({ data: ended });
    await database.prisma.meeting.create({ data: ended });
    await database.prisma.meeting.create({ data: meeting });
    await expect(database.prisma.meeting.create({ data: meeting })).rejects.toThrow(/Unique/i);
    expect(await database.prisma.meeting.count({ where: { calendarEventId: event.id } })).toBe(3);
  });
});
