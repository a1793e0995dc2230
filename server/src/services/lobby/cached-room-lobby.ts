// One room's lobby as an API process keeps it (DESIGN §6): one event subscription, one load per
// change (bursts coalesced), shared by the room's local subscribers and by the queries that read it.
import { topics } from '../../domain/events.js';
import type { EventBus, Unsubscribe } from '../../engines/events.js';
import type { RoomLobby } from '../meetings/index.js';

/** A subscriber: each lobby, or why none will come. */
export type LobbyListener = { deliver: (lobby: RoomLobby) => void; fail: (error: unknown) => void };

/** What every room's cache shares with the others (RoomLobbies owns it). */
export type RoomLobbyCacheSettings = {
  events: EventBus;
  loadRoomLobby: (roomId: string) => Promise<RoomLobby>;
  now: () => Date;
  log: (message: string, error: unknown) => void;
  /** How long a room nobody subscribes to stays loaded after its last query. */
  readLeaseMs: number;
  /** Called as each load begins. */
  countLoad: () => void;
  /** The cache stops: it no longer answers for the room, nor for the room's name. */
  dropped: (cache: CachedRoomLobby) => void;
  /** The room is deleted: its name no longer leads to this cache. */
  roomGone: (cache: CachedRoomLobby) => void;
};

type Waiter = {
  /** The change count the reader saw: any load begun at or after it will do. */
  changes: number;
  resolve: (lobby: RoomLobby) => void;
  reject: (error: unknown) => void;
};

// setTimeout's ceiling; a later start time is re-armed by the next load.
const maxTimerDelayMs = 2 ** 31 - 1;
const loadRetryDelayMs = 1_000;
const maxQueryAgeMs = 30_000;

export class CachedRoomLobby {
  readonly listeners = new Set<LobbyListener>();
  /** The last lobby loaded, with the change count its load began at. */
  latest: { lobby: RoomLobby; changes: number; loadedAtMs: number } | undefined;
  /** Changes heard of (events, start times); a load reflects every change counted before it began. */
  private changes = 0;
  private loading = false;
  private waiters: Waiter[] = [];
  private lastReadAtMs: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscribed: Promise<Unsubscribe>;
  private isSubscribed = false;
  private isDropped = false;

  constructor(
    readonly roomId: string,
    private readonly settings: RoomLobbyCacheSettings,
  ) {
    this.lastReadAtMs = settings.now().getTime();
    this.subscribed = settings.events.subscribe(topics.room(roomId), () => {
      this.changed();
    });
    // Load only once subscribed, so no change between the load and the subscription is lost.
    this.subscribed.then(
      () => {
        this.isSubscribed = true;
        this.load();
      },
      (error: unknown) => {
        settings.log(`Subscribing to the changes of room ${roomId} failed`, error);
        void this.drop();
        this.settle(Number.POSITIVE_INFINITY, (waiter) => {
          waiter.reject(error);
        });
        for (const listener of this.listeners) listener.fail(error);
      },
    );
  }

  /** The room's name, once a load has found the room. */
  get roomName(): string | undefined {
    return this.latest?.lobby.room?.name;
  }

  /** The current lobby, for a query: the shared one while nothing changed, else a fresh load. */
  read(): Promise<RoomLobby> {
    const { now } = this.settings;
    this.lastReadAtMs = now().getTime();
    const { latest } = this;
    if (latest !== undefined && latest.changes === this.changes) {
      const { nextChangeAt } = latest.lobby.meetings;
      // The start timer may not have fired yet: the clock alone already changed the lists.
      const timeChangedIt = nextChangeAt !== null && now() >= nextChangeAt;
      // Pub/sub drops what it sends while a connection is down: a query's lobby is never older.
      const tooOld = now().getTime() - latest.loadedAtMs >= maxQueryAgeMs;
      if (!timeChangedIt && !tooOld) return Promise.resolve(latest.lobby);
      this.changes += 1;
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ changes: this.changes, resolve, reject });
      this.load();
    });
  }

  /** Adds a subscriber, given the current lobby at once if there is one; returns how to leave. */
  join(listener: LobbyListener): () => void {
    this.listeners.add(listener);
    if (this.latest !== undefined && this.latest.changes === this.changes) {
      // Its own object: results are shared per object, and this one is made for this subscriber now.
      listener.deliver({ ...this.latest.lobby });
    } else {
      // Events that arrived while nobody listened were counted, not loaded.
      this.load();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.isIdle()) void this.drop();
    };
  }

  changed(): void {
    this.changes += 1;
    // Without subscribers the next query loads: a burst of events costs nothing until then.
    if (this.listeners.size > 0) this.load();
  }

  isIdle(): boolean {
    return (
      this.listeners.size === 0 &&
      this.waiters.length === 0 &&
      this.settings.now().getTime() - this.lastReadAtMs >= this.settings.readLeaseMs
    );
  }

  async drop(): Promise<void> {
    if (this.isDropped) return;
    this.isDropped = true;
    this.settings.dropped(this);
    clearTimeout(this.timer);
    await this.subscribed.then(
      (unsubscribe) => unsubscribe(),
      () => undefined,
    );
  }

  private load(): void {
    if (this.loading || !this.isSubscribed) return;
    this.loading = true;
    const { changes, settings } = this;
    settings.countLoad();
    settings
      .loadRoomLobby(this.roomId)
      .then(
        (lobby) => {
          this.settle(changes, (waiter) => {
            waiter.resolve(lobby);
          });
          if (this.isDropped) return;
          if (lobby.room === null) settings.roomGone(this);
          this.latest = { lobby, changes, loadedAtMs: settings.now().getTime() };
          for (const listener of this.listeners) listener.deliver(lobby);
          this.armStartTimer(lobby.meetings.nextChangeAt);
        },
        (error: unknown) => {
          settings.log(`Loading the lobby of room ${this.roomId} failed`, error);
          this.settle(changes, (waiter) => {
            waiter.reject(error);
          });
          // Readers retry by reading again; subscribers have only this.
          if (!this.isDropped && this.listeners.size > 0) {
            clearTimeout(this.timer);
            this.timer = setTimeout(() => {
              this.changed();
            }, loadRetryDelayMs);
          }
        },
      )
      .finally(() => {
        this.loading = false;
        const waiting = this.waiters.length > 0 || this.listeners.size > 0;
        if (this.changes !== changes && waiting && !this.isDropped) this.load();
      });
  }

  /** Answers the readers that a load begun at `changes` satisfies. */
  private settle(changes: number, answer: (waiter: Waiter) => void): void {
    const answered = this.waiters.filter((waiter) => waiter.changes <= changes);
    this.waiters = this.waiters.filter((waiter) => waiter.changes > changes);
    answered.forEach(answer);
  }

  // A meeting going live changes no row: a timer at the next start time counts as a change.
  private armStartTimer(at: Date | null): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (at === null) return;
    const delayMs = Math.min(
      Math.max(0, at.getTime() - this.settings.now().getTime()),
      maxTimerDelayMs,
    );
    this.timer = setTimeout(() => {
      this.changed();
    }, delayMs);
  }
}
