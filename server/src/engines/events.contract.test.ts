import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { engineCases, eventually, type EngineSpace } from '../../test/support/redis.js';
import { topics, type DomainEvent } from '../domain/events.js';
import type { EventBus } from './events.js';
import { createInProcessEventBus } from './events/in-process.js';
import { createRedisEventBus, eventChannel } from './events/redis.js';

const cases = engineCases({
  inProcess: (log) => createInProcessEventBus({ log }),
  redis: createRedisEventBus,
});

const roomChanged = (roomId: string): DomainEvent => ({ type: 'room.changed', roomId });

function redisOf(space: EngineSpace<EventBus>) {
  if (space.redis === undefined) {
    throw new Error('This test needs the Redis engine');
  }
  return space.redis;
}

describe.each(cases)('events on $engine', (engineCase) => {
  afterEach(() => engineCase.cleanup());

  it('delivers every event published after subscribe resolves, in order, on its topic only', async () => {
    const bus = engineCase.space().open();
    const onA: DomainEvent[] = [];
    const onB: DomainEvent[] = [];
    await bus.subscribe(topics.room('a'), (event) => {
      onA.push(event);
    });
    await bus.subscribe(topics.room('b'), (event) => {
      onB.push(event);
    });
    const events: DomainEvent[] = [
      { type: 'meeting.created', roomId: 'a', meetingId: 'm1' },
      { type: 'presence.changed', roomId: 'a', meetingId: 'm1' },
      { type: 'sync.run.changed', roomId: 'a', runId: 'r1', status: 'RUNNING' },
      roomChanged('a'),
    ];
    for (const event of events) {
      await bus.publish(topics.room('a'), event);
    }
    await bus.publish(topics.room('b'), roomChanged('b'));

    await eventually(() => {
      expect(onB).toEqual([roomChanged('b')]);
    });
    expect(onA).toEqual(events);
  });

  it('never runs listeners inside publish', async () => {
    const bus = engineCase.space().open();
    const received: DomainEvent[] = [];
    await bus.subscribe(topics.room('a'), (event) => {
      received.push(event);
    });

    const publishing = bus.publish(topics.room('a'), roomChanged('a'));
    expect(received).toEqual([]);
    await publishing;
    await eventually(() => {
      expect(received).toEqual([roomChanged('a')]);
    });
  });

  it("delivers a bus's own events to its listeners before publish resolves, once", async () => {
    const space = engineCase.space();
    const bus = space.open();
    // Over Redis, an event from another bus follows any echo of ours on the same channel.
    const other = engineCase.engine === 'redis' ? space.open() : bus;
    const received: DomainEvent[] = [];
    await bus.subscribe(topics.room('a'), (event) => {
      received.push(event);
    });

    await bus.publish(topics.room('a'), roomChanged('own'));
    expect(received).toEqual([roomChanged('own')]);
    await other.publish(topics.room('a'), roomChanged('later'));
    await eventually(() => {
      expect(received).toEqual([roomChanged('own'), roomChanged('later')]);
    });
  });

  it('gives each subscription its own delivery and its own unsubscribe', async () => {
    const bus = engineCase.space().open();
    const calls: string[] = [];
    const record = (event: DomainEvent) => {
      calls.push('roomId' in event ? event.roomId : event.type);
    };
    const first = await bus.subscribe(topics.room('a'), record);
    await bus.subscribe(topics.room('a'), record);
    const other = await bus.subscribe(topics.room('a'), () => {
      calls.push('other');
    });

    await bus.publish(topics.room('a'), roomChanged('a'));
    await eventually(() => {
      expect(calls.sort()).toEqual(['a', 'a', 'other']);
    });

    calls.length = 0;
    await first();
    await other();
    await bus.publish(topics.room('a'), roomChanged('a'));
    await eventually(() => {
      expect(calls).toEqual(['a']);
    });
  });

  it('stops delivering after the last unsubscribe, and subscribes again afterwards', async () => {
    const bus = engineCase.space().open();
    const dropped: DomainEvent[] = [];
    const kept: DomainEvent[] = [];
    const unsubscribe = await bus.subscribe(topics.room('a'), (event) => {
      dropped.push(event);
    });
    await unsubscribe();
    await unsubscribe();
    await bus.publish(topics.room('a'), roomChanged('gone'));

    await bus.subscribe(topics.room('a'), (event) => {
      kept.push(event);
    });
    await bus.publish(topics.room('a'), roomChanged('back'));
    await eventually(() => {
      expect(kept).toEqual([roomChanged('back')]);
    });
    expect(dropped).toEqual([]);
  });

  it('isolates a listener that throws or rejects, and logs it', async () => {
    const space = engineCase.space();
    const bus = space.open();
    const received: DomainEvent[] = [];
    await bus.subscribe(topics.room('a'), () => {
      throw new Error('listener broke');
    });
    await bus.subscribe(topics.room('a'), () => Promise.reject(new Error('async listener broke')));
    await bus.subscribe(topics.room('a'), (event) => {
      received.push(event);
    });

    await bus.publish(topics.room('a'), roomChanged('1'));
    await bus.publish(topics.room('a'), roomChanged('2'));
    await eventually(() => {
      expect(received).toEqual([roomChanged('1'), roomChanged('2')]);
      expect(space.logged).toHaveLength(4);
    });
    expect(space.logged.map(({ error }) => String(error))).toEqual(
      expect.arrayContaining(['Error: listener broke', 'Error: async listener broke']),
    );
  });

  it('refuses to publish or subscribe once closed', async () => {
    const bus = engineCase.space().open();
    await bus.close();
    await bus.close();
    await expect(bus.publish(topics.room('a'), roomChanged('a'))).rejects.toThrow();
    await expect(bus.subscribe(topics.room('a'), () => undefined)).rejects.toThrow();
  });

  if (engineCase.sharedAcrossInstances) {
    it('carries events from one bus to the subscribers of another, as between processes', async () => {
      const space = engineCase.space();
      const publisher = space.open();
      const subscriber = space.open();
      const received: DomainEvent[] = [];
      await subscriber.subscribe(topics.meeting('m1'), (event) => {
        received.push(event);
      });

      const ended: DomainEvent = { type: 'meeting.ended', roomId: 'a', meetingId: 'm1' };
      await publisher.publish(topics.meeting('m1'), ended);
      await eventually(() => {
        expect(received).toEqual([ended]);
      });
    });
  }

  if (engineCase.engine === 'redis') {
    it('holds one subscriber connection and one Redis subscription per topic', async () => {
      const space = engineCase.space();
      const namespace = redisOf(space);
      const bus = space.open();
      const channelA = eventChannel(namespace, topics.room('a'));
      const channelB = eventChannel(namespace, topics.room('b'));
      const admin = new Redis(namespace.url);
      try {
        const subscriptionCounts = async () =>
          (await admin.pubsub('NUMSUB', channelA, channelB)).filter((_, index) => index % 2 === 1);
        const first = await bus.subscribe(topics.room('a'), () => undefined);
        const second = await bus.subscribe(topics.room('a'), () => undefined);
        await bus.subscribe(topics.room('b'), () => undefined);

        expect(await subscriptionCounts()).toEqual([1, 1]);
        const clients = await admin.client('LIST');
        const subscriberName = `name=${namespace.prefix}:subscriber `;
        expect(
          String(clients)
            .split('\n')
            .filter((line) => line.includes(subscriberName)),
        ).toHaveLength(1);

        await first();
        expect(await subscriptionCounts()).toEqual([1, 1]);
        await second();
        expect(await subscriptionCounts()).toEqual([0, 1]);
      } finally {
        await admin.quit();
      }
    });

    it('ignores malformed payloads, logs them and keeps delivering', async () => {
      const space = engineCase.space();
      const namespace = redisOf(space);
      const bus = space.open();
      const received: DomainEvent[] = [];
      await bus.subscribe(topics.room('a'), (event) => {
        received.push(event);
      });
      const admin = new Redis(namespace.url);
      try {
        const channel = eventChannel(namespace, topics.room('a'));
        await admin.publish(channel, 'not json');
        await admin.publish(channel, JSON.stringify({ type: 'room.exploded', roomId: 'a' }));
        await admin.publish(channel, JSON.stringify({ type: 'room.changed' }));
      } finally {
        await admin.quit();
      }
      await bus.publish(topics.room('a'), roomChanged('a'));

      await eventually(() => {
        expect(received).toEqual([roomChanged('a')]);
      });
      expect(space.logged.map(({ message }) => message)).toEqual(
        Array.from({ length: 3 }, () => `Ignored a malformed event on ${topics.room('a')}`),
      );
    });
  }
});
