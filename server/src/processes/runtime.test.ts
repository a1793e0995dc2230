// The runtime wires the configuration into the engines: here, REDIS_KEY_PREFIX into every channel.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { topics } from '../domain/events.js';
import { databaseEngines } from '../../test/support/database.js';
import { eventually } from '../../test/support/redis.js';
import { openRuntime } from './runtime.js';

const redisUrls = process.env.REDIS_URL === undefined ? [] : [process.env.REDIS_URL];
const pglite = databaseEngines().filter(({ engine }) => engine === 'pglite');

for (const redisUrl of redisUrls)
  for (const { open } of pglite)
    describe('the runtime on redis', () => {
      it('publishes under REDIS_KEY_PREFIX, so deployments can share one Redis', async () => {
        const prefix = `lobby-test-${randomBytes(4).toString('hex')}`;
        const config = parseConfig({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix });
        const runtime = await openRuntime(config, { database: await open() });
        const listener = new Redis(redisUrl);
        const heard: string[] = [];
        try {
          listener.on('pmessage', (_pattern: string, channel: string) => {
            heard.push(channel);
          });
          // Pub/sub ignores logical databases: listen to this prefix only, as others publish meanwhile.
          await listener.psubscribe(`${prefix}:*`);
          await runtime.deps.events.publish(topics.room('r1'), {
            type: 'room.changed',
            roomId: 'r1',
          });
          await eventually(() => {
            expect(heard).toContain(`${prefix}:events:${topics.room('r1')}`);
          });
        } finally {
          listener.disconnect();
          await runtime.close();
        }
      });
    });
