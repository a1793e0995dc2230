// The API process's view of rooms (DESIGN §6): per room, one cached lobby (CachedRoomLobby) that
// every local subscriber and every query reading the room share. A query never sees a lobby older
// than the last change this process has heard of.
import type { EventBus } from '../../engines/events.js';
import type { Room } from '../../generated/prisma/client.js';
import { latestValues } from '../../lib/async-iterators.js';
import type { RoomLobby } from '../meetings/index.js';
import { CachedRoomLobby, type RoomLobbyCacheSettings } from './cached-room-lobby.js';

export type RoomLobbiesOptions = {
  events: EventBus;
  loadRoomLobby: (roomId: string) => Promise<RoomLobby>;
  findRoomId: (name: string) => Promise<string | null>;
  now: () => Date;
  log: (message: string, error: unknown) => void;
  /** How long a room nobody subscribes to stays loaded after its last query. */
  readLeaseMs?: number;
};

export type RoomLobbies = {
  /** The room's lobby at once, then a fresh one after every change. */
  lobbyUpdates(roomId: string): AsyncGenerator<RoomLobby, undefined>;
  /** The room's current lobby, for a query: the shared one while nothing changed, else a fresh load. */
  currentLobby(roomId: string): Promise<RoomLobby>;
  /** A room by (lower-case) name, from the current lobby when its room is loaded. */
  roomByName(name: string): Promise<Room | null>;
  /** Loads done since start, for benchmarks and metrics. */
  loadCount(): number;
  /** Rooms with local subscribers, and those subscribers: for metrics. */
  roomCount(): number;
  subscriberCount(): number;
  close(): Promise<void>;
};

const defaultReadLeaseMs = 60_000;

export function createRoomLobbies(options: RoomLobbiesOptions): RoomLobbies {
  const { events, findRoomId } = options;
  const readLeaseMs = options.readLeaseMs ?? defaultReadLeaseMs;
  const rooms = new Map<string, CachedRoomLobby>();
  const roomIdsByName = new Map<string, string>();
  let loads = 0;

  /** A name is only ever remembered for a room the cache has loaded, so its lobby knows the name. */
  function forgetName(cache: CachedRoomLobby): void {
    const name = cache.roomName;
    if (name !== undefined && roomIdsByName.get(name) === cache.roomId) roomIdsByName.delete(name);
  }

  const settings: RoomLobbyCacheSettings = {
    events,
    loadRoomLobby: options.loadRoomLobby,
    now: options.now,
    log: options.log,
    readLeaseMs,
    countLoad: () => {
      loads += 1;
    },
    dropped: (cache) => {
      if (rooms.get(cache.roomId) === cache) rooms.delete(cache.roomId);
      forgetName(cache);
    },
    roomGone: forgetName,
  };

  function cacheOf(roomId: string): CachedRoomLobby {
    const existing = rooms.get(roomId);
    if (existing !== undefined) return existing;
    const cache = new CachedRoomLobby(roomId, settings);
    rooms.set(roomId, cache);
    return cache;
  }

  // Events published while this process's pub/sub was cut off are lost: every room counts as changed.
  events.onResubscribed(() => {
    for (const cache of rooms.values()) cache.changed();
  });

  const leaseSweep = setInterval(() => {
    for (const cache of rooms.values()) if (cache.isIdle()) void cache.drop();
  }, readLeaseMs / 2);
  leaseSweep.unref();

  const currentLobby = (roomId: string) => cacheOf(roomId).read();

  return {
    // Only the newest lobby matters to a subscriber that lags behind.
    lobbyUpdates: (roomId) =>
      latestValues((deliver, fail) => cacheOf(roomId).join({ deliver, fail })),
    currentLobby,
    async roomByName(name) {
      const knownId = roomIdsByName.get(name);
      if (knownId !== undefined) {
        const { room } = await currentLobby(knownId);
        if (room !== null) return room;
      }
      const roomId = await findRoomId(name);
      if (roomId === null) return null;
      const { room } = await currentLobby(roomId);
      // Names never change, so the id stays right until the room is deleted.
      if (room !== null && rooms.has(roomId)) roomIdsByName.set(name, roomId);
      return room;
    },
    loadCount: () => loads,
    roomCount: () => [...rooms.values()].filter((cache) => cache.listeners.size > 0).length,
    subscriberCount: () =>
      [...rooms.values()].reduce((sum, cache) => sum + cache.listeners.size, 0),
    async close() {
      clearInterval(leaseSweep);
      await Promise.all([...rooms.values()].map((cache) => cache.drop()));
    },
  };
}
