// Prometheus metrics (GET /metrics): process defaults plus the live fan-out's figures.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RoomLobbies } from '../services/lobby/room-lobbies.js';

export type Metrics = { contentType: string; render(): Promise<string> };

export function createMetrics(
  live: Pick<RoomLobbies, 'loadCount' | 'roomCount' | 'subscriberCount'>,
): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lobby_' });
  new Gauge({
    name: 'lobby_live_rooms',
    help: 'Rooms with lobby subscribers on this process',
    registers: [registry],
    collect() {
      this.set(live.roomCount());
    },
  });
  new Gauge({
    name: 'lobby_live_subscribers',
    help: 'roomMeetings subscribers on this process',
    registers: [registry],
    collect() {
      this.set(live.subscriberCount());
    },
  });
  let reported = 0;
  new Counter({
    name: 'lobby_lobby_loads_total',
    help: 'Room lobby loads for subscribers and queries (one per room per change)',
    registers: [registry],
    collect() {
      const loads = live.loadCount();
      this.inc(loads - reported);
      reported = loads;
    },
  });
  return { contentType: registry.contentType, render: () => registry.metrics() };
}
