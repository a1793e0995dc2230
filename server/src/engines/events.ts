// Publish/subscribe by topic: Redis pub/sub across processes, or in-process.
import type { DomainEvent } from '../domain/events.js';

export type Unsubscribe = () => Promise<void>;

export type EventBus = {
  publish(topic: string, event: DomainEvent): Promise<void>;
  /**
   * Resolves once the subscription is active, so no event published afterwards is missed.
   * A listener that throws or rejects is logged and harms no other listener.
   */
  subscribe(
    topic: string,
    listener: (event: DomainEvent) => void | Promise<void>,
  ): Promise<Unsubscribe>;
  close(): Promise<void>;
};
