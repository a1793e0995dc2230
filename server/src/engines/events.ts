// Publish/subscribe by topic: Redis pub/sub across processes, or in-process.
import type { DomainEvent } from '../domain/events.js';

export type Unsubscribe = () => Promise<void>;

export type EventBus = {
  /**
   * Local listeners get the event at once. A lost transport (Redis down) never fails the publish,
   * which usually follows a commit: the event is kept and sent to other processes once the
   * transport is back (the newest ones, in memory).
   */
  publish(topic: string, event: DomainEvent): Promise<void>;
  /**
   * Resolves once the subscription is active, so no event published afterwards is missed.
   * A listener that throws or rejects is logged and harms no other listener.
   */
  subscribe(
    topic: string,
    listener: (event: DomainEvent) => void | Promise<void>,
  ): Promise<Unsubscribe>;
  /**
   * Calls `listener` each time the bus has subscribed again after losing its connection: events
   * published meanwhile may never arrive, so whoever shows state should reload it.
   */
  onResubscribed(listener: () => void): void;
  close(): Promise<void>;
};
