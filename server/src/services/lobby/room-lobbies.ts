// The API process's view of rooms (DESIGN §6): per room, one event subscription and one load per
// change (bursts coalesced), shared by every local subscriber and by every query that reads it.
// A query never sees a lobby older than the last change this process has heard of.
import { Repeater } from 'graphql-yoga';
import { topics, type DomainEvent } from '../../domain/events.js';
import type { EventBus, Unsubscribe } from '../../engines/events.js';
import type { Room } from '../../generated/prisma/client.js';
import type { RoomLobby } from '../meetings/index.js';
import { latestValues } from '../../lib/async-iterators.js';

export type LiveUpdatesOptions = {
  events: EventBus;
  loadRoomLobby: (roomId: string) => Promise<RoomLobby>;
  findRoomId: (name: string) => Promise<string | null>;
  now: () => Date;
  log: (message: string, error: unknown) => void;
  /** How long a room nobody subscribes to stays loaded after its last query. */
  readLeaseMs?: number;
};

export type LiveUpdates = {
  /** The room's lobby at once, then a fresh one after every change. */
  roomLobbies(roomId: string): AsyncGenerator<RoomLobby, undefined>;
  /** The room's current lobby, for a query: the shared one while nothing changed, else a fresh load. */
  currentRoomLobby(roomId: string): Promise<RoomLobby>;
  /** A room by (lower-case) name, from the current lobby when its room is loaded. */
  roomByName(name: string): Promise<Room | null>;
  /** The events of a topic, for subscriptions that load per event (sync runs, one meeting). */
  topicEvents(topic: string): AsyncIterable<DomainEvent>;
  /** Loads done since start, for benchmarks and metrics. */
  loadCount(): number;
  /** Rooms with local subscribers, and those subscribers: for metrics. */
  roomCount(): number;
  subscriberCount(): number;
  close(): Promise<void>;
};

type Waiter = {
  /** The change count the reader saw: any load begun at or after it will do. */
  changes: number;
  resolve: (lobby: RoomLobby) => void;
  reject: (error: unknown) => void;
};

/** A subscriber: each lobby, or why none will come. */
type Listener = { deliver: (lobby: RoomLobby) => void; fail: (error: unknown) => void };

type RoomFeed = {
  listeners: Set<Listener>;
  /** Changes heard of (events, start times); a load reflects every change counted before it began. */
  changes: number;
  latest: { lobby: RoomLobby; changes: number; loadedAtMs: number } | undefined;
  loading: boolean;
  waiters: Waiter[];
  lastReadAtMs: number;
  timer: NodeJS.Timeout | undefined;
  subscribed: Promise<Unsubscribe>;
  isSubscribed: boolean;
};

// setTimeout's ceiling; a later start time is re-armed by the next load.
const maxTimerDelayMs = 2 ** 31 - 1;
const defaultReadLeaseMs = 60_000;
const loadRetryDelayMs = 1_000;
const maxQueryAgeMs = 30_000;

export function createLiveUpdates(options: LiveUpdatesOptions): LiveUpdates {
  const { events, loadRoomLobby, findRoomId, now, log } = options;
  const readLeaseMs = options.readLeaseMs ?? defaultReadLeaseMs;
  const rooms = new Map<string, RoomFeed>();
  const roomIdsByName = new Map<string, string>();
  let loads = 0;

  function load(roomId: string, feed: RoomFeed): void {
    if (feed.loading || !feed.isSubscribed) return;
    feed.loading = true;
    const changes = feed.changes;
    loads += 1;
    loadRoomLobby(roomId)
      .then(
        (lobby) => {
          settle(feed, changes, (waiter) => {
            waiter.resolve(lobby);
          });
          if (rooms.get(roomId) !== feed) return;
          if (lobby.room === null) forgetName(roomId, feed);
          feed.latest = { lobby, changes, loadedAtMs: now().getTime() };
          for (const listener of feed.listeners) listener.deliver(lobby);
          armStartTimer(roomId, feed, lobby.meetings.nextChangeAt);
        },
        (error: unknown) => {
          log(`Loading the lobby of room ${roomId} failed`, error);
          settle(feed, changes, (waiter) => {
            waiter.reject(error);
          });
          // Readers retry by reading again; subscribers have only this.
          if (rooms.get(roomId) === feed && feed.listeners.size > 0) {
            clearTimeout(feed.timer);
            feed.timer = setTimeout(() => {
              changed(roomId, feed);
            }, loadRetryDelayMs);
          }
        },
      )
      .finally(() => {
        feed.loading = false;
        const waiting = feed.waiters.length > 0 || feed.listeners.size > 0;
        if (feed.changes !== changes && waiting && rooms.get(roomId) === feed) load(roomId, feed);
      });
  }

  /** Answers the readers that a load begun at `changes` satisfies. */
  function settle(feed: RoomFeed, changes: number, answer: (waiter: Waiter) => void): void {
    const answered = feed.waiters.filter((waiter) => waiter.changes <= changes);
    feed.waiters = feed.waiters.filter((waiter) => waiter.changes > changes);
    answered.forEach(answer);
  }

  function changed(roomId: string, feed: RoomFeed): void {
    feed.changes += 1;
    // Without subscribers the next query loads: a burst of events costs nothing until then.
    if (feed.listeners.size > 0) load(roomId, feed);
  }

  // Events published while this process's pub/sub was cut off are lost: every room counts as changed.
  events.onResubscribed(() => {
    for (const [roomId, feed] of rooms) changed(roomId, feed);
  });

  // A meeting going live changes no row: a timer at the next start time counts as a change.
  function armStartTimer(roomId: string, feed: RoomFeed, at: Date | null): void {
    clearTimeout(feed.timer);
    feed.timer = undefined;
    if (at === null) return;
    const delayMs = Math.min(Math.max(0, at.getTime() - now().getTime()), maxTimerDelayMs);
    feed.timer = setTimeout(() => {
      changed(roomId, feed);
    }, delayMs);
  }

  function feedOf(roomId: string): RoomFeed {
    const existing = rooms.get(roomId);
    if (existing !== undefined) return existing;
    const feed: RoomFeed = {
      listeners: new Set(),
      changes: 0,
      latest: undefined,
      loading: false,
      waiters: [],
      lastReadAtMs: now().getTime(),
      timer: undefined,
      subscribed: events.subscribe(topics.room(roomId), () => {
        changed(roomId, feed);
      }),
      isSubscribed: false,
    };
    rooms.set(roomId, feed);
    // Load only once subscribed, so no change between the load and the subscription is lost.
    feed.subscribed.then(
      () => {
        feed.isSubscribed = true;
        load(roomId, feed);
      },
      (error: unknown) => {
        log(`Subscribing to the changes of room ${roomId} failed`, error);
        void drop(roomId, feed);
        settle(feed, Number.POSITIVE_INFINITY, (waiter) => {
          waiter.reject(error);
        });
        for (const listener of feed.listeners) listener.fail(error);
      },
    );
    return feed;
  }

  async function drop(roomId: string, feed: RoomFeed): Promise<void> {
    if (rooms.get(roomId) !== feed) return;
    rooms.delete(roomId);
    forgetName(roomId, feed);
    clearTimeout(feed.timer);
    await feed.subscribed.then(
      (unsubscribe) => unsubscribe(),
      () => undefined,
    );
  }

  /** A name is only ever remembered for a room the feed has loaded, so its lobby knows the name. */
  function forgetName(roomId: string, feed: RoomFeed): void {
    const name = feed.latest?.lobby.room?.name;
    if (name !== undefined && roomIdsByName.get(name) === roomId) roomIdsByName.delete(name);
  }

  function isIdle(feed: RoomFeed): boolean {
    return (
      feed.listeners.size === 0 &&
      feed.waiters.length === 0 &&
      now().getTime() - feed.lastReadAtMs >= readLeaseMs
    );
  }

  const leaseSweep = setInterval(() => {
    for (const [roomId, feed] of rooms) if (isIdle(feed)) void drop(roomId, feed);
  }, readLeaseMs / 2);
  leaseSweep.unref();

  function currentRoomLobby(roomId: string): Promise<RoomLobby> {
    const feed = feedOf(roomId);
    feed.lastReadAtMs = now().getTime();
    const { latest } = feed;
    if (latest !== undefined && latest.changes === feed.changes) {
      const { nextChangeAt } = latest.lobby.meetings;
      // The start timer may not have fired yet: the clock alone already changed the lists.
      const timeChangedIt = nextChangeAt !== null && now() >= nextChangeAt;
      // Pub/sub drops what it sends while a connection is down: a query's lobby is never older.
      const tooOld = now().getTime() - latest.loadedAtMs >= maxQueryAgeMs;
      if (!timeChangedIt && !tooOld) return Promise.resolve(latest.lobby);
      feed.changes += 1;
    }
    return new Promise((resolve, reject) => {
      feed.waiters.push({ changes: feed.changes, resolve, reject });
      load(roomId, feed);
    });
  }

  function join(roomId: string, listener: Listener): () => void {
    const feed = feedOf(roomId);
    feed.listeners.add(listener);
    if (feed.latest !== undefined && feed.latest.changes === feed.changes) {
      // Its own object: results are shared per object, and this one is made for this subscriber now.
      listener.deliver({ ...feed.latest.lobby });
    } else {
      // Events that arrived while nobody listened were counted, not loaded.
      load(roomId, feed);
    }
    return () => {
      feed.listeners.delete(listener);
      if (isIdle(feed)) void drop(roomId, feed);
    };
  }

  return {
    // Only the newest lobby matters to a subscriber that lags behind.
    roomLobbies: (roomId) => latestValues((deliver, fail) => join(roomId, { deliver, fail })),
    currentRoomLobby,
    async roomByName(name) {
      const knownId = roomIdsByName.get(name);
      if (knownId !== undefined) {
        const { room } = await currentRoomLobby(knownId);
        if (room !== null) return room;
      }
      const roomId = await findRoomId(name);
      if (roomId === null) return null;
      const { room } = await currentRoomLobby(roomId);
      // Names never change, so the id stays right until the room is deleted.
      if (room !== null && rooms.has(roomId)) roomIdsByName.set(name, roomId);
      return room;
    },
    topicEvents(topic) {
      return new Repeater<DomainEvent>(async (push, stop) => {
        const unsubscribe = await events.subscribe(topic, (event) => {
          void push(event);
        });
        await stop;
        await unsubscribe();
      });
    },
    loadCount: () => loads,
    roomCount: () => [...rooms.values()].filter((feed) => feed.listeners.size > 0).length,
    subscriberCount: () => [...rooms.values()].reduce((sum, feed) => sum + feed.listeners.size, 0),
    async close() {
      clearInterval(leaseSweep);
      await Promise.all([...rooms.entries()].map(([roomId, feed]) => drop(roomId, feed)));
    },
  };
}
