// The Redis event bus: JSON on channel `<prefix>:events:<topic>`, one subscriber connection per bus
// and one Redis SUBSCRIBE per topic, however many local listeners share it. This process's own
// events reach its listeners at once, before publish() returns, and their echo from Redis is dropped:
// whoever changed something and then reads through this process sees the change.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { domainEventSchema, type DomainEvent } from '../../domain/events.js';
import type { EventBus, Unsubscribe } from '../events.js';
import {
  closeRedisConnection,
  openRedisConnection,
  redisName,
  type RedisEngineOptions,
} from '../redis-connection.js';
import { ListenerRegistry, type Subscription } from './in-process.js';

/** An event and the bus that published it. */
const messageSchema = z.object({ origin: z.string(), event: domainEventSchema });

/** Typed by the schema, so publishing a DomainEvent that receivers cannot parse does not compile. */
function encode(message: z.infer<typeof messageSchema>): string {
  return JSON.stringify(message);
}

function decode(
  message: string,
):
  | { success: true; data: { origin: string; event: DomainEvent } }
  | { success: false; error: unknown } {
  try {
    return messageSchema.safeParse(JSON.parse(message));
  } catch (error) {
    return { success: false, error };
  }
}

/** The Redis channel of a topic. */
export function eventChannel(options: Pick<RedisEngineOptions, 'prefix'>, topic: string): string {
  return redisName(options, 'events', topic);
}

export function createRedisEventBus(options: RedisEngineOptions): EventBus {
  const publisher = openRedisConnection(options, 'commands');
  let publisherConnectedBefore = false;
  publisher.once('ready', () => {
    publisherConnectedBefore = true;
  });
  const resubscribedListeners: (() => void)[] = [];
  const registry = new ListenerRegistry(options.log);
  const origin = randomUUID();
  const channelPrefix = eventChannel(options, '');
  /** Per subscribed topic, its SUBSCRIBE: every listener of the topic waits for the same one. */
  const subscribed = new Map<string, Promise<unknown>>();
  let subscriber: Redis | undefined;
  let closing: Promise<void> | undefined;

  const onMessage = (channel: string, message: string) => {
    const topic = channel.slice(channelPrefix.length);
    const decoded = decode(message);
    if (!decoded.success) {
      options.log(`Ignored a malformed event on ${topic}`, decoded.error);
    } else if (decoded.data.origin !== origin) {
      registry.deliver(topic, decoded.data.event);
    }
  };

  // Opened on the first subscription: processes that only publish never hold a subscriber.
  const subscriberConnection = () => {
    if (subscriber === undefined) {
      const connection = openRedisConnection(options, 'subscriber');
      subscriber = connection;
      connection.on('message', onMessage);
      let connectedBefore = false;
      connection.on('ready', () => {
        if (!connectedBefore) {
          connectedBefore = true;
          return;
        }
        // ioredis re-subscribes right after 'ready'; a PING queued behind it answers once it is done.
        setImmediate(() => {
          connection.ping().then(
            () => {
              for (const listener of resubscribedListeners) listener();
            },
            (error: unknown) => {
              options.log('Redis subscriber did not come back', error);
            },
          );
        });
      });
    }
    return subscriber;
  };

  const removeListener = async (topic: string, subscription: Subscription) => {
    if (registry.remove(topic, subscription)) {
      subscribed.delete(topic);
      await subscriber?.unsubscribe(eventChannel(options, topic));
    }
  };

  return {
    async publish(topic, event) {
      if (closing !== undefined) {
        throw new Error('The event bus is closed');
      }
      const subscriptions = registry.snapshot(topic);
      // Like the in-process bus: after publish() is called, before it returns, in a microtask.
      queueMicrotask(() => {
        registry.deliver(topic, event, subscriptions);
      });
      if (publisherConnectedBefore && publisher.status !== 'ready') {
        // A lost Redis fails at once rather than after the command timeout: the caller's outbox
        // row keeps the event. A first connection still in progress is waited for.
        throw new Error(`Redis is unreachable: the event on ${topic} reached this process only`);
      }
      await publisher.publish(eventChannel(options, topic), encode({ origin, event }));
    },

    onResubscribed(listener) {
      resubscribedListeners.push(listener);
    },

    async subscribe(topic, listener) {
      if (closing !== undefined) {
        throw new Error('The event bus is closed');
      }
      const subscription = { listener };
      if (registry.add(topic, subscription)) {
        // Commands on one connection run in order, so this follows any UNSUBSCRIBE in flight.
        subscribed.set(topic, subscriberConnection().subscribe(eventChannel(options, topic)));
      }
      try {
        await subscribed.get(topic);
      } catch (error) {
        await removeListener(topic, subscription);
        throw error;
      }
      const unsubscribe: Unsubscribe = () => removeListener(topic, subscription);
      return unsubscribe;
    },

    close() {
      closing ??= (async () => {
        registry.clear();
        subscribed.clear();
        await Promise.all(
          [publisher, subscriber]
            .filter((connection) => connection !== undefined)
            .map(closeRedisConnection),
        );
      })();
      return closing;
    },
  };
}
