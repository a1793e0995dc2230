// The Redis event bus: JSON on channel `<prefix>:events:<topic>`, one subscriber connection per bus
// and one Redis SUBSCRIBE per topic, however many local listeners share it. This process's own
// events reach its listeners at once, before publish() returns, and their echo from Redis is dropped:
// whoever changed something and then reads through this process sees the change.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { DomainEvent } from '../../domain/events.js';
import type { EventBus, Unsubscribe } from '../events.js';
import {
  closeRedisConnection,
  openRedisConnection,
  redisName,
  type RedisEngineOptions,
} from '../redis-connection.js';
import { ListenerRegistry, type Subscription } from './in-process.js';

const meetingEvent = <Type extends string>(type: Type) =>
  z.object({ type: z.literal(type), roomId: z.string(), meetingId: z.string() });

const domainEventSchema = z.discriminatedUnion('type', [
  meetingEvent('meeting.created'),
  meetingEvent('meeting.changed'),
  meetingEvent('meeting.ended'),
  meetingEvent('presence.changed'),
  meetingEvent('meeting.started'),
  z.object({
    type: z.literal('sync.run.changed'),
    roomId: z.string(),
    runId: z.string(),
    status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'UNCHANGED', 'FAILED', 'SKIPPED']),
  }),
  z.object({ type: z.literal('room.changed'), roomId: z.string() }),
  z.object({ type: z.literal('apiKey.revoked'), apiKeyId: z.string() }),
]);

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
      subscriber = openRedisConnection(options, 'subscriber');
      subscriber.on('message', onMessage);
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
      await publisher.publish(eventChannel(options, topic), encode({ origin, event }));
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
