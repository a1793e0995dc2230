// The API's cached room lobbies (DESIGN §6): one load per room per change, shared by queries and
// subscribers; a query never sees a lobby older than the last change this process heard of. On each
// database, with the in-process event bus and with Redis, around the real lobby loader.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { topics, type DomainEvent, type RoomEvent } from '../../domain/events.js';
import type { EventBus } from '../../engines/events.js';
import { createInProcessEventBus } from '../../engines/events/in-process.js';
import { createRedisEventBus, eventChannel } from '../../engines/events/redis.js';
import type { PrismaClient, Room } from '../../generated/prisma/client.js';
import { loadRoomLobby, type RoomLobby } from '../meetings/index.js';
import { databaseEngines, type TestDatabase } from '../../../test/support/database.js';
import {
  minutesAfter,
  seedRoom,
  testClock,
  type TestClock,
} from '../../../test/support/meetings-fixtures.js';
import {
  engineCases,
  eventually,
  type EngineSpace,
  type LogEntry,
} from '../../../test/support/redis.js';
import { createRoomLobbies, type RoomLobbies } from './room-lobbies.js';

const t0 = new Date('2026-03-10T12:00:00.000Z');
const msAfter = (instant: Date, ms: number) => new Date(instant.getTime() + ms);

const eventCases = engineCases({
  inProcess: (log) => createInProcessEventBus({ log }),
  redis: createRedisEventBus,
});

/** The real bus, counting the subscriptions held through it (released once the bus confirmed). */
function countingSubscriptions(bus: EventBus) {
  const heldByTopic = new Map<string, number>();
  const add = (topic: string, delta: number) => {
    heldByTopic.set(topic, (heldByTopic.get(topic) ?? 0) + delta);
  };
  const counted: EventBus = {
    publish: (topic, event) => bus.publish(topic, event),
    async subscribe(topic, listener) {
      const unsubscribe = await bus.subscribe(topic, listener);
      add(topic, 1);
      let released = false;
      return async () => {
        if (released) return unsubscribe();
        released = true;
        await unsubscribe();
        add(topic, -1);
      };
    },
    onResubscribed: (listener) => {
      bus.onResubscribed(listener);
    },
    close: () => bus.close(),
  };
  return {
    bus: counted,
    held: (topic: string) => heldByTopic.get(topic) ?? 0,
    total: () => [...heldByTopic.values()].reduce((sum, count) => sum + count, 0),
  };
}

type Harness = {
  lobbies: RoomLobbies;
  clock: TestClock;
  /** Loads begun (failed ones included), counted around the real loader. */
  loads: () => number;
  /** Room names looked up in the database. */
  nameLookups: () => number;
  /** Makes the next `count` loads fail with `error`. */
  failNextLoads(count: number, error: Error): void;
  /** Holds the next load once it has read the database, until released. */
  holdNextLoad(): { reached: Promise<void>; release: () => void };
  logged: LogEntry[];
  /** Subscriptions the read model holds on a topic. */
  held: (topic: string) => number;
};

const lists = (lobby: RoomLobby) => ({
  live: lobby.meetings.live.map(({ id }) => id),
  upcoming: lobby.meetings.upcoming.map(({ id }) => id),
});

/** A promise and the function that resolves it. */
function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Ends a subscription as a client that goes away does. */
async function stopSubscriber(lobbies: AsyncIterator<RoomLobby, unknown>): Promise<void> {
  await lobbies.return?.();
}

/** The next lobby a subscriber receives. */
async function nextLobby(lobbies: AsyncIterator<RoomLobby, unknown>): Promise<RoomLobby> {
  const result = await lobbies.next();
  if (result.done === true) throw new Error('The lobby stream ended');
  return result.value;
}

describe.each(databaseEngines())('the cached room lobbies on $engine', ({ open }) => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  beforeAll(async () => {
    database = await open();
    prisma = database.prisma;
  });
  afterAll(async () => {
    await database.drop();
  });

  async function seedMeeting(room: Room, startsAt: Date) {
    return prisma.meeting.create({
      data: {
        roomId: room.id,
        title: 'Stand-up',
        startsAt,
        endsAt: minutesAfter(startsAt, 30),
        videoRoomName: `${room.name}-${randomBytes(4).toString('hex')}`,
      },
    });
  }

  describe.each(eventCases)('with events on $engine', (engineCase) => {
    let space: EngineSpace<EventBus>;
    let bus: EventBus;
    let started: { lobbies: RoomLobbies; logged: LogEntry[]; total: () => number }[] = [];

    beforeEach(() => {
      space = engineCase.space();
      bus = space.open();
    });
    afterEach(async () => {
      try {
        for (const { lobbies, logged, total } of started) {
          await lobbies.close();
          // close() gives back every subscription it held.
          expect(total()).toBe(0);
          expect(logged).toEqual([]);
        }
        expect(space.logged).toEqual([]);
      } finally {
        started = [];
        await engineCase.cleanup();
      }
    });

    function start(options: { readLeaseMs?: number } = {}): Harness {
      const clock = testClock(t0);
      const logged: LogEntry[] = [];
      const counting = countingSubscriptions(bus);
      let loads = 0;
      let nameLookups = 0;
      let failure: { count: number; error: Error } = { count: 0, error: new Error('unused') };
      let hold: { reached: () => void; released: Promise<void> } | undefined;
      const lobbies = createRoomLobbies({
        events: counting.bus,
        loadRoomLobby: async (roomId) => {
          loads += 1;
          if (failure.count > 0) {
            failure = { ...failure, count: failure.count - 1 };
            throw failure.error;
          }
          const lobby = await loadRoomLobby(prisma, roomId, clock.now());
          const held = hold;
          hold = undefined;
          if (held !== undefined) {
            held.reached();
            await held.released;
          }
          return lobby;
        },
        findRoomId: async (name) => {
          nameLookups += 1;
          const room = await prisma.room.findUnique({ where: { name }, select: { id: true } });
          return room?.id ?? null;
        },
        now: clock.now,
        log: (message, error) => {
          logged.push({ message, error });
        },
        ...options,
      });
      started.push({ lobbies, logged, total: counting.total });
      return {
        lobbies,
        clock,
        loads: () => loads,
        nameLookups: () => nameLookups,
        failNextLoads(count, error) {
          failure = { count, error };
        },
        holdNextLoad() {
          const reached = deferred();
          const released = deferred();
          hold = { reached: reached.resolve, released: released.promise };
          return { reached: reached.promise, release: released.resolve };
        },
        logged,
        held: counting.held,
      };
    }

    const meetingCreated = (roomId: string, meetingId: string): RoomEvent => ({
      type: 'meeting.created',
      roomId,
      meetingId,
    });

    // On both buses a publisher's own listeners have heard its event once publish() resolves.
    const publish = (event: RoomEvent) => bus.publish(topics.room(event.roomId), event);

    it('answers concurrent and later queries with no change in between from one load', async () => {
      const { lobbies, loads } = start();
      const room = await seedRoom(prisma);
      const meeting = await seedMeeting(room, minutesAfter(t0, -5));

      const concurrent = await Promise.all(
        Array.from({ length: 20 }, () => lobbies.currentLobby(room.id)),
      );
      const [first] = concurrent;
      expect(first?.room).toEqual(room);
      expect(first && lists(first)).toEqual({ live: [meeting.id], upcoming: [] });
      for (const lobby of concurrent) expect(lobby).toBe(first);
      for (let read = 0; read < 20; read += 1) {
        expect(await lobbies.currentLobby(room.id)).toBe(first);
      }
      expect(loads()).toBe(1);
      expect(lobbies.loadCount()).toBe(1);
    });

    it('after an event on the room, waits for a fresh load that shows the new row', async () => {
      const { lobbies, loads } = start();
      const room = await seedRoom(prisma);
      expect(lists(await lobbies.currentLobby(room.id))).toEqual({ live: [], upcoming: [] });

      const meeting = await seedMeeting(room, minutesAfter(t0, -1));
      await publish(meetingCreated(room.id, meeting.id));
      expect(lists(await lobbies.currentLobby(room.id))).toEqual({
        live: [meeting.id],
        upcoming: [],
      });
      expect(loads()).toBe(2);
    });

    it('counts a burst of events nobody subscribes to, and loads once at the next read', async () => {
      const { lobbies, loads } = start();
      const room = await seedRoom(prisma);
      await lobbies.currentLobby(room.id);

      const meetings: string[] = [];
      for (let burst = 0; burst < 10; burst += 1) {
        const meeting = await seedMeeting(room, minutesAfter(t0, burst - 20));
        meetings.push(meeting.id);
        await publish(meetingCreated(room.id, meeting.id));
        await publish({ type: 'presence.changed', roomId: room.id, meetingId: meeting.id });
      }
      // Every event was heard (publish resolved), and none of them loaded.
      expect(loads()).toBe(1);

      const reads = await Promise.all(
        Array.from({ length: 5 }, () => lobbies.currentLobby(room.id)),
      );
      expect(loads()).toBe(2);
      for (const lobby of reads) expect(lists(lobby)).toEqual({ live: meetings, upcoming: [] });
      expect(await lobbies.currentLobby(room.id)).toBe(reads[0]);
      expect(loads()).toBe(2);
    });

    it("reloads at the lobby's next start time, though no event came, and shows it live", async () => {
      // A lease far beyond the clock's jumps: only the start time may cause a load here.
      const { lobbies, loads, clock } = start({ readLeaseMs: 24 * 60 * 60_000 });
      const room = await seedRoom(prisma);
      // Sooner than a query's lobby grows too old (30 s), so the start time alone reloads it.
      const startsAt = msAfter(t0, 20_000);
      const meeting = await seedMeeting(room, startsAt);

      const before = await lobbies.currentLobby(room.id);
      expect(lists(before)).toEqual({ live: [], upcoming: [meeting.id] });
      expect(before.meetings.nextChangeAt).toEqual(startsAt);

      clock.set(msAfter(startsAt, -1));
      expect(await lobbies.currentLobby(room.id)).toBe(before);
      expect(loads()).toBe(1);

      clock.set(startsAt);
      const atStart = await lobbies.currentLobby(room.id);
      expect(lists(atStart)).toEqual({ live: [meeting.id], upcoming: [] });
      expect(atStart.meetings.generatedAt).toEqual(startsAt);
      expect(atStart.meetings.nextChangeAt).toBeNull();
      expect(loads()).toBe(2);
      expect(await lobbies.currentLobby(room.id)).toBe(atStart);
      expect(loads()).toBe(2);
    });

    it('loads again for a query once the shared lobby is 30 s old, though no event came', async () => {
      // Pub/sub loses what it sends while a connection is down; a query's lobby is never older.
      const { lobbies, loads, clock } = start({ readLeaseMs: 24 * 60 * 60_000 });
      const room = await seedRoom(prisma);
      const first = await lobbies.currentLobby(room.id);
      const meeting = await seedMeeting(room, minutesAfter(t0, -1));

      clock.set(msAfter(t0, 29_999));
      expect(await lobbies.currentLobby(room.id)).toBe(first);
      clock.set(msAfter(t0, 30_000));
      expect(lists(await lobbies.currentLobby(room.id))).toEqual({
        live: [meeting.id],
        upcoming: [],
      });
      expect(loads()).toBe(2);
    });

    it('answers a reader only with a load begun after the last change it heard of', async () => {
      const harness = start();
      const { lobbies, loads } = harness;
      const room = await seedRoom(prisma);
      await lobbies.currentLobby(room.id);
      const first = await seedMeeting(room, minutesAfter(t0, -2));
      await publish(meetingCreated(room.id, first.id));

      const held = harness.holdNextLoad();
      const early = lobbies.currentLobby(room.id);
      await held.reached;
      // A change while the early reader's load is in flight, after that load read the database.
      const second = await seedMeeting(room, minutesAfter(t0, -1));
      await publish(meetingCreated(room.id, second.id));
      const late = lobbies.currentLobby(room.id);
      held.release();

      expect(lists(await early)).toEqual({ live: [first.id], upcoming: [] });
      expect(lists(await late)).toEqual({ live: [first.id, second.id], upcoming: [] });
      expect(loads()).toBe(3);
    });

    it('loads again for subscribers when a change comes while a load is in flight', async () => {
      const harness = start();
      const { lobbies, loads } = harness;
      const room = await seedRoom(prisma);
      const subscriber = lobbies.lobbyUpdates(room.id)[Symbol.asyncIterator]();
      try {
        expect(lists(await nextLobby(subscriber))).toEqual({ live: [], upcoming: [] });
        const held = harness.holdNextLoad();
        const first = await seedMeeting(room, minutesAfter(t0, -2));
        await publish(meetingCreated(room.id, first.id));
        await held.reached;
        const second = await seedMeeting(room, minutesAfter(t0, -1));
        await publish(meetingCreated(room.id, second.id));
        held.release();

        // Only the newest lobby matters: a subscriber that lags may skip the one in between.
        let lobby = await nextLobby(subscriber);
        if (lobby.meetings.live.length === 1) lobby = await nextLobby(subscriber);
        expect(lists(lobby)).toEqual({ live: [first.id, second.id], upcoming: [] });
        expect(loads()).toBe(3);
      } finally {
        await stopSubscriber(subscriber);
      }
    });

    it('pushes the lobby to subscribers when its next start time arrives, though no event came', async () => {
      const { lobbies, clock } = start({ readLeaseMs: 24 * 60 * 60_000 });
      const room = await seedRoom(prisma);
      const startsAt = msAfter(t0, 100);
      const meeting = await seedMeeting(room, startsAt);
      const subscriber = lobbies.lobbyUpdates(room.id)[Symbol.asyncIterator]();
      try {
        expect(lists(await nextLobby(subscriber))).toEqual({ live: [], upcoming: [meeting.id] });
        // The start timer was armed by the load's clock; when it fires, the clock is at the start.
        clock.set(startsAt);
        let lobby = await nextLobby(subscriber);
        // Should the timer beat the clock (a slow machine), it re-arms: wait for the next push.
        while (lobby.meetings.live.length === 0) lobby = await nextLobby(subscriber);
        expect(lists(lobby)).toEqual({ live: [meeting.id], upcoming: [] });
        expect(lobby.meetings.nextChangeAt).toBeNull();
      } finally {
        await stopSubscriber(subscriber);
      }
    });

    it('shares one load per change between subscribers and readers', async () => {
      const { lobbies, loads } = start();
      const room = await seedRoom(prisma);
      const subscribers = Array.from({ length: 3 }, () =>
        lobbies.lobbyUpdates(room.id)[Symbol.asyncIterator](),
      );
      try {
        const firsts = await Promise.all(subscribers.map(nextLobby));
        const [first] = firsts;
        for (const lobby of firsts) expect(lobby).toBe(first);
        expect(await lobbies.currentLobby(room.id)).toBe(first);
        expect(loads()).toBe(1);
        expect(lobbies.roomCount()).toBe(1);
        expect(lobbies.subscriberCount()).toBe(3);

        const shown: string[] = [];
        for (let change = 1; change <= 2; change += 1) {
          const meeting = await seedMeeting(room, minutesAfter(t0, -change));
          shown.unshift(meeting.id);
          await publish(meetingCreated(room.id, meeting.id));
          const read = await lobbies.currentLobby(room.id);
          expect(lists(read)).toEqual({ live: shown, upcoming: [] });
          const pushed = await Promise.all(subscribers.map(nextLobby));
          for (const lobby of pushed) expect(lobby).toBe(read);
          expect(loads()).toBe(1 + change);
        }
      } finally {
        await Promise.all(subscribers.map(stopSubscriber));
      }
      await eventually(() => {
        expect(lobbies.subscriberCount()).toBe(0);
      });
      expect(lobbies.roomCount()).toBe(0);
    });

    it('finds rooms by name, forgets deleted ones and finds a new room of the same name', async () => {
      const { lobbies, loads, nameLookups } = start();
      const room = await seedRoom(prisma);

      expect(await lobbies.roomByName(room.name)).toEqual(room);
      expect(await lobbies.roomByName(room.name)).toEqual(room);
      // The second time from the shared lobby: no lookup, no load.
      expect(nameLookups()).toBe(1);
      expect(loads()).toBe(1);
      expect(await lobbies.roomByName(`no-such-${room.name}`)).toBeNull();

      await prisma.room.delete({ where: { id: room.id } });
      await publish({ type: 'room.changed', roomId: room.id });
      expect(await lobbies.roomByName(room.name)).toBeNull();
      expect((await lobbies.currentLobby(room.id)).room).toBeNull();

      const successor = await prisma.room.create({
        data: { name: room.name, ownerId: room.ownerId },
      });
      expect(successor.id).not.toBe(room.id);
      expect(await lobbies.roomByName(room.name)).toEqual(successor);
      expect(await lobbies.roomByName(room.name)).toEqual(successor);
    });

    it('rejects the readers of a failed load, and loads again for the next read', async () => {
      const harness = start();
      const { lobbies, loads, logged } = harness;
      const room = await seedRoom(prisma);
      const failure = new Error('the database is unreachable');

      harness.failNextLoads(1, failure);
      const readers = await Promise.allSettled(
        Array.from({ length: 5 }, () => lobbies.currentLobby(room.id)),
      );
      expect(readers).toEqual(
        Array.from({ length: 5 }, () => ({ status: 'rejected', reason: failure })),
      );
      expect(loads()).toBe(1);
      expect(logged.splice(0)).toEqual([
        { message: `Loading the lobby of room ${room.id} failed`, error: failure },
      ]);
      expect((await lobbies.currentLobby(room.id)).room).toEqual(room);
      expect(loads()).toBe(2);

      // After a change, a failed load is not hidden behind the older lobby.
      const meeting = await seedMeeting(room, minutesAfter(t0, -1));
      harness.failNextLoads(1, failure);
      await publish(meetingCreated(room.id, meeting.id));
      await expect(lobbies.currentLobby(room.id)).rejects.toBe(failure);
      expect(logged.splice(0)).toHaveLength(1);
      expect(lists(await lobbies.currentLobby(room.id))).toEqual({
        live: [meeting.id],
        upcoming: [],
      });
      expect(loads()).toBe(4);
    });

    it('loads again for subscribers a second after a failed load', async () => {
      const harness = start();
      const room = await seedRoom(prisma);
      harness.failNextLoads(1, new Error('the database is unreachable'));

      const updates = harness.lobbies.lobbyUpdates(room.id);
      try {
        expect((await nextLobby(updates)).room).toEqual(room);
        expect(harness.loads()).toBe(2);
        expect(harness.logged.splice(0)).toHaveLength(1);
      } finally {
        await stopSubscriber(updates);
      }
    });

    it('gives a subscriber that joins later its own copy of the lobby, made for it now', async () => {
      const { lobbies, loads } = start();
      const room = await seedRoom(prisma);
      const early = lobbies.lobbyUpdates(room.id);
      const shared = await nextLobby(early);
      const late = lobbies.lobbyUpdates(room.id);
      try {
        const own = await nextLobby(late);
        // Results are shared per lobby object: a copy is executed (and stamped) for the newcomer.
        expect(own).toEqual(shared);
        expect(own).not.toBe(shared);
        expect(loads()).toBe(1);
      } finally {
        await stopSubscriber(early);
        await stopSubscriber(late);
      }
    });

    it('ends a subscription with an error when the room cannot be subscribed to', async () => {
      const room = await seedRoom(prisma);
      const failure = new Error('the event bus is unreachable');
      const logged: LogEntry[] = [];
      const lobbies = createRoomLobbies({
        events: { ...bus, subscribe: () => Promise.reject(failure) },
        loadRoomLobby: (roomId) => loadRoomLobby(prisma, roomId, t0),
        findRoomId: () => Promise.resolve(null),
        now: () => t0,
        log: (message, error) => {
          logged.push({ message, error });
        },
      });
      try {
        const updates = lobbies.lobbyUpdates(room.id);
        await expect(updates.next()).rejects.toBe(failure);
        expect(await updates.next()).toEqual({ done: true, value: undefined });
        await expect(lobbies.currentLobby(room.id)).rejects.toBe(failure);
        expect(logged.map(({ message }) => message)).toEqual([
          `Subscribing to the changes of room ${room.id} failed`,
          `Subscribing to the changes of room ${room.id} failed`,
        ]);
      } finally {
        await lobbies.close();
      }
    });

    it('drops a room nobody subscribes to or read for its lease, and keeps the others', async () => {
      const readLeaseMs = 40;
      const { lobbies, loads, clock, held } = start({ readLeaseMs });
      const [read, readLater, subscribed] = await Promise.all([
        seedRoom(prisma),
        seedRoom(prisma),
        seedRoom(prisma),
      ]);
      await lobbies.currentLobby(read.id);
      const subscriber = lobbies.lobbyUpdates(subscribed.id)[Symbol.asyncIterator]();
      try {
        await nextLobby(subscriber);
        clock.set(msAfter(t0, 30));
        const readLaterLobby = await lobbies.currentLobby(readLater.id);
        expect(loads()).toBe(3);
        expect(lobbies.roomCount()).toBe(1);

        // `read` and `subscribed` are past their lease, `readLater` is not: the sweep that drops
        // `read` keeps the other two, one for its subscriber, one for its lease.
        clock.set(msAfter(t0, readLeaseMs));
        await eventually(() => {
          expect(held(topics.room(read.id))).toBe(0);
        });
        expect(held(topics.room(readLater.id))).toBe(1);
        expect(held(topics.room(subscribed.id))).toBe(1);
        if (space.redis !== undefined) {
          const namespace = space.redis;
          const admin = new Redis(namespace.url);
          try {
            const counts = await admin.pubsub(
              'NUMSUB',
              ...[read, readLater, subscribed].map(({ id }) =>
                eventChannel(namespace, topics.room(id)),
              ),
            );
            expect(counts.filter((_, index) => index % 2 === 1)).toEqual([0, 1, 1]);
          } finally {
            await admin.quit();
          }
        }

        // The room still held answers from its lobby; the dropped one is loaded and held again.
        expect(await lobbies.currentLobby(readLater.id)).toBe(readLaterLobby);
        expect(loads()).toBe(3);
        expect((await lobbies.currentLobby(read.id)).room).toEqual(read);
        expect(loads()).toBe(4);
        expect(held(topics.room(read.id))).toBe(1);
      } finally {
        // Its last subscriber leaves a room past its lease: it is dropped.
        await stopSubscriber(subscriber);
      }
      await eventually(() => {
        expect(held(topics.room(subscribed.id))).toBe(0);
      });
      expect(lobbies.roomCount()).toBe(0);
      expect(held(topics.room(read.id))).toBe(1);
      expect(held(topics.room(readLater.id))).toBe(1);
    });

    if (engineCase.sharedAcrossInstances) {
      it('hears the changes another process publishes', async () => {
        const { lobbies, loads } = start();
        const room = await seedRoom(prisma);
        await lobbies.currentLobby(room.id);
        // Listeners of one bus hear a message in the order they subscribed: once this one has
        // heard it, so has the read model.
        const heard: DomainEvent[] = [];
        await bus.subscribe(topics.room(room.id), (event) => {
          heard.push(event);
        });

        const meeting = await seedMeeting(room, minutesAfter(t0, -1));
        const created = meetingCreated(room.id, meeting.id);
        await space.open().publish(topics.room(room.id), created);
        await eventually(() => {
          expect(heard).toEqual([created]);
        });
        expect(lists(await lobbies.currentLobby(room.id))).toEqual({
          live: [meeting.id],
          upcoming: [],
        });
        expect(loads()).toBe(2);
      });
    }
  });
});
