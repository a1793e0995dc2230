// Publish/subscribe by topic: Redis pub/sub across processes, or in-process.
import type { DomainEvent } from '../domain/events.js';

export type Unsubscribe = () => Promise<void>;

export type EventBus = {
  /**
   * Local listeners get the event at once, before this resolves, even when it rejects: a lost
   * transport (Redis down) rejects at once, and the event reached this process only. Services
   * publish through the outbox (`services/outbox/`), whose relay sends such an event again later.
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
