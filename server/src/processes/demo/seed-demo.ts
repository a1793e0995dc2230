// `npm start` without a database: a demo room following a calendar served on loopback.
import { createServer, type Server } from 'node:http';
import { roomUrl } from '@lobby/shared/room-name';
import { setRoomCalendar } from '../../services/calendar-sync/feed-settings.js';
import type { Runtime } from '../runtime.js';
import { demoCalendarIcs } from './demo-calendar.js';

export const demoRoomName = 'demo';

export type DemoCalendarServer = { server: Server; host: string; url: string };

/** Serves the demo calendar on 127.0.0.1 (an ephemeral port), like any calendar host would. */
export async function serveDemoCalendar(publicBaseUrl: string): Promise<DemoCalendarServer> {
  const body = demoCalendarIcs(roomUrl(publicBaseUrl, demoRoomName));
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' });
    response.end(body);
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const host = `127.0.0.1:${port}`;
  return { server, host, url: `http://${host}/demo.ics` };
}

/** Creates (or updates) the demo owner, the shared demo room and its feed settings. */
export async function seedDemoRoom(runtime: Runtime, calendarUrl: string): Promise<void> {
  const { prisma } = runtime.deps;
  const owner = await prisma.user.upsert({
    where: { subject: 'demo:owner' },
    create: { subject: 'demo:owner', displayName: 'Demo owner' },
    update: {},
  });
  const room = await prisma.room.upsert({
    where: { name: demoRoomName },
    create: { name: demoRoomName, ownerId: owner.id, isShared: true, timezone: 'Europe/Berlin' },
    update: {},
  });
  await setRoomCalendar(runtime.deps, room.id, {
    url: calendarUrl,
    enabled: true,
    syncIntervalMinutes: 1,
  });
}
