// Real-time fan-out (DESIGN §6): per process, one subscription per topic with listeners, one load
// per room per change (bursts coalesced), and that one result shared by every local subscriber.
import { Repeater, SlidingBuffer } from 'graphql-yoga';
import { topics, type DomainEvent } from '../domain/events.js';
import type { EventBus, Unsubscribe } from '../engines/events.js';

export type Snapshot = { nextChangeAt: Date | null };

export type LiveUpdatesOptions<RoomSnapshot extends Snapshot> = {
  events: EventBus;
  loadRoomSnapshot: (roomId: string) => Promise<RoomSnapshot>;
  log: (message: string, error: unknown) => void;
};

export type LiveUpdates<RoomSnapshot extends Snapshot = Snapshot> = {
  /** The room's current snapshot at once, then a fresh one after every change. */
  roomSnapshots(roomId: string): AsyncIterable<RoomSnapshot>;
  /** The events of a topic, for subscriptions that load per event (sync runs, one meeting). */
  topicEvents(topic: string): AsyncIterable<DomainEvent>;
  /** Loads done since start, for benchmarks and metrics. */
  loadCount(): number;
  /** Rooms with local subscribers, and those subscribers: for metrics. */
  roomCount(): number;
  subscriberCount(): number;
  close(): Promise<void>;
};

type RoomFeed<RoomSnapshot> = {
  listeners: Set<(snapshot: RoomSnapshot) => void>;
  latest: RoomSnapshot | undefined;
  loading: boolean;
  /** A change arrived during a load: load once more when it finishes. */
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
  unsubscribe: Promise<Unsubscribe>;
};

// setTimeout's ceiling; a later start time is re-armed by the next load.
const maxTimerDelayMs = 2 ** 31 - 1;

export function createLiveUpdates<RoomSnapshot extends Snapshot>(
  options: LiveUpdatesOptions<RoomSnapshot>,
): LiveUpdates<RoomSnapshot> {
  const { events, loadRoomSnapshot, log } = options;
  const rooms = new Map<string, RoomFeed<RoomSnapshot>>();
  let loads = 0;

  function reload(roomId: string, feed: RoomFeed<RoomSnapshot>): void {
    if (feed.loading) {
      feed.dirty = true;
      return;
    }
    feed.loading = true;
    feed.dirty = false;
    loads += 1;
    loadRoomSnapshot(roomId)
      .then((snapshot) => {
        if (rooms.get(roomId) !== feed) return;
        feed.latest = snapshot;
        for (const listener of feed.listeners) listener(snapshot);
        armStartTimer(roomId, feed, snapshot.nextChangeAt);
      })
      .catch((error: unknown) => {
        log(`Loading the lobby of room ${roomId} failed`, error);
      })
      .finally(() => {
        feed.loading = false;
        if (feed.dirty && rooms.get(roomId) === feed) reload(roomId, feed);
      });
  }

  // A meeting going live changes no row: a timer at the next start time pushes a fresh list.
  function armStartTimer(roomId: string, feed: RoomFeed<RoomSnapshot>, at: Date | null): void {
    clearTimeout(feed.timer);
    feed.timer = undefined;
    if (at === null) return;
    const delayMs = Math.min(Math.max(0, at.getTime() - Date.now()), maxTimerDelayMs);
    feed.timer = setTimeout(() => {
      reload(roomId, feed);
    }, delayMs);
  }

  function join(roomId: string, listener: (snapshot: RoomSnapshot) => void): () => void {
    let feed = rooms.get(roomId);
    if (feed === undefined) {
      const created: RoomFeed<RoomSnapshot> = {
        listeners: new Set(),
        latest: undefined,
        loading: false,
        dirty: false,
        timer: undefined,
        unsubscribe: events.subscribe(topics.room(roomId), () => {
          reload(roomId, created);
        }),
      };
      feed = created;
      rooms.set(roomId, feed);
      // Load only once subscribed, so no change between the load and the subscription is lost.
      void feed.unsubscribe.then(() => {
        reload(roomId, created);
      });
    } else if (feed.latest !== undefined) {
      listener(feed.latest);
    }
    feed.listeners.add(listener);
    const joined = feed;
    return () => {
      joined.listeners.delete(listener);
      if (joined.listeners.size > 0 || rooms.get(roomId) !== joined) return;
      rooms.delete(roomId);
      clearTimeout(joined.timer);
      void joined.unsubscribe.then((unsubscribe) => unsubscribe());
    };
  }

  return {
    roomSnapshots(roomId) {
      return new Repeater<RoomSnapshot>(async (push, stop) => {
        const leave = join(roomId, (snapshot) => {
          void push(snapshot);
        });
        await stop;
        leave();
        // Only the newest snapshot matters to a subscriber that lags behind.
      }, new SlidingBuffer(1));
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
    roomCount: () => rooms.size,
    subscriberCount: () => [...rooms.values()].reduce((sum, feed) => sum + feed.listeners.size, 0),
    async close() {
      const feeds = [...rooms.values()];
      rooms.clear();
      for (const feed of feeds) clearTimeout(feed.timer);
      await Promise.all(feeds.map(async (feed) => (await feed.unsubscribe)()));
    },
  };
}
