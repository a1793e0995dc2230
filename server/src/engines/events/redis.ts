// The Redis event bus: JSON on channel `<prefix>:events:<topic>`, one subscriber connection per bus
// and one Redis SUBSCRIBE per topic, however many local listeners share it.
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
]);

/** Typed by the schema, so publishing a DomainEvent that receivers cannot parse does not compile. */
function encode(event: z.infer<typeof domainEventSchema>): string {
  return JSON.stringify(event);
}

function decode(
  message: string,
): { success: true; data: DomainEvent } | { success: false; error: unknown } {
  try {
    return domainEventSchema.safeParse(JSON.parse(message));
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
  const channelPrefix = eventChannel(options, '');
  /** Per subscribed topic, its SUBSCRIBE: every listener of the topic waits for the same one. */
  const subscribed = new Map<string, Promise<unknown>>();
  let subscriber: Redis | undefined;
  let closing: Promise<void> | undefined;

  const onMessage = (channel: string, message: string) => {
    const topic = channel.slice(channelPrefix.length);
    const decoded = decode(message);
    if (decoded.success) {
      registry.deliver(topic, decoded.data);
    } else {
      options.log(`Ignored a malformed event on ${topic}`, decoded.error);
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
      await publisher.publish(eventChannel(options, topic), encode(event));
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
