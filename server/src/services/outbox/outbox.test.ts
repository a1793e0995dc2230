// The transactional outbox on every database and bus: events commit with their change, a rolled
// back change announces nothing, and leftovers are sent once by relays that run side by side.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { topics, type DomainEvent } from '../../domain/events.js';
import type { EventBus } from '../../engines/events.js';
import { createInProcessEventBus } from '../../engines/events/in-process.js';
import { createRedisEventBus } from '../../engines/events/redis.js';
import { databaseEngines, type TestDatabase } from '../../../test/support/database.js';
import { engineCases, eventually, type EngineSpace } from '../../../test/support/redis.js';
import { changeAndAnnounce, type OutgoingEvent } from './outbox.js';
import { relayOutbox } from './relay.js';

const busCases = engineCases<EventBus>({
  inProcess: (log) => createInProcessEventBus({ log }),
  redis: createRedisEventBus,
});

const roomChanged = (roomId: string): OutgoingEvent => ({
  topic: topics.room('outbox'),
  event: { type: 'room.changed', roomId },
});

describe.each(databaseEngines())('the outbox on $engine', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database.drop());

  describe.each(busCases)('with the $engine bus', (busCase) => {
    afterEach(async () => {
      await busCase.cleanup();
      await database.prisma.outboxEvent.deleteMany();
    });

    const deps = (events: EventBus) => ({ prisma: database.prisma, events });
    const relayDeps = (space: EngineSpace<EventBus>, events: EventBus) => ({
      ...deps(events),
      log: (message: string, error?: unknown) => space.logged.push({ message, error }),
    });
    const subject = () => `outbox-${randomBytes(4).toString('hex')}`;

    async function listen(bus: EventBus, received: DomainEvent[] = []): Promise<DomainEvent[]> {
      await bus.subscribe(topics.room('outbox'), (event) => {
        received.push(event);
      });
      return received;
    }

    /** Commits a change whose events no other process heard of: they stay in the outbox. */
    async function leaveBehind(space: EngineSpace<EventBus>, roomIds: string[]) {
      const deadBus = space.open();
      await deadBus.close();
      await changeAndAnnounce(deps(deadBus), async (transaction, announce) => {
        await transaction.user.create({ data: { subject: subject() } });
        announce(...roomIds.map(roomChanged));
      });
    }

    it("publishes a committed change's events before it resolves, then clears their rows", async () => {
      const bus = busCase.space().open();
      const received = await listen(bus);
      const name = subject();

      const user = await changeAndAnnounce(deps(bus), async (transaction, announce) => {
        announce(roomChanged('a'), roomChanged('b'));
        return transaction.user.create({ data: { subject: name } });
      });

      expect(user.subject).toBe(name);
      expect(received).toEqual([roomChanged('a').event, roomChanged('b').event]);
      expect(await database.prisma.outboxEvent.count()).toBe(0);
    });

    it('writes no event and publishes nothing when the change is rolled back', async () => {
      const bus = busCase.space().open();
      const received = await listen(bus);
      const name = subject();

      const change = changeAndAnnounce(deps(bus), async (transaction, announce) => {
        await transaction.user.create({ data: { subject: name } });
        announce(roomChanged('a'));
        throw new Error('refused');
      });

      await expect(change).rejects.toThrow('refused');
      expect(await database.prisma.user.count({ where: { subject: name } })).toBe(0);
      expect(await database.prisma.outboxEvent.count()).toBe(0);
      expect(received).toEqual([]);
    });

    it('keeps the events of a committed change whose publish failed, and never fails the change', async () => {
      const space = busCase.space();
      await leaveBehind(space, ['a', 'b']);

      const rows = await database.prisma.outboxEvent.findMany({ orderBy: { id: 'asc' } });
      expect(rows.map(({ topic, event }) => ({ topic, event }))).toEqual([
        roomChanged('a'),
        roomChanged('b'),
      ]);
    });

    it('relays only rows older than the leftover age, in id order', async () => {
      const space = busCase.space();
      const bus = space.open();
      const received = await listen(bus);
      await leaveBehind(space, ['a', 'b', 'c']);

      expect(await relayOutbox(relayDeps(space, bus))).toBe(0);
      expect(await relayOutbox(relayDeps(space, bus), { minAgeSeconds: 0 })).toBe(3);

      expect(received).toEqual(['a', 'b', 'c'].map((roomId) => roomChanged(roomId).event));
      expect(await database.prisma.outboxEvent.count()).toBe(0);
    });

    it('delivers leftovers once across two relays running side by side', async () => {
      const space = busCase.space();
      const relays = [space.open(), space.open()];
      // On Redis a third bus hears both relays; in process each relay's listeners are its own.
      const listeners = busCase.sharedAcrossInstances ? [space.open()] : relays;
      const received: DomainEvent[] = [];
      await Promise.all(listeners.map((bus) => listen(bus, received)));
      const roomIds = Array.from({ length: 250 }, (_, index) => `room-${String(index)}`);
      await leaveBehind(space, roomIds);

      const relayAll = async (bus: EventBus) => {
        let sent = 0;
        let passSent: number;
        do {
          passSent = await relayOutbox(relayDeps(space, bus), { minAgeSeconds: 0 });
          sent += passSent;
        } while (passSent > 0);
        return sent;
      };
      const sent = await Promise.all(relays.map(relayAll));

      expect(sent.reduce((total, each) => total + each, 0)).toBe(roomIds.length);
      await eventually(() => {
        expect(received).toHaveLength(roomIds.length);
      });
      const receivedRoomIds = received.map((event) => ('roomId' in event ? event.roomId : ''));
      expect(new Set(receivedRoomIds).size).toBe(roomIds.length);
      expect(await database.prisma.outboxEvent.count()).toBe(0);
    });
  });
});
