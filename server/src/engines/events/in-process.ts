// The in-process event bus, and the local listener registry that the Redis bus fans out through.
import type { DomainEvent } from '../../domain/events.js';
import type { EventBus, Unsubscribe } from '../events.js';

type Listener = Parameters<EventBus['subscribe']>[1];
type ErrorLog = (message: string, error: unknown) => void;

/** Each subscription is its own entry, so one function subscribed twice is called twice. */
export type Subscription = { readonly listener: Listener };

/** The listeners of each topic in this process; a throwing (or rejecting) listener harms no other. */
export class ListenerRegistry {
  readonly #subscriptionsByTopic = new Map<string, Set<Subscription>>();
  readonly #log: ErrorLog;

  constructor(log: ErrorLog) {
    this.#log = log;
  }

  /** Adds a listener; returns whether it is the topic's first. */
  add(topic: string, subscription: Subscription): boolean {
    const subscriptions = this.#subscriptionsByTopic.get(topic);
    if (subscriptions !== undefined) {
      subscriptions.add(subscription);
      return false;
    }
    this.#subscriptionsByTopic.set(topic, new Set([subscription]));
    return true;
  }

  /** Removes a listener; returns whether it was the topic's last. */
  remove(topic: string, subscription: Subscription): boolean {
    const subscriptions = this.#subscriptionsByTopic.get(topic);
    if (subscriptions?.delete(subscription) !== true || subscriptions.size > 0) {
      return false;
    }
    this.#subscriptionsByTopic.delete(topic);
    return true;
  }

  has(topic: string, subscription: Subscription): boolean {
    return this.#subscriptionsByTopic.get(topic)?.has(subscription) ?? false;
  }

  /** The topic's current subscriptions, for a delivery that happens later. */
  snapshot(topic: string): Subscription[] {
    return [...(this.#subscriptionsByTopic.get(topic) ?? [])];
  }

  /** Calls each subscription still registered when its turn comes. */
  deliver(topic: string, event: DomainEvent, subscriptions = this.snapshot(topic)): void {
    for (const subscription of subscriptions) {
      if (this.has(topic, subscription)) {
        this.#call(topic, subscription.listener, event);
      }
    }
  }

  clear(): void {
    this.#subscriptionsByTopic.clear();
  }

  #call(topic: string, listener: Listener, event: DomainEvent): void {
    const failed = (error: unknown) => {
      this.#log(`Event listener on ${topic} failed on ${event.type}`, error);
    };
    try {
      const result = listener(event);
      if (result instanceof Promise) {
        result.catch(failed);
      }
    } catch (error) {
      failed(error);
    }
  }
}

/** Listeners run in a later microtask, never inside publish(), in publication order. */
export function createInProcessEventBus(options: { log: ErrorLog }): EventBus {
  const registry = new ListenerRegistry(options.log);
  let closed = false;
  const closedError = () => Promise.reject(new Error('The event bus is closed'));

  return {
    publish(topic, event) {
      if (closed) {
        return closedError();
      }
      const subscriptions = registry.snapshot(topic);
      queueMicrotask(() => {
        registry.deliver(topic, event, subscriptions);
      });
      return Promise.resolve();
    },
    subscribe(topic, listener) {
      if (closed) {
        return closedError();
      }
      const subscription = { listener };
      registry.add(topic, subscription);
      const unsubscribe: Unsubscribe = () => {
        registry.remove(topic, subscription);
        return Promise.resolve();
      };
      return Promise.resolve(unsubscribe);
    },
    onResubscribed() {
      // Nothing to lose: listeners live in this process.
    },
    close() {
      closed = true;
      registry.clear();
      return Promise.resolve();
    },
  };
}
